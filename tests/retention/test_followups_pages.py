"""The follow-up pages: the advisor's day (工作台) and its one-step logging, the
supervisor's overview, the follow-up log and its form; roles and campuses."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from retention.models import FollowUp
from tests.factories import signed_in

from .followup_makers import log, make_student

pytestmark = pytest.mark.django_db

DAY = reverse("retention:day")
LOG = reverse("retention:day_log")
LIST = reverse("retention:follow_ups")
SINCE = timezone.now() - timedelta(days=20)


@pytest.fixture
def student(campus, advisor):
    return make_student(campus, advisor, name="张子涵", since=SINCE)


def quick(who, **changes) -> dict:
    return {"student": who.pk, "kind": "first_call", "contact": "parent", "channel": "phone",
            "summary": "自我介绍，约好下周再联系", "satisfaction": "5"} | changes


# --- the advisor's day ------------------------------------------------------------------------


def test_the_advisors_day_lists_each_call_due_with_how_late_and_the_parents_phone(advisor, student):
    html = signed_in(advisor).get(DAY).content.decode()
    assert "张子涵" in html and "接档首次回访" in html and "每周回访" in html
    assert "逾期 19 天" in html
    assert f'href="tel:{student.primary_guardian.phone}"' in html
    assert 'name="kind"' in html and '<option value="first_call" selected>' in html


def test_a_call_logged_from_the_day_leaves_the_list(advisor, student):
    client = signed_in(advisor)
    response = client.post(LOG, quick(student))
    assert response.status_code == 302 and response.url == DAY
    saved = FollowUp.objects.get()
    assert (saved.kind, saved.by, saved.satisfaction) == ("first_call", advisor, 5)
    html = client.get(DAY).content.decode()
    assert "已登记 张子涵 的回访" in html
    assert f'id="due-{student.pk}"' not in html and "今天的回访都完成了" in html


def test_with_htmx_the_card_is_swapped_out_and_the_count_updated(advisor, student):
    response = signed_in(advisor).post(LOG, quick(student), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="due-' not in html
    assert 'id="day-count"' in html and 'hx-swap-oob="true"' in html and "<strong>0</strong>" in html


def test_a_call_of_another_kind_leaves_the_card_with_what_is_still_owed(advisor, student):
    html = signed_in(advisor).post(
        LOG, quick(student, kind="regular"), headers={"HX-Request": "true"}
    ).content.decode()
    assert f'id="due-{student.pk}"' in html and "接档首次回访" in html and "每周回访" not in html


def test_a_refusal_shows_beside_its_field_and_logs_nothing(advisor, student):
    client = signed_in(advisor)
    response = client.post(LOG, quick(student, summary="  "))
    assert response.status_code == 422
    html = response.content.decode()
    assert '<ul class="errorlist"><li>必填</li></ul>' in html
    assert f'id="due-{student.pk}"' in client.post(LOG, quick(student, summary="  "), headers={"HX-Request": "true"}).content.decode()
    # a control character is refused before the form, as on every page (core.middleware)
    refused = client.post(LOG, quick(student, summary="\x07"), headers={"HX-Request": "true"})
    assert refused.status_code == 400 and "summary" in refused.content.decode()
    assert not FollowUp.objects.exists()


def test_an_advisor_cannot_log_for_another_advisors_student_from_the_day(make_staff, student):
    other = make_staff(Role.ADVISOR)
    response = signed_in(other).post(LOG, quick(student))
    assert response.status_code == 403 and "不是您负责的学员" in response.content.decode()
    assert not FollowUp.objects.exists()
    assert "张子涵" not in signed_in(other).get(DAY).content.decode()


def test_a_student_of_another_campus_or_a_bad_id_is_not_found(advisor, other_campus):
    stranger = make_student(other_campus)
    client = signed_in(advisor)
    assert client.post(LOG, quick(stranger)).status_code == 404
    assert client.post(LOG, quick(stranger, student="x")).status_code == 404


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.FRONT_DESK, Role.TEACHER, Role.DEAN, Role.FINANCE])
def test_the_day_is_for_advisors_and_their_supervisors_only(make_staff, student, role):
    client = signed_in(make_staff(role))
    assert client.get(DAY).status_code == 403
    assert client.post(LOG, quick(student)).status_code == 403


def test_a_supervisor_sees_each_advisors_lateness_and_any_advisors_list(campus, make_staff, advisor, student):
    calm = make_staff(Role.ADVISOR)
    supervisor = signed_in(make_staff(Role.CS_SUPERVISOR))
    html = supervisor.get(DAY).content.decode()
    assert "班主任回访进度" in html and advisor.display_name in html and calm.display_name in html
    listed = supervisor.get(DAY, {"advisor": advisor.pk}).content.decode()
    assert "张子涵" in listed and f'name="advisor" value="{advisor.pk}"' in listed
    response = supervisor.post(LOG, quick(student) | {"advisor": advisor.pk})
    assert response.url == f"{DAY}?advisor={advisor.pk}"
    assert FollowUp.objects.get().by.role == Role.CS_SUPERVISOR


def test_a_supervisor_cannot_open_an_advisor_of_another_campus(make_staff, other_campus):
    stranger = make_staff(Role.ADVISOR, campus=other_campus)
    assert signed_in(make_staff(Role.PRINCIPAL)).get(DAY, {"advisor": stranger.pk}).status_code == 404


def test_the_landing_page_shows_the_calls_due_and_the_teams_progress(advisor, student, make_staff):
    html = signed_in(advisor).get("/").content.decode()
    assert "待办事项" in html and "张子涵：接档首次回访（逾期 19 天）" in html
    html = signed_in(make_staff(Role.CS_SUPERVISOR)).get("/").content.decode()
    assert f"{advisor.display_name}：待回访 1 人，逾期 1 人，最久 19 天" in html


def test_the_day_is_the_first_item_of_the_advisors_menu(advisor):
    html = signed_in(advisor).get("/").content.decode()
    nav = html[html.index('class="mainnav"'):]
    assert nav.index("工作台") < nav.index("学员")


# --- the follow-up log and its form -----------------------------------------------------------


def test_the_log_filters_by_caller_kind_dates_and_student(campus, other_campus, make_staff, advisor, student):
    consultant = make_staff(Role.CONSULTANT)
    other = make_student(campus, advisor, name="王浩然", since=SINCE)
    log(student, advisor, "first_call", SINCE + timedelta(days=1), summary="首次电话")
    log(other, consultant, "save_order", SINCE + timedelta(days=5), summary="挽单面谈")
    stranger = make_student(other_campus, make_staff(Role.ADVISOR, campus=other_campus), since=SINCE)
    log(stranger, stranger.advisor, "regular", SINCE + timedelta(days=2), summary="别校回访")
    client = signed_in(make_staff(Role.CS_SUPERVISOR))

    def shown(**params) -> list[str]:
        html = client.get(LIST, params).content.decode()
        return [s for s in ("首次电话", "挽单面谈", "别校回访") if s in html]

    assert shown() == ["首次电话", "挽单面谈"]
    assert shown(by=consultant.pk) == ["挽单面谈"]
    assert shown(advisor=advisor.pk) == ["首次电话", "挽单面谈"]
    assert shown(advisor=make_staff(Role.ADVISOR).pk) == []
    assert shown(kind="first_call") == ["首次电话"]
    assert shown(q="浩然") == ["挽单面谈"]
    day = timezone.localdate(SINCE)
    assert shown(date_from=f"{day + timedelta(days=3)}") == ["挽单面谈"]
    assert shown(date_to=f"{day + timedelta(days=1)}") == ["首次电话"]
    assert shown(date_from="nonsense") == ["首次电话", "挽单面谈"]


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.TEACHER, Role.DEAN, Role.FINANCE])
def test_the_log_is_for_the_callers_only(make_staff, role):
    assert signed_in(make_staff(role)).get(LIST).status_code == 403


def test_the_form_logs_a_call_and_goes_back_to_the_students_file(advisor, student):
    url = reverse("retention:follow_up_new", args=[student.pk])
    client = signed_in(advisor)
    assert '<option value="renewal" selected>' in client.get(url, {"kind": "renewal"}).content.decode()
    response = client.post(url, {"kind": "renewal", "contact": "parent", "channel": "visit",
                                 "summary": "家长来校面谈续费", "satisfaction": "", "contacted_at": ""})
    assert response.status_code == 302
    assert response.url == reverse("students:detail", args=[student.pk]) + "?tab=followups"
    saved = FollowUp.objects.get()
    assert (saved.kind, saved.channel, saved.satisfaction) == ("renewal", "visit", None)


def test_the_form_shows_every_refusal_beside_its_field(advisor, student):
    url = reverse("retention:follow_up_new", args=[student.pk])
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = signed_in(advisor).post(url, {"kind": "regular", "contact": "parent", "channel": "phone",
                                             "summary": "", "contacted_at": future})
    assert response.status_code == 422
    html = response.content.decode()
    assert "必填" in html and "回访时间不能晚于现在" in html
    assert html.count('class="field-error"') == 2
    assert not FollowUp.objects.exists()


def test_the_form_refuses_another_advisors_student_and_another_campus(make_staff, student, other_campus):
    url = reverse("retention:follow_up_new", args=[student.pk])
    assert signed_in(make_staff(Role.ADVISOR)).get(url).status_code == 403
    stranger = make_student(other_campus)
    stranger_url = reverse("retention:follow_up_new", args=[stranger.pk])
    assert signed_in(make_staff(Role.PRINCIPAL)).get(stranger_url).status_code == 404


def test_the_student_file_tab_lists_the_log(advisor, student, make_staff):
    log(student, advisor, "regular", SINCE + timedelta(days=1), summary="孩子练琴认真", satisfaction=5)
    tab = reverse("students:detail", args=[student.pk]) + "?tab=followups"
    html = signed_in(advisor).get(tab).content.decode()
    assert "孩子练琴认真" in html and "满意度 5" in html and "登记回访" in html
    assert "登记回访" not in signed_in(make_staff(Role.TEACHER)).get(tab).content.decode()


def test_the_day_speaks_english_after_the_switch(advisor, student):
    client = signed_in(advisor)
    assert "<h1 class=\"day-title\">今日回访" in client.get(DAY).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(DAY).content.decode()
    assert '<h1 class="day-title">Calls today' in html
    assert "First call after hand-over" in html and "Log a call" in html and "19 days late" in html
    assert "今日回访" not in html


def test_hq_reads_the_log_and_words_the_survey_in_the_admin(make_staff, advisor, student):
    log(student, advisor, "regular", SINCE + timedelta(days=1), summary="管理后台可见")
    hq = signed_in(make_staff(Role.HQ_ADMIN))
    assert "张子涵" in hq.get("/admin/retention/followup/").content.decode()
    for name in ("monthlyassessment", "learningplan", "growthrecord", "homework", "teachersummary",
                 "satisfactionsurvey", "surveyquestion"):
        assert hq.get(f"/admin/retention/{name}/").status_code == 200, name
    assert hq.get("/admin/retention/followup/add/").status_code == 403


def test_the_day_costs_as_many_queries_for_many_students_as_for_one(campus, advisor, student):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(advisor)
    client.get(DAY)  # warm the session and the survey of installed apps

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DAY).status_code == 200
        return len(captured)

    one = queries()
    for i in range(4):
        make_student(campus, advisor, name=f"学员{i}", since=SINCE)
    assert queries() == one


def test_the_day_shows_twenty_cards_a_page_and_counts_them_all(campus, advisor, student):
    """An advisor may hold two hundred families: each card carries its own form, so the day
    is paged; the count above it is every call due."""
    for i in range(24):
        make_student(campus, advisor, name=f"学员{i:02d}", since=SINCE)
    client = signed_in(advisor)
    first = client.get(DAY).content.decode()
    second = client.get(DAY + "?page=2").content.decode()
    assert first.count('class="due-card') + second.count('class="due-card') == 25
    assert first.count('class="due-card') == 20
    assert "待回访 <strong>25</strong> 人" in first and "待回访 <strong>25</strong> 人" in second
    assert "1 / 2" in first and "?&page=2" in first


def test_a_refused_card_comes_back_on_its_own_page(campus, advisor, student):
    last = None
    for i in range(24):
        last = make_student(campus, advisor, name=f"学员{i:02d}", since=SINCE)
    response = signed_in(advisor).post(LOG, quick(last, summary=""))
    assert response.status_code == 422
    assert f'id="due-{last.pk}"' in response.content.decode()
