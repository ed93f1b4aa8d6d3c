"""Demo students with their families for the demo campus. Idempotent: a student already
there (same name in the campus) is not created again."""

from datetime import date

from core.models import Campus, Staff
from core.roles import Role

from .models import Lead, Student
from .services import lead_create, student_assign_advisor, student_create

DEMO_STUDENTS = [
    # name, gender, birthday, school, grade, (mother, phone), (father, phone)
    (
        "张子涵",
        "F",
        date(2014, 3, 2),
        "朝阳实验小学",
        "五年级",
        ("李梅", "13800010001"),
        ("张伟", "13800010002"),
    ),
    (
        "王浩然",
        "M",
        date(2012, 9, 15),
        "朝阳第一中学",
        "初一",
        ("陈静", "13800010003"),
        ("王强", "13800010004"),
    ),
    (
        "刘思雨",
        "F",
        date(2016, 1, 20),
        "幸福路小学",
        "三年级",
        ("赵丽", "13800010005"),
        ("刘洋", "13800010006"),
    ),
    (
        "陈一鸣",
        "M",
        date(2011, 6, 8),
        "朝阳第一中学",
        "初二",
        ("周敏", "13800010007"),
        ("陈刚", "13800010008"),
    ),
]


def seed(campus: Campus, staff_by_role: dict[str, Staff]) -> str:
    desk = staff_by_role[Role.FRONT_DESK]
    made = 0
    for name, gender, birthday, school, grade, mother, father in DEMO_STUDENTS:
        if Student.objects.filter(campus=campus, name=name).exists():
            continue
        student_create(
            campus=campus,
            by=desk,
            data={
                "name": name,
                "gender": gender,
                "birthday": birthday,
                "address": "北京市朝阳区幸福路 8 号院",
                "school": school,
                "grade": grade,
                "learning_type": "steady",
            },
            guardians=[
                {"name": mother[0], "relation": "mother", "phone": mother[1], "is_primary": True},
                {"name": father[0], "relation": "father", "phone": father[1], "is_primary": False},
            ],
        )
        made += 1
    advisor = staff_by_role.get(Role.ADVISOR)
    supervisor = staff_by_role.get(Role.CS_SUPERVISOR)
    if advisor and supervisor:
        for student in Student.objects.filter(
            campus=campus, name__in=["张子涵", "王浩然"], advisor__isnull=True
        ):
            student_assign_advisor(student=student, advisor=advisor, by=supervisor)
    if not Lead.objects.filter(campus=campus, phone="13900020001").exists():
        referrer = Student.objects.filter(campus=campus, name="张子涵").first()
        lead_create(
            campus=campus,
            by=desk,
            data={
                "name": "孙小雅",
                "contact_name": "孙女士",
                "phone": "13900020001",
                "course": "钢琴一对一",
                "source": "referral",
                "referred_by": referrer,
                "needs": "零基础，想周末上课",
                "next_step": "约周六试听",
            },
        )
    total = Student.objects.filter(campus=campus).count()
    return f"students: {total} in campus {campus.code} ({made} created now)"
