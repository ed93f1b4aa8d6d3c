"""Scheduling's jobs on worked examples (scheduling/jobs.py): tomorrow's lessons and
sessions, payments due before a booked lesson, teacher upkeep, and the timetable's
notifications sent. Each found when due, left when not, and nothing new on a second run."""

from datetime import datetime, timedelta

import pytest

from billing.models import LessonPackage
from core.jobs import job_run
from core.messaging import messages_send_due
from core.models import Message
from core.roles import Role
from core.services import subject_get_or_create
from scheduling.models import Notification
from scheduling.services import group_class_create, group_member_add, group_session_add, lesson_book
from tests.billing.helpers import make_student, sell
from tests.core.job_runs import message_keys, run_twice, todo_keys

from .helpers import at, make_teacher

pytestmark = pytest.mark.django_db


def book(student, teacher, starts_at, **kwargs):
    return lesson_book(
        student=student, teacher=teacher, subject=subject_get_or_create(name="钢琴"), starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1), by=None, send_notice=False, **kwargs,
    )


def test_tomorrows_lessons_and_sessions_make_the_desks_list_and_the_notices(campus, desk):
    teacher = make_teacher(campus, "钢琴", phone="13700000001")
    student = make_student(campus)
    tomorrow = book(student, teacher, at("2026-03-03", "10:00"))
    book(student, teacher, at("2026-03-04", "10:00"))  # the day after: not yet
    group = group_class_create(
        campus=campus, name="乐理班", subject=subject_get_or_create(name="钢琴"), teacher=teacher, by=None
    )
    member = make_student(campus, name="李四")
    group_member_add(group=group, student=member, by=None)
    session = group_session_add(group=group, starts_at=at("2026-03-03", "15:00"), ends_at=at("2026-03-03", "16:00"),
                                by=None)
    assert run_twice("day_ahead", at("2026-03-02", "17:00")) == 4
    assert todo_keys(assignee=desk) == {"day_ahead:2026-03-03"}
    assert message_keys() == {
        f"day_ahead:lesson:{tomorrow.pk}:2026-03-03",
        f"day_ahead:session:{session.pk}:{member.pk}",
        f"day_ahead:teacher:{teacher.pk}:2026-03-03",
    }
    to_teacher = Message.objects.get(key=f"day_ahead:teacher:{teacher.pk}:2026-03-03")
    assert to_teacher.to == "13700000001" and "乐理班" in to_teacher.body and "10:00" in to_teacher.body
    assert Message.objects.get(key__startswith="day_ahead:lesson").to == student.primary_guardian.phone


def test_a_day_with_nothing_tomorrow_makes_nothing(campus, desk):
    book(make_student(campus), make_teacher(campus, "钢琴"), at("2026-03-04", "10:00"))
    assert run_twice("day_ahead", at("2026-03-02", "17:00")) == 0


def test_payments_due_a_half_plan_nearing_half_and_a_deposit_with_a_booked_lesson(campus, desk):
    from billing.services import package_deduct

    teacher = make_teacher(campus, "钢琴")
    student = make_student(campus)
    half = sell(student, desk, lessons=10, price="3000.00", paid="1500.00")
    for _ in range(3):  # 3 of 10 used: the rest is due before the 5th, so within 2
        package_deduct(package=half, at=at("2026-02-20", "10:00"), by=desk, reason="上课")
    early_half = sell(student, desk, lessons=10, price="3000.00", paid="1500.00", course="数学一对一")
    booked_deposit = sell(student, desk, price="3000.00", paid="500.00", course="美术一对一")
    book(student, teacher, at("2026-03-05", "10:00"), package=booked_deposit)
    other = make_student(campus, name="王五")
    sell(other, desk, price="3000.00", paid="500.00")  # a deposit, nothing booked
    assert run_twice("payments_due", at("2026-03-02", "09:00")) == 2
    assert todo_keys(assignee=desk) == {f"payment_due:{half.pk}", f"payment_due:{booked_deposit.pk}"}
    assert LessonPackage.objects.get(pk=early_half.pk).lessons_used == 0


def test_teacher_upkeep_on_the_first_of_the_month_for_teachers_without_lessons(campus, make_staff):
    dean = make_staff(Role.DEAN)
    busy = make_teacher(campus, "钢琴")
    idle = make_teacher(campus, "钢琴", phone="13700000002")
    book(make_student(campus), busy, at("2026-02-10", "10:00"))
    assert run_twice("teacher_upkeep", at("2026-03-01", "10:00")) == 2
    assert todo_keys(assignee=dean) == {f"teacher_upkeep:{idle.pk}:2026-02"}
    assert message_keys() == {f"teacher_upkeep:{idle.pk}:2026-02"}
    assert Message.objects.get().to == "13700000002"


def test_the_timetables_notifications_are_sent_and_marked(campus):
    teacher = make_teacher(campus, "钢琴", phone="13700000003")
    student = make_student(campus)
    lesson = lesson_book(
        student=student, teacher=teacher, subject=subject_get_or_create(name="钢琴"),
        starts_at=at("2026-03-03", "10:00"), ends_at=at("2026-03-03", "11:00"), by=None,
    )
    notes = list(Notification.objects.filter(lesson=lesson))
    assert len(notes) == 2
    now = datetime.now().astimezone()
    assert run_twice("notifications_send", now) == 2
    assert set(Message.objects.values_list("to", flat=True)) == {"13700000003", student.primary_guardian.phone}
    assert Notification.objects.filter(sent_at__isnull=False).count() == 0  # not sent yet
    assert messages_send_due(now + timedelta(seconds=1)) == 2
    job_run("notifications_send", at=now, force=True)
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0
    sent = Message.objects.get(to="13700000003")
    assert Notification.objects.get(recipient="teacher", lesson=lesson).sent_at == sent.sent_at
    assert sent.status == Message.Status.SENT and sent.channel == Message.Channel.OUTBOX


def test_a_teacher_whose_only_lesson_was_cancelled_taught_none(campus, make_staff):
    from scheduling.services import lesson_cancel

    make_staff(Role.DEAN)
    teacher = make_teacher(campus, "钢琴")
    lesson = book(make_student(campus), teacher, at("2026-02-10", "10:00"))
    lesson_cancel(lesson=lesson, reason="老师生病", by=None)
    assert run_twice("teacher_upkeep", at("2026-03-01", "10:00")) == 2
    assert message_keys() == {f"teacher_upkeep:{teacher.pk}:2026-02"}
