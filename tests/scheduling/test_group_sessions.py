"""A group class's session, as the front desk and the dean work it: the check-in list
(swiped / on leave / absent, an absent one ticked in by hand with a reason), one student's
leave, a whole session cancelled (nobody charged, everyone notified), a student removed from
the class (history kept), and a group package sold for its class (`group_class`)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import LedgerEntry
from core.errors import Conflict, InvalidInput
from core.roles import Role
from scheduling.models import Attendance, GroupMember, Notification, SessionLeave
from scheduling.selectors import find_conflicts, session_at, session_roster
from scheduling.services import (
    checkin_manual,
    group_member_add,
    group_member_remove,
    group_session_add,
    group_session_cancel,
    lesson_checkin,
    session_leave,
    session_package,
)
from tests.billing.helpers import make_student, sell

from .helpers import music_theory_class

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(campus, make_staff):
    return music_theory_class(campus, make_staff(Role.DEAN))


def group_package(student, by, **terms):
    today = timezone.localdate()
    return sell(student, by, kind="group", course="乐理大课", valid_from=today - timedelta(days=30),
                valid_until=today + timedelta(days=300), **terms)


def a_session(group, starts):
    return group_session_add(group=group, starts_at=starts, ends_at=starts + timedelta(hours=2), by=None)


@pytest.fixture
def class_of_three(campus, desk, group):
    students = [make_student(campus, name=name) for name in ("安安", "贝贝", "乐乐")]
    for student in students:
        group_member_add(group=group, student=student, by=desk, package=group_package(student, desk))
    return students


def states(session):
    return {row.member.student.name: row.state for row in session_roster(session)}


def test_the_check_in_list_shows_swiped_on_leave_and_absent(group, class_of_three, desk):
    an, bei, _le = class_of_three
    session = a_session(group, timezone.now() + timedelta(days=2))
    session_leave(session=session, student=bei, by=desk, reason="发烧")
    lesson_checkin(
        student=an, package=session_package(session=session, student=an, at=timezone.now()),
        at=timezone.now(), by=None, source="swipe", session=session,
    )
    assert states(session) == {"安安": "swiped", "贝贝": "leave", "乐乐": "absent"}


def test_ticking_an_absent_member_in_is_the_manual_deduction_with_its_reason_once(group, class_of_three, desk):
    _an, _bei, le = class_of_three
    session = a_session(group, timezone.now() - timedelta(minutes=10))
    package = session_package(session=session, student=le, at=timezone.now())
    attendance = checkin_manual(package=package, by=desk, reason="忘带卡", session=session)
    assert (attendance.session, attendance.source, attendance.reason) == (session, "manual", "忘带卡")
    assert attendance.ledger_entry.reason == "忘带卡"
    assert states(session)["乐乐"] == "manual"
    with pytest.raises(Conflict):
        checkin_manual(package=package, by=desk, reason="再点一次", session=session)
    assert LedgerEntry.objects.filter(package=package, kind="used").count() == 1
    with pytest.raises(InvalidInput):
        checkin_manual(package=package, by=desk, reason="", session=session)


def test_a_1_on_1_package_cannot_be_ticked_into_a_session(group, class_of_three, desk):
    le = class_of_three[2]
    session = a_session(group, timezone.now() - timedelta(minutes=10))
    one_on_one = sell(le, desk, valid_from=timezone.localdate() - timedelta(days=1))
    with pytest.raises(InvalidInput):
        checkin_manual(package=one_on_one, by=desk, reason="忘带卡", session=session)
    assert not Attendance.objects.exists()


def test_leave_less_than_a_day_ahead_is_marked_late_and_notifies(group, class_of_three, desk):
    an = class_of_three[0]
    session = a_session(group, timezone.now() + timedelta(hours=5))
    leave = session_leave(session=session, student=an, by=desk, reason="考试")
    assert leave.late_notice is True
    assert set(Notification.objects.filter(session=session).values_list("recipient", flat=True)) == {"teacher", "parent"}
    early = a_session(group, timezone.now() + timedelta(days=3))
    assert session_leave(session=early, student=an, by=desk, reason="旅游").late_notice is False
    with pytest.raises(Conflict):
        session_leave(session=early, student=an, by=desk, reason="又一次")
    # on leave: a swipe in that session's window is not for it
    assert session_at(student=an, at=session.starts_at) is None


def test_leave_after_checking_in_is_refused(group, class_of_three, desk):
    an = class_of_three[0]
    session = a_session(group, timezone.now() - timedelta(minutes=5))
    checkin_manual(package=session_package(session=session, student=an, at=timezone.now()), by=desk,
                   reason="忘带卡", session=session)
    with pytest.raises(Conflict):
        session_leave(session=session, student=an, by=desk, reason="想走")
    assert not SessionLeave.objects.exists()


def test_cancelling_a_session_charges_nobody_and_notifies_everyone(group, class_of_three, desk):
    session = a_session(group, timezone.now() + timedelta(days=1, hours=2))
    group_session_cancel(session=session, by=desk, reason="教员生病")
    session.refresh_from_db()
    assert (session.status, session.cancel_reason) == ("cancelled", "教员生病")
    notes = Notification.objects.filter(session=session, kind="cancelled")
    assert notes.filter(recipient="parent").count() == 3 and notes.filter(recipient="teacher").count() == 1
    assert session_at(student=class_of_three[0], at=session.starts_at) is None  # a swipe then charges nothing here
    with pytest.raises(Conflict):
        group_session_cancel(session=session, by=desk, reason="再取消")
    assert not LedgerEntry.objects.filter(kind="used").exists()


def test_a_session_someone_was_charged_for_cannot_be_cancelled(group, class_of_three, desk):
    session = a_session(group, timezone.now() - timedelta(minutes=5))
    an = class_of_three[0]
    checkin_manual(package=session_package(session=session, student=an, at=timezone.now()), by=desk,
                   reason="忘带卡", session=session)
    with pytest.raises(Conflict):
        group_session_cancel(session=session, by=desk, reason="停电")
    session.refresh_from_db()
    assert session.status == "scheduled"


def test_removing_a_student_keeps_the_history_and_frees_their_timetable(group, class_of_three, desk):
    an = class_of_three[0]
    started = a_session(group, timezone.now() - timedelta(minutes=30))  # began while a member
    coming = a_session(group, timezone.now() + timedelta(days=7))
    member = group_member_remove(group=group, student=an, by=desk, reason="转到一对一")
    member.refresh_from_db()
    assert member.left_at is not None and member.left_reason == "转到一对一" and member.left_by == desk
    assert GroupMember.objects.filter(student=an).count() == 1  # the row stays
    assert "安安" in states(started) and "安安" not in states(coming)
    assert find_conflicts(starts_at=coming.starts_at, ends_at=coming.ends_at, teacher=None, student_ids=[an.pk],
                          room=None) == {}
    assert session_at(student=an, at=coming.starts_at) is None
    with pytest.raises(InvalidInput):
        group_member_remove(group=group, student=an, by=desk, reason="再退")
    with pytest.raises(InvalidInput):
        group_member_remove(group=group, student=class_of_three[1], by=desk, reason="")
    # and may join again later
    assert group_member_add(group=group, student=an, by=desk).pk != member.pk


# --- group_class at sale (API.md § Packages) ---------------------------------------------------


def sale(**over) -> dict:
    """A body of POST /students/{id}/packages: a group package of 20 lessons, paid in full."""
    today = timezone.localdate()
    return {"course": "乐理大课", "kind": "group", "lessons": 20, "price": "2000.00", "paid": "2000.00",
            "valid_from": today.isoformat(), "valid_until": (today + timedelta(days=200)).isoformat(), **over}


def test_a_group_package_sold_for_a_class_puts_the_student_on_its_roster(api_as, campus, group):
    student = make_student(campus, name="新同学")
    api = api_as(Role.FRONT_DESK)
    response = api.post(f"/api/v1/students/{student.pk}/packages", sale(group_class=group.pk))
    assert response.status_code == 201, response.content
    member = GroupMember.objects.get(group=group, student=student)
    assert member.package_id == response.json()["id"]


def test_group_class_refuses_a_1_on_1_package_or_another_campus_class_and_sells_nothing(
    api_as, campus, group, other_campus
):
    student = make_student(campus)
    api = api_as(Role.FRONT_DESK)
    body = sale(kind="one_on_one", course="钢琴", group_class=group.pk)
    response = api.post(f"/api/v1/students/{student.pk}/packages", body)
    assert response.status_code == 422 and "package_id" in response.json()["error"]["fields"]
    missing = api.post(f"/api/v1/students/{student.pk}/packages", {**body, "kind": "group", "group_class": 999999})
    assert missing.status_code == 422 and "group_class" in missing.json()["error"]["fields"]
    assert not student.packages.exists() and not GroupMember.objects.exists()


def test_a_member_without_a_package_gets_the_one_sold_for_the_class(campus, desk, group):
    from billing.services import package_create

    student = make_student(campus)
    member = group_member_add(group=group, student=student, by=desk)
    today = timezone.localdate()
    package = package_create(
        student=student, course="乐理大课", kind="group", lessons=10, bonus_lessons=0, price=1000, paid=1000,
        valid_from=today, valid_until=today + timedelta(days=100), by=desk, group_class=group.pk,
    )
    member.refresh_from_db()
    assert member.package == package


# --- the pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.DEAN, Role.FRONT_DESK])
def test_the_check_in_list_page_ticks_an_absent_member_in(client_as, group, class_of_three, role):
    session = a_session(group, timezone.now() - timedelta(minutes=10))
    client = client_as(role)
    url = f"/schedule/groups/{group.pk}/sessions/{session.pk}/"
    page = client.get(url).content.decode()
    assert "乐乐" in page and "未到" in page and "手工扣课" in page
    le = class_of_three[2]
    assert client.post(url, {"action": "tick", "student": le.pk, "reason": ""}).status_code == 422
    assert client.post(url, {"action": "tick", "student": le.pk, "reason": "读卡器坏了"}).status_code == 302
    assert Attendance.objects.get(student=le).session == session
    assert "手工签到" in client.get(url).content.decode()


def test_the_check_in_list_page_gives_leave_and_cancels(client_as, group, class_of_three):
    session = a_session(group, timezone.now() + timedelta(days=3))
    client = client_as(Role.DEAN)
    url = f"/schedule/groups/{group.pk}/sessions/{session.pk}/"
    assert client.post(url, {"action": "leave", "student": class_of_three[0].pk, "reason": "比赛"}).status_code == 302
    assert client.post(url, {"action": "cancel", "reason": "场地维修"}).status_code == 302
    session.refresh_from_db()
    assert session.status == "cancelled"


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.TEACHER, Role.PRINCIPAL, Role.FINANCE])
def test_other_roles_do_not_open_the_check_in_list(client_as, group, role):
    session = a_session(group, timezone.now() + timedelta(days=3))
    assert client_as(role).get(f"/schedule/groups/{group.pk}/sessions/{session.pk}/").status_code == 403


def test_another_campus_session_is_404(client_as, group, other_campus, make_staff):
    session = a_session(group, timezone.now() + timedelta(days=3))
    client = client_as(make_staff(Role.DEAN, campus=other_campus))
    assert client.get(f"/schedule/groups/{group.pk}/sessions/{session.pk}/").status_code == 404


def test_removing_on_the_class_page_needs_a_reason(client_as, group, class_of_three):
    client = client_as(Role.FRONT_DESK)
    url = f"/schedule/groups/{group.pk}/remove/"
    client.post(url, {"student": class_of_three[0].pk, "reason": ""})
    assert not GroupMember.objects.filter(left_at__isnull=False).exists()
    client.post(url, {"student": class_of_three[0].pk, "reason": "搬家"})
    page = client.get(f"/schedule/groups/{group.pk}/").content.decode()
    assert "已退班" in page and "搬家" in page


# --- the API -----------------------------------------------------------------------------------------


def test_the_api_gives_leave_cancels_and_lists_the_session(api_as, group, class_of_three):
    an, bei, _le = class_of_three
    session = a_session(group, timezone.now() + timedelta(hours=5))
    api = api_as(Role.FRONT_DESK)
    leave = api.post(f"/api/v1/group-sessions/{session.pk}/leave", {"student_id": an.pk, "reason": "比赛"})
    assert leave.status_code == 201 and leave.json()["late_notice"] is True
    assert api.post(f"/api/v1/group-sessions/{session.pk}/leave", {"student_id": bei.pk, "reason": ""}).status_code == 422
    listed = api.get(f"/api/v1/group-sessions/{session.pk}").json()
    assert {m["student"]["name"]: m["state"] for m in listed["members"]} == {"安安": "leave", "贝贝": "absent", "乐乐": "absent"}
    cancelled = api.post(f"/api/v1/group-sessions/{session.pk}/cancel", {"reason": "停电"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = api.post(f"/api/v1/group-sessions/{session.pk}/cancel", {"reason": "停电"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "lesson_not_scheduled"


def test_the_api_removes_a_member_and_keeps_the_row(api_as, group, class_of_three):
    api = api_as(Role.DEAN)
    response = api.post(f"/api/v1/group-classes/{group.pk}/members/remove", {"student_id": class_of_three[0].pk, "reason": "转班"})
    assert response.status_code == 200
    assert sorted(s["name"] for s in response.json()["students"]) == sorted(["贝贝", "乐乐"])
    assert GroupMember.objects.filter(student=class_of_three[0], left_at__isnull=False).exists()


def test_the_api_refuses_other_roles_and_campuses(api_as, group, class_of_three, make_staff, other_campus):
    session = a_session(group, timezone.now() + timedelta(days=3))
    assert api_as(Role.TEACHER).post(f"/api/v1/group-sessions/{session.pk}/cancel", {"reason": "x"}).status_code == 403
    assert api_as(Role.ADVISOR).get(f"/api/v1/group-sessions/{session.pk}").status_code == 403
    elsewhere = api_as(make_staff(Role.FRONT_DESK, campus=other_campus))
    assert elsewhere.post(f"/api/v1/group-sessions/{session.pk}/cancel", {"reason": "x"}).status_code == 404
    session.refresh_from_db()
    assert session.status == "scheduled"
