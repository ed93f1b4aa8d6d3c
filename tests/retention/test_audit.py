"""The penalty audit on worked weeks of March–April 2026 (API.md § Staff rules): the periods
judged for a day, a student counted from the first full week after the hand-over, the
weekly contact, the monthly assessment and plan, lessons over-used, refunds; a second run
creates nothing; `run_audit --date` prints the count on its last line."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from billing.models import LessonPackage
from core.roles import Role
from core.services import subject_get_or_create
from retention.models import Incident
from retention.services import judged_month, judged_week, run_audit
from scheduling.services import teacher_change
from tests.factories import drafted_refund, signed_refund, sold_package

from .followup_makers import at, book, log, make_student, make_teacher, sell, use

pytestmark = pytest.mark.django_db

HANDOVER = at("2026-03-02", "15:00")  # a Monday


@pytest.fixture
def advisor(make_staff, supervisor):
    return make_staff(Role.ADVISOR, supervisor=supervisor)


@pytest.fixture
def student(campus, advisor, supervisor):
    return make_student(campus, advisor, name="张子涵", since=HANDOVER)


def charged(code: str | None = None):
    found = Incident.objects.filter(voided_at__isnull=True).order_by("occurred_on", "pk")
    if code:
        found = found.filter(rule_code=code)
    return [(i.staff.role, i.level, str(i.amount), str(i.occurred_on)) for i in found.select_related("staff")]


@pytest.mark.parametrize(
    ("day", "week", "month"),
    [
        (date(2026, 3, 11), (date(2026, 3, 2), date(2026, 3, 8)), "2026-02"),  # mid-week: the previous ISO week
        (date(2026, 3, 16), (date(2026, 3, 9), date(2026, 3, 15)), "2026-02"),  # a Monday: the week just ended
        (date(2026, 3, 15), (date(2026, 3, 2), date(2026, 3, 8)), "2026-02"),  # a Sunday: its week has not ended
        (date(2026, 3, 1), (date(2026, 2, 16), date(2026, 2, 22)), "2026-02"),  # a Sunday, the 1st
        (date(2026, 1, 1), (date(2025, 12, 22), date(2025, 12, 28)), "2025-12"),
        (date(2026, 2, 28), (date(2026, 2, 16), date(2026, 2, 22)), "2026-01"),
    ],
)
def test_the_periods_judged_for_a_day(day, week, month):
    judged = judged_week(day)
    assert (judged.first, judged.last) == week and judged.first.isoweekday() == 1
    assert judged_month(day).key == month


def test_weekly_contact_from_the_first_full_week_after_the_hand_over(student, advisor, supervisor):
    # the week of the hand-over (2–8 March) is not judged: the student counts from 9 March
    assert run_audit(day=date(2026, 3, 11)) == 0
    # 9–15 March without a contact: a warning, dated the Sunday; no joint incident
    assert run_audit(day=date(2026, 3, 18)) == 1
    assert charged() == [("advisor", "warning", "0.00", "2026-03-15")]
    # any day of the same periods again creates nothing
    assert run_audit(day=date(2026, 3, 18)) == 0
    assert run_audit(day=date(2026, 3, 22)) == 0
    # 16–22 March: a real contact; a schedule notice alone would not do
    log(student, advisor, "regular", at("2026-03-18"))
    assert run_audit(day=date(2026, 3, 23)) == 0
    log(student, advisor, "schedule_notice", at("2026-03-25"))
    # 23–29 March: only a schedule notice — the second time, a fine of ¥10 and the supervisor's ¥10
    assert run_audit(day=date(2026, 3, 30)) == 2
    assert charged()[1:] == [
        ("advisor", "fine", "10.00", "2026-03-29"),
        ("cs_supervisor", "fine", "10.00", "2026-03-29"),
    ]
    joint = Incident.objects.get(staff=supervisor)
    assert joint.joint_of.staff == advisor and joint.rule_code == "weekly_contact" and joint.source == "audit"


def test_an_earlier_week_judged_later_takes_its_place_in_the_ladder(student):
    assert run_audit(day=date(2026, 3, 25)) == 1  # 16–22 March first
    assert run_audit(day=date(2026, 3, 18)) == 2  # then 9–15 March: the warning; 16–22 becomes a fine
    assert charged() == [
        ("advisor", "warning", "0.00", "2026-03-15"),
        ("advisor", "fine", "10.00", "2026-03-22"),
        ("cs_supervisor", "fine", "10.00", "2026-03-22"),
    ]


def test_a_student_handed_to_another_advisor_mid_week_is_not_judged_that_week(student, campus, make_staff):
    from students.services import student_assign_advisor

    other = make_staff(Role.ADVISOR)
    student_assign_advisor(student=student, advisor=other, by=make_staff(Role.CS_SUPERVISOR))
    # the reassignment is now (December 2026): March is still the first advisor's
    assert run_audit(day=date(2026, 3, 18)) == 1
    assert Incident.objects.get().staff != other


def test_monthly_assessment_per_subject_and_monthly_plan(campus, student, advisor):
    piano, maths = make_teacher(campus, "钢琴"), make_teacher(campus, "数学")
    book(student, piano, at("2026-04-06", "16:00"))
    book(student, piano, at("2026-04-13", "16:00"))
    book(student, maths, at("2026-04-14", "16:00"), subject="数学")
    created = run_audit(day=date(2026, 5, 4))
    assert charged("monthly_assessment") == [
        ("advisor", "warning", "0.00", "2026-04-30"),
        ("advisor", "fine", "10.00", "2026-04-30"),
        ("cs_supervisor", "fine", "10.00", "2026-04-30"),
    ]
    assert {i.subject.name for i in Incident.objects.filter(rule_code="monthly_assessment", joint_of=None)} == {"钢琴", "数学"}
    assert charged("monthly_plan") == [("advisor", "warning", "0.00", "2026-04-30")]
    assert created == len(Incident.objects.all())
    assert run_audit(day=date(2026, 5, 4)) == 0


def test_monthly_records_do_not_count_in_the_month_of_the_hand_over(campus, student):
    book(student, make_teacher(campus, "钢琴"), at("2026-03-09", "16:00"))
    run_audit(day=date(2026, 4, 1))
    assert not Incident.objects.filter(rule_code__in=["monthly_assessment", "monthly_plan"]).exists()


def test_lessons_overused_valued_at_the_package_unit_price(campus, student, advisor, supervisor, make_staff):
    principal = make_staff(Role.PRINCIPAL)
    package = sell(student, supervisor, lessons=10, valid_from=date(2026, 1, 1))  # ¥300 a lesson
    LessonPackage.objects.filter(pk=package.pk).update(created_at=at("2026-01-01"))
    use(package, 10, at("2026-03-20"))
    teacher = make_teacher(campus, "钢琴")
    book(student, teacher, at("2026-04-06", "16:00"))
    book(student, teacher, at("2026-04-13", "16:00"))
    run_audit(day=date(2026, 5, 1))
    assert [(i.staff, i.amount) for i in Incident.objects.filter(rule_code="lessons_overused")] == [
        (advisor, Decimal("600.00")), (supervisor, Decimal("50.00")), (principal, Decimal("50.00"))
    ]
    assert run_audit(day=date(2026, 5, 2)) == 0


def test_a_lesson_with_lessons_left_or_without_any_package_is_not_overused(campus, student, supervisor):
    teacher = make_teacher(campus, "钢琴")
    book(student, teacher, at("2026-04-06", "16:00"))  # no package at all: a trial
    run_audit(day=date(2026, 5, 1))
    package = sell(student, supervisor, lessons=10, valid_from=date(2026, 1, 1))
    LessonPackage.objects.filter(pk=package.pk).update(created_at=at("2026-01-01"))
    use(package, 2, at("2026-04-01"))
    book(student, teacher, at("2026-05-06", "16:00"))  # not checked in, yet 8 lessons were left
    run_audit(day=date(2026, 6, 1))
    assert not Incident.objects.filter(rule_code="lessons_overused").exists()


def test_low_satisfaction_once_a_student_and_month(student, advisor):
    log(student, advisor, "regular", at("2026-04-08"), satisfaction=2)
    log(student, advisor, "regular", at("2026-04-15"), satisfaction=1)
    log(student, advisor, "regular", at("2026-04-22"), satisfaction=3)
    run_audit(day=date(2026, 5, 1))
    assert charged("low_satisfaction") == [("advisor", "warning", "0.00", "2026-04-30")]


def test_refunds_for_scheduling_and_after_three_teacher_changes(campus, make_staff, desk, supervisor, advisor):
    team = {role: make_staff(role) for role in ("dean", "consultant", "principal", "finance")} | {"advisor": advisor}
    student = make_student(campus, advisor)
    piano = subject_get_or_create(name="钢琴")
    for _ in range(3):
        teacher_change(student=student, subject=piano, to_teacher=make_teacher(campus, "钢琴"),
                       requested_by="parent", reason="家长不满意", by=supervisor)
    package = sold_package(campus, desk, student=student, used=1)
    signed_refund(drafted_refund(package, principal=team["principal"]), team, category="scheduling")
    today = timezone.localdate()
    day = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    # four of the refund, and the weekly contact nobody made in that month's last full week
    assert run_audit(day=day) == 5
    rows = {(i.rule_code, i.staff.role, str(i.amount)) for i in Incident.objects.exclude(rule_code="weekly_contact")}
    assert rows == {
        ("scheduling_refund", "advisor", "100.00"), ("scheduling_refund", "cs_supervisor", "100.00"),
        ("frequent_teacher_change", "advisor", "100.00"), ("frequent_teacher_change", "cs_supervisor", "100.00"),
    }
    assert run_audit(day=day + timedelta(days=1)) == 0


def test_run_audit_prints_the_number_created_on_its_last_line(student):
    out = StringIO()
    call_command("run_audit", "--date", "2026-03-18", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "1"
    out = StringIO()
    call_command("run_audit", "--date", "2026-03-18", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "0"


def test_run_audit_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("run_audit", "--date", "2026-02-30", stdout=StringIO())


def test_a_group_session_held_for_a_member_with_nothing_left_is_overused(campus, student, advisor, make_staff):
    from billing.services import package_create
    from scheduling.models import GroupMember
    from scheduling.services import group_class_create, group_member_add, group_session_add

    make_staff(Role.PRINCIPAL)
    desk = make_staff(Role.FRONT_DESK)
    teacher = make_teacher(campus, "钢琴")
    group = group_class_create(campus=campus, name="钢琴大课", subject=subject_get_or_create(name="钢琴"),
                               teacher=teacher, by=desk)
    package = package_create(
        student=student, course="钢琴大课", kind=LessonPackage.Kind.GROUP, lessons=4, bonus_lessons=0,
        price=Decimal("800.00"), paid=Decimal("800.00"), valid_from=date(2026, 1, 1),
        valid_until=date(2028, 1, 1), by=desk,
    )
    LessonPackage.objects.filter(pk=package.pk).update(created_at=at("2026-01-01"))
    group_member_add(group=group, student=student, by=desk, package=package)
    GroupMember.objects.filter(student=student).update(joined_at=at("2026-01-01"))
    use(package, 4, at("2026-03-20"))
    group_session_add(group=group, starts_at=at("2026-04-07", "18:00"), ends_at=at("2026-04-07", "19:00"), by=desk)
    run_audit(day=date(2026, 5, 1))
    [overused] = Incident.objects.filter(rule_code="lessons_overused", joint_of=None)
    assert (overused.staff, overused.amount) == (advisor, Decimal("200.00"))  # ¥800 ÷ 4


def test_an_audits_incidents_keep_their_history_like_any_other(student, advisor, supervisor):
    run_audit(day=date(2026, 3, 18))
    run_audit(day=date(2026, 3, 25))  # the second week: a fine and the supervisor's joint fine
    incidents = list(Incident.objects.order_by("pk"))
    assert len(incidents) == 3
    for incident in incidents:
        [created] = incident.history.all()
        assert (created.history_type, created.level, created.amount) == ("+", incident.level, incident.amount)


def test_a_week_judged_after_one_entered_by_hand_for_a_later_day_moves_it_up_the_ladder(
    student, advisor, supervisor, make_staff
):
    from retention.services import incident_record

    yesterday = timezone.localdate() - timedelta(days=1)
    incident_record(by=make_staff(Role.PRINCIPAL), staff=advisor.user.username, rule="weekly_contact",
                    occurred_on=yesterday)
    assert charged() == [("advisor", "warning", "0.00", str(yesterday))]
    # 9–15 March, judged now, comes first on the ladder: the warning is its, the later
    # incident is restated a fine and brings the supervisor's joint one
    assert run_audit(day=date(2026, 3, 18)) == 2
    assert charged() == [
        ("advisor", "warning", "0.00", "2026-03-15"),
        ("advisor", "fine", "10.00", str(yesterday)),
        ("cs_supervisor", "fine", "10.00", str(yesterday)),
    ]
