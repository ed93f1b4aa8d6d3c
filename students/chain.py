"""Students of a generated chain (`generate_chain`): each with two guardians and a
hand-over to one of the campus's advisors, a year ago."""

from datetime import timedelta

from core.bulkload import Chain, ChainStudent
from core.roles import Role

from .models import AdvisorAssignment, Guardian, Student

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "子涵欣怡梓轩浩宇雨桐思远佳琪俊杰一诺若曦明轩诗涵宇航嘉怡博文可馨天佑雅婷"
GRADES = ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "初一", "初二", "初三"]
DISTRICTS = ["朝阳区", "海淀区", "东城区", "西城区", "丰台区", "通州区"]


def generate(chain: Chain) -> None:
    rng = chain.rng
    students, guardians, assignments = (chain.writer(m) for m in (Student, Guardian, AdvisorAssignment))
    since = chain.week - timedelta(weeks=62)
    phone = 13_000_000_000
    for campus_id in chain.campuses:
        advisors = chain.staff[campus_id][Role.ADVISOR]
        desk = chain.staff[campus_id][Role.FRONT_DESK][0]
        for index in range(chain.students_per_campus):
            surname = rng.choice(SURNAMES)
            advisor = advisors[index % len(advisors)]
            student_id = students.add(
                campus_id=campus_id, name=surname + "".join(rng.choices(GIVEN, k=2)), gender=rng.choice("MF"),
                birthday=since.date().replace(year=since.year - rng.randint(6, 15)),
                address=f"北京市{rng.choice(DISTRICTS)}{rng.randint(1, 300)}号", grade=rng.choice(GRADES),
                school=f"第{rng.randint(1, 120)}中学", advisor_id=advisor, advisor_since=since,
                created_by_id=desk, created_at=since,
            )
            for relation, is_primary in (("mother", True), ("father", False)):
                phone += rng.randint(1, 40)
                guardians.add(student_id=student_id, name=surname + ("母亲" if is_primary else "父亲"),
                              relation=relation, phone=str(phone), is_primary=is_primary)
            assignments.add(student_id=student_id, advisor_id=advisor, assigned_at=since,
                            first_call_due=(since + timedelta(days=1)).date(), first_call_done_at=since,
                            first_call_done_by_id=advisor, assigned_by_id=desk)
            chain.students.append(ChainStudent(id=student_id, campus_id=campus_id, advisor_id=advisor, index=index))
    for writer in (students, guardians, assignments):
        writer.close()
