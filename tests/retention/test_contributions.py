"""What retention shows elsewhere: the student file's 回访 tab, the save cases and refunds
below 课时包 with 上报挽单, and the landing page's to-dos — the advisor's calls (the first
call after a hand-over among them, ticked off on the hand-over page too) and the save
cases near their deadline for the CS supervisor and the principal."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.contributions import student_tabs
from core.dashboard import panels_for as panels
from core.dashboard import todos_for
from core.errors import Forbidden
from core.roles import Role
from retention.models import SaveCase
from retention.services import save_case_open
from students import services
from students.models import AdvisorAssignment
from tests.factories import StudentFactory, signed_in, sold_package, teaches

from .followup_makers import log, make_student

pytestmark = pytest.mark.django_db

DAY = reverse("retention:day")


def file_tab(client, student, tab: str) -> str:
    return client.get(reverse("students:detail", args=[student.pk]), {"tab": tab}).content.decode()


@pytest.fixture
def handed_over(campus, make_staff):
    advisor = make_staff(Role.ADVISOR)
    student = make_student(campus, name="王小明")
    assignment = services.student_assign_advisor(student=student, advisor=advisor, by=make_staff(Role.CS_SUPERVISOR))
    return advisor, student, assignment


# --- the 回访 tab ---------------------------------------------------------------------------------


def test_the_follow_ups_tab_comes_after_the_lessons_and_before_the_history():
    keys = [tab.key for tab in student_tabs.items()]
    assert keys.index("lessons") < keys.index("followups") < keys.index("history")
    assert str(student_tabs.get("followups").label) == "回访"


def test_every_role_of_the_campus_reads_the_tab_and_who_may_log_gets_the_link(handed_over, make_staff):
    advisor, student, _assignment = handed_over
    log(student, advisor, "regular", timezone.now(), summary="家长说孩子很喜欢钢琴课")
    own = file_tab(signed_in(advisor), student, "followups")
    assert "家长说孩子很喜欢钢琴课" in own and reverse("retention:follow_up_new", args=[student.pk]) in own
    for role in (Role.FRONT_DESK, Role.TEACHER, Role.FINANCE, Role.ADVISOR):
        staff = make_staff(role)
        if role == Role.TEACHER:
            teaches(staff, student)  # a teacher opens the files of their own students only
        html = file_tab(signed_in(staff), student, "followups")
        assert 'href="?tab=followups"' in html and "家长说孩子很喜欢钢琴课" in html, role
        # another advisor reads the log but does not log for a student not theirs
        assert reverse("retention:follow_up_new", args=[student.pk]) not in html, role


def test_another_campus_file_and_its_tab_are_not_found(other_campus, make_staff):
    stranger = make_student(other_campus, name="陈一鸣")
    response = signed_in(make_staff(Role.PRINCIPAL)).get(
        reverse("students:detail", args=[stranger.pk]), {"tab": "followups"}
    )
    assert response.status_code == 404


# --- save cases and refunds below 课时包 ----------------------------------------------------------


def test_an_active_package_offers_to_report_a_refund_request_to_who_may_open_a_case(campus, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    package = sold_package(campus, desk, course="钢琴一对一", used=2)
    new_case = reverse("retention:save_case_new", args=[package.pk])
    for role in (Role.ADVISOR, Role.CONSULTANT, Role.CS_SUPERVISOR, Role.PRINCIPAL, Role.HQ_ADMIN):
        html = file_tab(signed_in(make_staff(role)), package.student, "packages")
        assert "挽单与退费" in html and new_case in html and "上报挽单 · 钢琴一对一" in html, role
    for role in (Role.DEAN, Role.FINANCE):
        html = file_tab(signed_in(make_staff(role)), package.student, "packages")
        assert "挽单与退费" in html and new_case not in html, role
    for role in (Role.FRONT_DESK, Role.TEACHER):
        assert "挽单与退费" not in file_tab(signed_in(make_staff(role)), package.student, "packages"), role


def test_an_open_case_is_listed_with_its_deadline_and_the_package_offers_no_second_one(campus, make_staff):
    principal = make_staff(Role.PRINCIPAL)
    package = sold_package(campus, make_staff(Role.FRONT_DESK), used=1)
    case = save_case_open(package=package, by=principal, reason="家长要求退费")
    html = file_tab(signed_in(make_staff(Role.ADVISOR)), package.student, "packages")
    assert reverse("retention:save_case", args=[case.pk]) in html and f"{case.deadline:%Y-%m-%d}" in html
    assert reverse("retention:save_case_new", args=[package.pk]) not in html
    # finance follows refunds, not the save group's cases
    assert reverse("retention:save_case", args=[case.pk]) not in file_tab(
        signed_in(make_staff(Role.FINANCE)), package.student, "packages"
    )


def test_a_refund_is_listed_for_finance_with_its_status(campus, make_staff):
    from tests.factories import drafted_refund

    principal = make_staff(Role.PRINCIPAL)
    package = sold_package(campus, make_staff(Role.FRONT_DESK), used=1)
    refund = drafted_refund(package, principal=principal)
    html = file_tab(signed_in(make_staff(Role.FINANCE)), package.student, "packages")
    assert reverse("retention:refund", args=[refund.pk]) in html and "待教务长确认课时" in html


def test_an_expired_package_offers_no_save_case(campus, make_staff):
    package = sold_package(campus, make_staff(Role.FRONT_DESK))
    type(package).objects.filter(pk=package.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    html = file_tab(signed_in(make_staff(Role.ADVISOR)), package.student, "packages")
    assert reverse("retention:save_case_new", args=[package.pk]) not in html


# --- the advisor's calls on the landing page -------------------------------------------------------


def test_the_first_call_is_on_the_advisors_to_do_list_until_made(campus, make_staff):
    advisor = make_staff(Role.ADVISOR)
    student = make_student(campus, name="王小明")
    assignment = services.student_assign_advisor(
        student=student, advisor=advisor, by=make_staff(Role.CS_SUPERVISOR)
    )
    rows = [row["text"] for panel in panels(advisor) for row in panel.rows]
    assert any("王小明" in text for text in rows)
    with pytest.raises(Forbidden):
        services.assignment_first_call_done(assignment=assignment, by=make_staff(Role.ADVISOR))
    services.assignment_first_call_done(assignment=assignment, by=advisor)
    rows = [row["text"] for panel in panels(advisor) for row in panel.rows]
    assert not any("王小明" in text for text in rows)


def test_an_overdue_first_call_is_flagged_on_the_advisors_landing_page(client, handed_over):
    advisor, student, assignment = handed_over
    yesterday = timezone.localdate() - timedelta(days=1)
    AdvisorAssignment.objects.filter(pk=assignment.pk).update(first_call_due=yesterday)
    [todo] = todos_for(advisor)
    assert todo.overdue and todo.due == yesterday
    assert todo.text == "王小明：接档首次回访（逾期 1 天）"
    assert todo.url == DAY
    client.force_login(advisor.user)
    home = client.get(reverse("home")).content.decode()
    assert "王小明：接档首次回访" in home and "已逾期" in home


def test_only_the_advisor_has_the_call_to_make_from_the_hand_over_on(handed_over, make_staff):
    advisor, _student, assignment = handed_over
    [todo] = todos_for(advisor)
    assert todo.text == f"王小明：每周回访（{assignment.first_call_due:%m-%d} 前）"
    assert (todo.due, todo.overdue, todo.url) == (assignment.first_call_due, False, DAY)
    for other in (make_staff(Role.FRONT_DESK), make_staff(Role.CS_SUPERVISOR), make_staff(Role.ADVISOR)):
        assert not any("王小明" in t.text for t in todos_for(other) or [])


def test_a_first_call_logged_from_the_day_ticks_the_hand_over_off_with_who_and_when(handed_over):
    advisor, student, assignment = handed_over
    response = signed_in(advisor).post(
        reverse("retention:day_log"),
        {"student": student.pk, "kind": "first_call", "contact": "parent", "channel": "phone",
         "summary": "自我介绍，约好下周再联系"},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.first_call_done_by == advisor and assignment.first_call_done_at is not None
    assert todos_for(advisor) == []
    handover = signed_in(assignment.assigned_by).get(reverse("students:handover")).content.decode()
    assert reverse("students:first_call", args=[assignment.pk]) not in handover
    assert f"{timezone.localtime(assignment.first_call_done_at):%m-%d %H:%M}" in handover


def test_a_call_of_another_kind_leaves_the_first_call_open(handed_over):
    advisor, student, assignment = handed_over
    log(student, advisor, "regular", timezone.now())
    assignment.refresh_from_db()
    assert assignment.first_call_done_at is None


def test_the_landing_page_lists_each_call_once(handed_over):
    advisor, _student, assignment = handed_over
    AdvisorAssignment.objects.filter(pk=assignment.pk).update(first_call_due=timezone.localdate() - timedelta(days=2))
    home = signed_in(advisor).get(reverse("home")).content.decode()
    assert home.count("王小明") == 1
    assert "今日回访" not in home


# --- save cases near their deadline -----------------------------------------------------------------


def test_supervisors_see_the_cases_two_days_or_less_from_their_deadline_and_the_late_ones(
    campus, other_campus, make_staff
):
    principal = make_staff(Role.PRINCIPAL)
    today = timezone.localdate()

    def case(name: str, days_left: int, campus_=campus, by=principal) -> SaveCase:
        package = sold_package(campus_, by, student=StudentFactory(campus=campus_, name=name))
        opened = save_case_open(package=package, by=by, reason="家长要求退费")
        SaveCase.objects.filter(pk=opened.pk).update(deadline=today + timedelta(days=days_left))
        return opened

    late, last_day, near = case("迟一", -3), case("今天", 0), case("近二", 2)
    case("尚早", 5)
    case("别校", 0, other_campus, make_staff(Role.PRINCIPAL, campus=other_campus))
    SaveCase.objects.filter(pk=case("已结", 1).pk).update(status=SaveCase.Status.SAVED)
    for staff in (principal, make_staff(Role.CS_SUPERVISOR)):
        todos = todos_for(staff)
        assert [t.url for t in todos] == [reverse("retention:save_case", args=[c.pk]) for c in (late, last_day, near)]
        assert [t.overdue for t in todos] == [True, False, False]
        assert todos[0].text == "挽单 迟一 · 钢琴一对一：第 1 阶段，逾期 3 天"
        assert todos[1].text.endswith("今天截止") and todos[2].text.endswith("剩 2 天")
    for role in (Role.ADVISOR, Role.DEAN, Role.FRONT_DESK):
        assert not any("挽单" in t.text for t in todos_for(make_staff(role)) or []), role
