"""Billing's jobs on worked examples (billing/jobs.py): what is due is found, what is not
is left, and a second run creates nothing."""

import logging
from datetime import date, datetime

import pytest

from billing.models import GoodsItem, LedgerEntry, LessonPackage
from core.models import Message, Todo
from core.roles import Role
from tests.core.job_runs import message_keys, run_twice, todo_keys

from .helpers import SHANGHAI, make_student, sell

pytestmark = pytest.mark.django_db

# Monday 2 March 2026
DAY = date(2026, 3, 2)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def test_packages_past_their_validity_are_written_off_and_the_others_left(campus, desk):
    student = make_student(campus)
    ended = sell(student, desk, valid_from=date(2025, 3, 1), valid_until=date(2026, 3, 1))
    last_day = sell(student, desk, valid_from=date(2025, 3, 2), valid_until=DAY, course="数学一对一")
    assert run_twice("packages_expire", at(0, 10)) == 1
    ended.refresh_from_db()
    last_day.refresh_from_db()
    assert ended.lessons_left == 0
    assert ended.ledger.filter(kind=LedgerEntry.Kind.EXPIRED, lessons=-10).count() == 1
    assert last_day.lessons_left == 10


@pytest.mark.ledger_tampered  # the spent package: its cache set to nothing left by hand
def test_packages_expiring_in_30_and_7_days_remind_the_advisor_and_the_parent(campus, desk, advisor):
    student = make_student(campus, advisor=advisor)
    soon = sell(student, desk, valid_from=date(2025, 3, 1), valid_until=date(2026, 3, 6))
    later = sell(student, desk, valid_from=date(2025, 3, 1), valid_until=date(2026, 3, 25), course="数学一对一")
    sell(student, desk, valid_from=date(2025, 3, 1), valid_until=date(2026, 6, 1), course="美术")
    spent = sell(student, desk, valid_from=date(2025, 3, 1), valid_until=date(2026, 3, 6), course="舞蹈")
    LessonPackage.objects.filter(pk=spent.pk).update(lessons_left=0)
    assert run_twice("packages_expiring", at(8)) == 4
    assert todo_keys(assignee=advisor) == {f"package_expiring_7:{soon.pk}", f"package_expiring_30:{later.pk}"}
    parent = student.primary_guardian.phone
    assert set(Message.objects.values_list("to", flat=True)) == {parent}
    assert message_keys() == {f"package_expiring_7:{soon.pk}", f"package_expiring_30:{later.pk}"}


def test_a_student_without_an_advisor_goes_to_the_front_desk(campus, desk):
    student = make_student(campus)
    package = sell(student, desk, valid_from=date(2025, 3, 1), valid_until=date(2026, 3, 6))
    run_twice("packages_expiring", at(8))
    assert todo_keys(assignee=desk) == {f"package_expiring_7:{package.pk}"}


def test_goods_at_or_below_their_warning_line_are_a_to_do_for_the_front_desk(campus, desk, other_campus):
    low = GoodsItem.objects.create(campus=campus, category="文具", name="琴谱夹", price="10.00", stock=3, warning_line=3)
    GoodsItem.objects.create(campus=campus, category="文具", name="铅笔", price="1.00", stock=4, warning_line=3)
    GoodsItem.objects.create(campus=other_campus, category="文具", name="琴谱夹", price="10.00", stock=0, warning_line=3)
    assert run_twice("goods_low", at(8, 10)) == 1
    assert todo_keys(assignee=desk) == {f"goods_low:{low.pk}"}


@pytest.mark.ledger_tampered  # the difference the nightly check must find
def test_the_ledger_check_finds_a_difference_for_the_principal_and_the_log(campus, desk, make_staff, caplog):
    principal = make_staff(Role.PRINCIPAL)
    student = make_student(campus)
    broken = sell(student, desk)
    sell(student, desk, course="数学一对一")
    LessonPackage.objects.filter(pk=broken.pk).update(lessons_left=7)  # a cache written outside the services
    with caplog.at_level(logging.ERROR, logger="jobs"):
        assert run_twice("ledger_check", at(2)) == 1
    assert todo_keys(assignee=principal) == {f"ledger_mismatch:{broken.pk}"}
    assert any(r.levelno == logging.ERROR and f"package {broken.pk}" in r.getMessage() for r in caplog.records)
    assert Todo.objects.count() == 1
