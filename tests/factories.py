"""Factories for the tests. Business records that have rules (packages, cards, lessons)
are made through their services in the tests, not here, so the rules are exercised."""

from datetime import date

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.models import Campus, Staff
from core.roles import Role
from core.services import api_token_issue
from students.models import Guardian, Student

PASSWORD = "pw-for-tests-1"


class CampusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campus
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"campus{n}")
    name = factory.Sequence(lambda n: f"第{n}校区")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = Role.FRONT_DESK
    campus = factory.SubFactory(CampusFactory)

    @factory.post_generation
    def groups(self, create: bool, extracted, **kwargs) -> None:
        if create:
            self.user.groups.add(Group.objects.get_or_create(name=self.role)[0])
            if self.role == Role.HQ_ADMIN:
                self.user.is_staff = self.user.is_superuser = True
                self.user.save()


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    campus = factory.SubFactory(CampusFactory)
    name = factory.Sequence(lambda n: f"学员{n}")
    gender = "M"
    birthday = date(2014, 3, 2)
    address = "北京市朝阳区幸福路 1 号"


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    student = factory.SubFactory(StudentFactory)
    name = "李梅"
    relation = "mother"
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    is_primary = False


def token_for(staff: Staff) -> str:
    return api_token_issue(campus=staff.campus, staff=staff)[1]


# --- order saving (挽单) and refunds (退费) ---------------------------------------------------
# Packages are sold and used through billing's services, cases and refunds through
# retention's, so the tests exercise the rules they rely on.


def sold_package(
    campus: Campus,
    by: Staff,
    *,
    lessons: int = 10,
    bonus: int = 0,
    price: str = "3000.00",
    paid: str | None = None,
    used: int = 0,
    student: Student | None = None,
    course: str = "钢琴一对一",
):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from billing.models import LessonPackage
    from billing.services import package_create, package_deduct

    if student is None:
        student = StudentFactory(campus=campus)
        GuardianFactory(student=student, is_primary=True, relation="mother")
        GuardianFactory(student=student, name="张伟", relation="father")
    today = timezone.localdate()
    package = package_create(
        student=student,
        course=course,
        kind=LessonPackage.Kind.ONE_ON_ONE,
        lessons=lessons,
        bonus_lessons=bonus,
        price=Decimal(price),
        paid=Decimal(paid if paid is not None else price),
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=365),
        by=by,
    )
    for _ in range(used):
        package_deduct(package=package, at=timezone.now(), by=by, reason="上课")
    package.refresh_from_db()
    return package


def drafted_refund(package, *, principal: Staff):
    """A refund in draft: a non-regular request goes to the principal, who fails the case."""
    from retention.services import save_case_fail, save_case_open

    case = save_case_open(package=package, by=principal, reason="家长要求退费", regular=False)
    return save_case_fail(case=case, by=principal)
# --- end of order saving and refunds -----------------------------------------------------------
