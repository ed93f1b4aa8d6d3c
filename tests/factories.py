"""Factories for the tests. Business records that have rules (packages, cards, lessons)
are made through their services in the tests, not here, so the rules are exercised."""

from datetime import date

import factory
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from core.models import Campus, Staff, WrittenOnce
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


def assert_written_once(record: WrittenOnce) -> None:
    """The record refuses to be saved again or deleted (core.models.WrittenOnce)."""
    with pytest.raises(ValueError):
        record.save()
    with pytest.raises(ValueError):
        record.delete()


def signed_in(staff: Staff) -> Client:
    """A page client signed in as `staff`."""
    client = Client()
    client.force_login(staff.user)
    return client


def sign_in_page(page, live_server, staff: Staff) -> None:
    """Sign `staff` in on a Chromium page through the login form, as a person does."""
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", staff.user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")


def teaches(teacher: Staff, student: Student) -> None:
    """Make `teacher` one of `student`'s teachers (a piano lesson tomorrow): a teacher opens
    the files of the students they teach only."""
    from datetime import timedelta

    from django.utils import timezone

    from core.services import subject_get_or_create
    from scheduling.services import lesson_book

    piano = subject_get_or_create(name="钢琴")
    teacher.subjects.add(piano)
    starts = timezone.now() + timedelta(days=1)
    lesson_book(student=student, teacher=teacher, subject=piano, starts_at=starts, ends_at=starts + timedelta(hours=1),
                by=None)


def pick_student(page, field: str, text: str) -> None:
    """Choose a student with the student picker (students/picker.py) as a clerk does: type
    in its search box `field`, click the match that names `text`."""
    page.fill(field, text)
    page.click(f"{field}-results li:has-text('{text}')")
    page.wait_for_selector(f"{field} ~ [data-picker-status]:has-text('{text}')")


# --- order saving (挽单) and refunds (退费) ---------------------------------------------------
# Packages are sold and used through billing's services, cases and refunds through
# retention's, so the tests exercise the rules they rely on.


def sold_package(campus: Campus, by: Staff, *, used: int = 0, student: Student | None = None, **terms):
    """A package valid since a month ago, with `used` lessons used now; `terms` as
    billing's tests sell one (lessons, bonus, price, paid, course)."""
    from datetime import timedelta

    from django.utils import timezone

    from billing.services import package_deduct
    from tests.billing.helpers import make_student, sell

    package = sell(student or make_student(campus), by, valid_from=timezone.localdate() - timedelta(days=30), **terms)
    for _ in range(used):
        package_deduct(package=package, at=timezone.now(), by=by, reason="上课")
    package.refresh_from_db()
    return package


def drafted_refund(package, *, principal: Staff):
    """A refund in draft: a non-regular request goes to the principal, who fails the case."""
    from retention.services import save_case_fail, save_case_open

    case = save_case_open(package=package, by=principal, reason="家长要求退费", regular=False)
    return save_case_fail(case=case, by=principal)


def signed_refund(refund, team: dict[str, Staff], *, until: str | None = None, tax: str = "0.00", category: str = "family",
                  reason: str = "搬家", paid_at=None):
    """`refund` taken through its steps by `team` (a member per role: dean, advisor or
    consultant, principal, finance), up to the step `until` (not signed) or paid."""
    from decimal import Decimal

    from retention import services

    handler = team["advisor"] if services.refund_handler_role(refund) == "advisor" else team["consultant"]
    steps = [
        ("confirm-lessons", lambda: services.refund_confirm_lessons(refund=refund, by=team["dean"])),
        ("parent-sign", lambda: services.refund_parent_sign(
            refund=refund, by=handler, reason=reason, signed_by="李梅", category=category)),
        ("documents", lambda: services.refund_documents(
            refund=refund, by=handler, contract="returned", receipt="returned",
            invoice="lost_declared" if Decimal(tax) else "none", tax_deduction=tax)),
        ("approve", lambda: services.refund_approve(refund=refund, by=team["principal"])),
        ("pay", lambda: services.refund_pay(refund=refund, by=team["finance"], at=paid_at)),
    ]
    for step, sign in steps:
        if step == until:
            break
        sign()
    return refund
# --- end of order saving and refunds -----------------------------------------------------------
