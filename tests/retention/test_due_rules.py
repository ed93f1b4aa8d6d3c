"""The calls an advisor owes, rule by rule, on worked weeks with fixed dates (March 2026:
Monday the 2nd is the hand-over). Each rule is judged at an explicit moment."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from retention import selectors
from retention.models import FollowUp
from scheduling.services import lesson_leave
from students.models import AdvisorAssignment, Student

from .followup_makers import at, book, log, make_student, make_teacher, sell, use

pytestmark = pytest.mark.django_db

HANDOVER = at("2026-03-02", "15:00")


@pytest.fixture
def student(campus, advisor):
    return make_student(campus, advisor, name="张子涵", since=HANDOVER)


@pytest.fixture
def teacher(campus):
    return make_teacher(campus, "钢琴")


def judged(rule, student, when) -> selectors.Due | None:
    return rule(Student.objects.filter(pk=student.pk), when).get(student.pk)


# --- the first call after the hand-over -----------------------------------------------------


def test_the_first_call_is_due_the_day_after_the_hand_over_and_late_after_that(student):
    assert judged(selectors.first_call_due, student, at("2026-03-02", "20:00")) is None
    due = judged(selectors.first_call_due, student, at("2026-03-03", "08:00"))
    assert due.kind == FollowUp.Kind.FIRST_CALL and due.due_on == date(2026, 3, 3)
    [row] = selectors.due_students(Student.objects.filter(pk=student.pk), at("2026-03-03", "08:00"))
    assert row.first == due and row.days_late == 0
    [row] = selectors.due_students(Student.objects.filter(pk=student.pk), at("2026-03-05", "08:00"))
    assert row.first.kind == FollowUp.Kind.FIRST_CALL and row.days_late == 2


def test_a_first_call_by_anyone_after_the_hand_over_settles_it(student, make_staff):
    log(student, make_staff(Role.CONSULTANT), "first_call", at("2026-03-03", "18:00"))
    assert judged(selectors.first_call_due, student, at("2026-03-03", "17:59")) is not None
    assert judged(selectors.first_call_due, student, at("2026-03-04", "09:00")) is None


def test_a_first_call_ticked_off_on_the_hand_over_page_settles_it(student):
    AdvisorAssignment.objects.filter(student=student).update(first_call_done_at=at("2026-03-03", "11:00"))
    assert judged(selectors.first_call_due, student, at("2026-03-04", "09:00")) is None


def test_a_first_call_to_the_family_before_a_new_hand_over_does_not_count(campus, student, advisor, make_staff):
    log(student, advisor, "first_call", at("2026-03-03", "10:00"))
    successor = make_staff(Role.ADVISOR)
    moved = make_student(campus, successor, since=at("2026-03-10", "09:00"))
    log(moved, successor, "regular", at("2026-03-10", "12:00"))
    assert judged(selectors.first_call_due, moved, at("2026-03-11", "09:00")).due_on == date(2026, 3, 11)


# --- the weekly real contact ---------------------------------------------------------------


def test_a_student_never_contacted_since_the_hand_over_is_due_at_once_and_late_after_the_first_call(student):
    due = judged(selectors.weekly_contact_due, student, at("2026-03-02", "16:00"))
    assert due.kind == FollowUp.Kind.REGULAR and due.due_on == date(2026, 3, 3)


def test_a_schedule_notice_is_not_the_weekly_contact(student, advisor):
    log(student, advisor, "schedule_notice", at("2026-03-03", "10:00"), channel="sms")
    assert judged(selectors.weekly_contact_due, student, at("2026-03-04", "10:00")) is not None
    log(student, advisor, "regular", at("2026-03-04", "10:00"))
    assert judged(selectors.weekly_contact_due, student, at("2026-03-04", "10:01")) is None


def test_a_contact_seven_days_ago_is_due_today_six_days_ago_is_not(student, advisor):
    log(student, advisor, "first_call", at("2026-03-03", "16:00"))
    assert judged(selectors.weekly_contact_due, student, at("2026-03-09", "23:59")) is None  # 6 days ago
    due = judged(selectors.weekly_contact_due, student, at("2026-03-10", "08:00"))  # 7 days ago
    assert due.due_on == date(2026, 3, 10)
    [row] = selectors.due_students(Student.objects.filter(pk=student.pk), at("2026-03-12", "08:00"))
    assert row.kinds == [FollowUp.Kind.REGULAR] and row.days_late == 2
    assert row.last_contact_at == at("2026-03-03", "16:00")


def test_any_real_contact_counts_whoever_made_it(student, make_staff):
    log(student, make_staff(Role.CS_SUPERVISOR), "save_order", at("2026-03-05", "10:00"))
    assert judged(selectors.weekly_contact_due, student, at("2026-03-11", "10:00")) is None


# --- the 24-hour confirmation before the first lesson --------------------------------------


def test_the_confirmation_is_due_within_24_hours_of_the_first_lesson(student, teacher, advisor):
    book(student, teacher, at("2026-03-05", "16:00"))
    assert judged(selectors.pre_first_lesson_due, student, at("2026-03-04", "15:59")) is None
    due = judged(selectors.pre_first_lesson_due, student, at("2026-03-04", "16:00"))
    assert due.kind == FollowUp.Kind.PRE_FIRST_LESSON and "03-05 16:00" in due.note
    log(student, advisor, "pre_first_lesson", at("2026-03-04", "17:00"))
    assert judged(selectors.pre_first_lesson_due, student, at("2026-03-04", "18:00")) is None


def test_only_the_first_lesson_that_takes_place_needs_a_confirmation(student, teacher, advisor):
    first = book(student, teacher, at("2026-03-04", "16:00"))
    book(student, teacher, at("2026-03-06", "16:00"))
    lesson_leave(lesson=first, reason="发烧", by=advisor, now=at("2026-03-03", "09:00"))
    # the lesson on leave is not the first; the one on the 6th is
    assert judged(selectors.pre_first_lesson_due, student, at("2026-03-03", "17:00")) is None
    assert judged(selectors.pre_first_lesson_due, student, at("2026-03-05", "17:00")) is not None
    log(student, advisor, "pre_first_lesson", at("2026-03-05", "17:30"))
    # after the first lesson no later one asks for a confirmation
    assert judged(selectors.pre_first_lesson_due, student, at("2026-03-12", "17:00")) is None


# --- the call after the first lesson -------------------------------------------------------


def test_the_call_after_the_first_lesson_is_due_when_it_ends_and_late_the_next_day(student, teacher, advisor):
    book(student, teacher, at("2026-03-05", "16:00"))
    assert judged(selectors.after_first_lesson_due, student, at("2026-03-05", "16:59")) is None
    due = judged(selectors.after_first_lesson_due, student, at("2026-03-05", "17:00"))
    assert due.kind == FollowUp.Kind.AFTER_FIRST_LESSON and due.due_on == date(2026, 3, 5)
    rows = selectors.due_students(Student.objects.filter(pk=student.pk), at("2026-03-07", "09:00"))
    assert rows[0].first.kind == FollowUp.Kind.FIRST_CALL  # still owed too, and comes first
    assert FollowUp.Kind.AFTER_FIRST_LESSON in rows[0].kinds
    log(student, advisor, "after_first_lesson", at("2026-03-07", "10:00"))
    assert judged(selectors.after_first_lesson_due, student, at("2026-03-07", "10:05")) is None


def test_a_call_before_the_first_lesson_does_not_count_as_the_call_after_it(student, teacher, advisor):
    book(student, teacher, at("2026-03-05", "16:00"))
    log(student, advisor, "after_first_lesson", at("2026-03-05", "15:00"))
    assert judged(selectors.after_first_lesson_due, student, at("2026-03-05", "18:00")) is not None


# --- renewal --------------------------------------------------------------------------------


@pytest.mark.parametrize(("used", "due"), [(6, False), (7, True), (9, True)])
def test_renewal_is_due_at_30_percent_of_the_lessons_left(student, make_staff, used, due):
    package = sell(student, make_staff(Role.FRONT_DESK), lessons=10)
    use(package, used, at("2026-03-03", "16:00"))
    found = judged(selectors.renewal_due, student, at("2026-03-04", "10:00"))
    assert (found is not None) is due
    if due:
        assert found.kind == FollowUp.Kind.RENEWAL and found.due_on == date(2026, 3, 3)
        assert f"剩 {10 - used}/10 课时" in found.note


def test_bonus_lessons_count_in_the_30_percent(student, make_staff):
    package = sell(student, make_staff(Role.FRONT_DESK), lessons=18, bonus=2)
    use(package, 13, at("2026-03-03", "16:00"))  # 7 of 20 left: 35%
    assert judged(selectors.renewal_due, student, at("2026-03-04", "10:00")) is None
    use(package, 1, at("2026-03-04", "16:00"))  # 6 of 20 left: 30%
    assert judged(selectors.renewal_due, student, at("2026-03-05", "10:00")).due_on == date(2026, 3, 4)


def test_renewal_is_due_when_the_booked_lessons_of_four_weeks_use_up_what_is_left(student, teacher, make_staff):
    package = sell(student, make_staff(Role.FRONT_DESK), lessons=10)
    use(package, 2, at("2026-03-03", "16:00"))  # 8 left: 80%
    now = at("2026-03-04", "10:00")
    for week in range(4):  # Mondays and Thursdays of the next four weeks: 7 booked
        book(student, teacher, at("2026-03-05", "16:00") + timedelta(weeks=week))
        if week < 3:
            book(student, teacher, at("2026-03-09", "16:00") + timedelta(weeks=week))
    assert judged(selectors.renewal_due, student, now) is None
    book(student, teacher, at("2026-03-09", "16:00") + timedelta(weeks=3))  # the 8th, still within four weeks
    found = judged(selectors.renewal_due, student, now)
    assert found.due_on == date(2026, 3, 4) and "未来 4 周已排 8 节" in found.note
    book(student, teacher, at("2026-04-02", "16:00"))  # four weeks and more ahead: not counted
    assert "已排 8 节" in judged(selectors.renewal_due, student, now).note


def test_a_group_package_is_due_when_its_class_sessions_of_four_weeks_use_up_what_is_left(
    student, teacher, make_staff
):
    from decimal import Decimal

    from billing.models import LessonPackage
    from billing.services import package_create
    from core.services import subject_get_or_create
    from scheduling.services import group_class_create, group_member_add, group_session_add

    desk = make_staff(Role.FRONT_DESK)
    package = package_create(
        student=student, course="钢琴大课", kind=LessonPackage.Kind.GROUP, lessons=10, bonus_lessons=0,
        price=Decimal("2000.00"), paid=Decimal("2000.00"), valid_from=date(2026, 1, 1), valid_until=date(2028, 1, 1),
        by=desk,
    )
    use(package, 6, at("2026-03-03", "16:00"))  # 4 left: 40%
    group = group_class_create(campus=student.campus, name="钢琴大课", subject=subject_get_or_create(name="钢琴"),
                               teacher=teacher, by=desk)
    group_member_add(group=group, student=student, by=desk, package=package)
    now = at("2026-03-04", "10:00")
    for week in range(3):
        group_session_add(group=group, starts_at=at("2026-03-07", "10:00") + timedelta(weeks=week),
                          ends_at=at("2026-03-07", "11:00") + timedelta(weeks=week), by=desk)
    assert judged(selectors.renewal_due, student, now) is None
    group_session_add(group=group, starts_at=at("2026-03-28", "10:00"), ends_at=at("2026-03-28", "11:00"), by=desk)
    assert "未来 4 周已排 4 节" in judged(selectors.renewal_due, student, now).note


def test_a_renewal_talk_quiets_the_package_for_14_days(student, advisor, make_staff):
    package = sell(student, make_staff(Role.FRONT_DESK), lessons=10)
    use(package, 8, at("2026-03-03", "16:00"))
    log(student, advisor, "renewal", at("2026-03-04", "10:00"))
    assert judged(selectors.renewal_due, student, at("2026-03-17", "23:00")) is None
    found = judged(selectors.renewal_due, student, at("2026-03-18", "10:00"))
    assert found.due_on == date(2026, 3, 18)


def test_a_spent_expired_or_refunded_package_is_not_renewed_here(student, make_staff):
    package = sell(student, make_staff(Role.FRONT_DESK), lessons=10, valid_from=date(2025, 1, 1))
    use(package, 8, at("2026-03-03", "16:00"))
    type(package).objects.filter(pk=package.pk).update(valid_until=date(2026, 3, 3))
    assert judged(selectors.renewal_due, student, at("2026-03-04", "10:00")) is None
    type(package).objects.filter(pk=package.pk).update(
        valid_until=date(2027, 1, 1), refunded_at=at("2026-03-03", "18:00")
    )
    assert judged(selectors.renewal_due, student, at("2026-03-04", "10:00")) is None


# --- the list of a day ----------------------------------------------------------------------


def test_one_call_settles_every_rule_it_answers(student, advisor):
    rows = selectors.due_students(Student.objects.filter(pk=student.pk), at("2026-03-03", "09:00"))
    assert rows[0].kinds == [FollowUp.Kind.FIRST_CALL, FollowUp.Kind.REGULAR]
    log(student, advisor, "first_call", at("2026-03-03", "09:30"))
    assert selectors.due_students(Student.objects.filter(pk=student.pk), at("2026-03-03", "09:31")) == []


def test_each_person_sees_the_calls_of_their_own_students_or_of_the_campus(
    campus, other_campus, student, advisor, make_staff
):
    other = make_staff(Role.ADVISOR)
    make_student(campus, other, name="王浩然", since=HANDOVER)
    make_student(other_campus, make_staff(Role.ADVISOR, campus=other_campus), name="陈一鸣", since=HANDOVER)
    when = at("2026-03-04", "09:00")

    def names(staff) -> list[str]:
        return sorted(r.student.name for r in selectors.due_items_for(staff, at=when))

    assert names(advisor) == ["张子涵"]
    assert names(other) == ["王浩然"]
    assert names(make_staff(Role.CS_SUPERVISOR)) == ["张子涵", "王浩然"]
    assert names(make_staff(Role.PRINCIPAL)) == ["张子涵", "王浩然"]
    assert names(make_staff(Role.HQ_ADMIN)) == ["张子涵", "王浩然", "陈一鸣"]
    assert names(make_staff(Role.TEACHER)) == []


def test_the_supervisor_sees_how_late_each_advisor_runs(campus, student, advisor, make_staff):
    calm = make_staff(Role.ADVISOR)
    other = make_student(campus, advisor, name="王浩然", since=HANDOVER)
    log(other, advisor, "first_call", at("2026-03-03", "10:00"))
    loads = selectors.advisor_loads(selectors.advisors_of(campus), at("2026-03-06", "09:00"))
    by_advisor = {load.advisor: (load.due, load.overdue, load.oldest_days_late) for load in loads}
    # 张子涵 was never called: due 03-03, three days late; 王浩然 was called
    assert by_advisor == {advisor: (1, 1, 3), calm: (0, 0, 0)}
    assert loads[0].advisor == advisor


def test_the_list_of_a_past_day_is_judged_at_its_end(student):
    rows = selectors.due_items_for(student.advisor, date(2026, 3, 3))
    assert [r.student for r in rows] == [student]
    assert rows[0].day == date(2026, 3, 3)
    assert selectors.moment_of(date(2026, 3, 3)) == at("2026-03-03", "23:59") + timedelta(seconds=59.999999)
    assert abs(selectors.moment_of(None) - timezone.now()) < timedelta(seconds=5)


def test_the_hand_over_page_and_the_day_agree_on_a_first_call_done(student, advisor):
    from students.selectors import pending_first_calls

    assert list(pending_first_calls(advisor).values_list("student", flat=True)) == [student.pk]
    log(student, advisor, "first_call", at("2026-03-03", "10:00"))
    assert not pending_first_calls(advisor).exists()
    assert judged(selectors.first_call_due, student, at("2026-03-04", "10:00")) is None
