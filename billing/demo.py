"""Demo packages, payments and a stocked shelf for the demo campus. Idempotent: a student
who already has a package of that course, and an article already on the shelf, are left
as they are. Runs after students/demo.py (INSTALLED_APPS order); with no students yet it
seeds only the shelf."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.models import Campus, Staff
from core.roles import Role
from students.models import Student

from .models import GoodsItem, LessonPackage
from .services import goods_create, goods_sell, goods_stock_in, package_create, package_deduct

# One student's package each: what is sold (package_create's terms), its price and what is
# paid, the days it is valid from today (negative: expired) and the lessons used since.
DEMO_PACKAGES = [
    (dict(course="钢琴一对一", kind="one_on_one", lessons=40, bonus_lessons=4), "12000.00", "12000.00", 365, 3),
    (dict(course="数学一对一", kind="one_on_one", lessons=20, bonus_lessons=2), "6000.00", "3000.00", 180, 2),
    (dict(course="钢琴小班", kind="group", lessons=30, bonus_lessons=0), "4500.00", "1000.00", 180, 0),
    (dict(course="英语一对一", kind="one_on_one", lessons=10, bonus_lessons=1), "2800.00", "2800.00", -20, 6),
]

# category, name, spec, unit, warning line, price, stock
DEMO_GOODS = [
    ("教材", "钢琴基础教程", "第一册", "本", 3, "38.00", 12),
    ("教材", "小学奥数练习", "五年级", "本", 5, "25.00", 4),
    ("文具", "2B 铅笔", "盒装 12 支", "盒", 5, "12.00", 30),
    ("乐器配件", "节拍器", "电子", "个", 2, "89.00", 2),
]


def _seed_packages(students: list[Student], desk: Staff) -> int:
    made = 0
    today = timezone.localdate()
    for student, (terms, price, paid, days, used) in zip(students, DEMO_PACKAGES, strict=False):
        if LessonPackage.objects.filter(student=student, course=terms["course"]).exists():
            continue
        valid_until = today + timedelta(days=days)
        first_lesson = timezone.now() - timedelta(days=80)
        package = package_create(
            student=student,
            **terms,
            price=Decimal(price),
            paid=Decimal(paid),
            valid_from=min(today, valid_until) - timedelta(days=90),
            valid_until=valid_until,
            by=desk,
            sold_at=first_lesson - timedelta(days=3),
        )
        for week in range(used):
            package_deduct(
                package=package, at=first_lesson + timedelta(days=7 * week), by=desk, reason="忘带卡"
            )
        made += 1
    return made


def _seed_goods(campus: Campus, desk: Staff, student: Student | None) -> int:
    made = 0
    for category, name, spec, unit, line, price, stock in DEMO_GOODS:
        if GoodsItem.objects.filter(campus=campus, name=name, spec=spec).exists():
            continue
        item = goods_create(
            campus=campus, category=category, name=name, spec=spec, unit=unit, warning_line=line, price=price, by=desk
        )
        goods_stock_in(item=item, quantity=stock, by=desk, note="演示：期初入库")
        made += 1
    if made and student is not None:
        book = GoodsItem.objects.filter(campus=campus, name="钢琴基础教程").first()
        if book is not None and book.stock:
            goods_sell(item=book, quantity=1, by=desk, student=student)
    return made


def seed(campus: Campus, staff_by_role: dict[str, Staff]) -> str:
    desk = staff_by_role[Role.FRONT_DESK]
    students = list(Student.objects.filter(campus=campus).order_by("pk")[: len(DEMO_PACKAGES)])
    packages = _seed_packages(students, desk)
    goods = _seed_goods(campus, desk, students[0] if students else None)
    return f"billing: {packages} packages, {goods} shelf articles added"
