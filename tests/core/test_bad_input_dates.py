"""Every stored date and time can be read back: each has a range (core.validation.RANGES)
checked before anything is stored, through every entry point, on every database."""

from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone

from cardreader.models import Swipe
from core.roles import Role
from core.validation import RANGES, date_problem, length_problem, years
from students.models import Assessment, Student, TrialLesson

from .bad_input_world import ENTRY_POINTS, EntryPoint, World, build_world, swipe
from .campus_pages import broken_pages, every_role_answers

pytestmark = pytest.mark.django_db

YEAR_ONE = datetime(1, 1, 1, 0, 0, tzinfo=dt_timezone(timedelta(hours=8)))
YEAR_9999 = datetime(9999, 12, 31, 23, 0, tzinfo=dt_timezone(timedelta(hours=-12)))


@pytest.fixture
def world(db) -> World:
    return build_world()


def beyond(entry: EntryPoint) -> list:
    """Values at the ends of the calendar for `entry`: each must be refused."""
    if entry.kind == "birthday":
        return [date(1, 1, 1), date(1899, 12, 31), date(9999, 12, 31)]
    if entry.kind == "package":
        today = timezone.localdate()
        return [(date(1, 1, 1), date(1, 1, 2)), (today, date(9999, 12, 31)), (today, today + years(20))]
    if entry.field == "day":  # a page form: the campus's wall clock at the ends of the calendar
        return [datetime(1, 1, 1, 8, 0), datetime(9999, 12, 31, 8, 0)]
    return [YEAR_ONE, YEAR_9999]


def _day_at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def extremes(entry: EntryPoint, i: int) -> list:
    """The earliest and the latest value `entry` accepts; the i-th entry point takes its
    own hour, so two lessons (or trials) at an extreme never clash."""
    today = timezone.localdate()
    if entry.kind == "birthday":
        return [today - RANGES["birthday"].back, today - timedelta(days=1)]
    if entry.kind == "package":
        first, _ = RANGES["package_start"].date_bounds()
        _, latest_start = RANGES["package_start"].date_bounds()
        _, last = RANGES["package_end"].date_bounds()
        return [(first, first), (latest_start, last)]
    span = RANGES[entry.kind]
    low, high = span.bounds()
    if entry.kind == "lesson":  # a whole lesson inside the range, on a day of its own
        return [_day_at(timezone.localdate(low) + timedelta(days=1), 6 + i % 16),
                _day_at(timezone.localdate(high) - timedelta(days=1), 6 + i % 16)]
    margin = timedelta(minutes=2)
    if entry.kind == "trial":  # a trial holds its teacher's time too: an hour of its own
        margin += timedelta(hours=i)
    return [low + margin, high - margin]


def normal(entry: EntryPoint, i: int):
    today = timezone.localdate()
    return {
        "birthday": date(2015, 6, 1),
        "package": (today, today + timedelta(days=365)),
        "lesson": _day_at(today + timedelta(days=40), 6 + i % 16),
        "trial": timezone.now() + timedelta(days=2),
        "assessment": timezone.now() - timedelta(hours=1),
        "swipe": timezone.now(),
    }[entry.kind]


def refused(response, field: str) -> bool:
    """A refusal naming `field`: the API's 422 envelope, or the page again with a message."""
    if response["Content-Type"].startswith("application/json"):
        return response.status_code == 422 and field in response.json()["error"]["fields"]
    text = response.content.decode()
    return response.status_code in (200, 422) and ("超出范围" in text or "须早于今天" in text)


def accepted(entry: EntryPoint, response) -> bool:
    if entry.kind == "swipe":  # stored either way; a refusal for a business rule is fine
        return response.status_code in (201, 409)
    if response["Content-Type"].startswith("application/json"):
        return response.status_code in (200, 201)
    if response.status_code == 200:
        return "已保存" in response.content.decode()  # a page that redirected to itself
    return response.status_code == 302


def counts() -> tuple[int, ...]:
    from billing.models import LessonPackage
    from scheduling.models import GroupSession, Lesson

    return tuple(m.objects.count() for m in (Student, TrialLesson, Assessment, Lesson, GroupSession, LessonPackage))


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=[e.name for e in ENTRY_POINTS])
def test_a_date_beyond_its_range_is_refused_naming_the_field_and_nothing_is_stored(world, entry):
    for value in beyond(entry):
        before = counts()
        response = entry.send(world, value)
        if entry.kind == "swipe":
            assert response.status_code == 422 and response.json()["error"]["code"] == "swiped_at_out_of_range"
            continue
        assert refused(response, entry.field), (entry.name, value, response.status_code, response.content[:300])
        after = counts()
        # a lead (or a lesson) made to carry the value may be new; the dated record is not
        assert after[:3] == before[:3] and after[4:] == before[4:], (entry.name, value)


def test_the_extreme_of_every_field_is_stored_and_every_page_of_every_role_still_opens(world):
    for i, entry in enumerate(ENTRY_POINTS):
        response = entry.send(world, normal(entry, i))
        assert response.status_code in (200, 201, 302, 409), (entry.name, response.content[:300])
    before = every_role_answers(world.campus, pdf_role=Role.FRONT_DESK)
    assert before[Role.FRONT_DESK]["/students/{}/"] == {200}
    for i, entry in enumerate(ENTRY_POINTS):
        for value in extremes(entry, i):
            response = entry.send(world, value)
            assert accepted(entry, response), (entry.name, value, response.status_code, response.content[:400])
    assert not broken_pages(before, every_role_answers(world.campus, pdf_role=Role.FRONT_DESK))


def test_a_swipe_dated_beyond_the_calendar_is_stored_readable_and_replayed_the_same(world):
    body = {"swipe_id": "reader-1-000042", "card": world.student.cards.first().card_number,
            "swiped_at": "9999-12-31T23:00:00-12:00"}
    first = world.reader.post("/api/v1/swipes", body)
    assert first.status_code == 422
    assert first.json()["error"]["code"] == "swiped_at_out_of_range"
    assert "swiped_at" in first.json()["error"]["fields"]
    row = Swipe.objects.get(swipe_id="reader-1-000042")
    assert row.swiped_at_text == "9999-12-31T23:00:00-12:00"
    assert abs(row.swiped_at - timezone.now()) < timedelta(minutes=1)
    again = world.reader.post("/api/v1/swipes", body)
    assert (again.status_code, again.json()) == (422, first.json())
    for role in (Role.FRONT_DESK, Role.PRINCIPAL):
        assert world.page(role).get("/").status_code == 200
    assert world.page(Role.FRONT_DESK).get("/kiosk/").status_code == 200


def test_a_swipe_a_week_old_is_refused_yet_kept_as_sent(world):
    at = timezone.now() - timedelta(days=8)
    response = swipe(world, at)
    assert response.json()["error"]["code"] == "swiped_at_out_of_range"
    assert Swipe.objects.get(swiped_at_text=at.isoformat()).http_status == 422


def test_an_assessment_taken_in_the_year_one_is_refused_by_the_api_and_both_pages(world):
    lead = world.lead()
    api = world.api[Role.CONSULTANT].post(
        "/api/v1/assessments", {"lead_id": lead.pk, "subject": "数学", "taken_at": "0001-01-01T00:00:00+08:00"}
    )
    assert api.status_code == 422 and "taken_at" in api.json()["error"]["fields"]
    page = world.page(Role.CONSULTANT)
    page.post(f"/students/leads/{lead.pk}/", {"action": "assessment", "subject": "数学",
                                               "taken_at": "0001-01-01T00:00"})
    page.post(f"/students/{world.student.pk}/assessments/", {"action": "record", "subject": "数学",
                                                             "taken_at": "0001-01-01T00:00"})
    assert not Assessment.objects.exists()
    assert page.get(f"/students/leads/{lead.pk}/").status_code == 200
    assert page.get(f"/students/{world.student.pk}/").status_code == 200


def test_a_trial_in_the_year_9999_is_refused(world):
    lead = world.lead()
    response = world.api[Role.CONSULTANT].post(
        f"/api/v1/leads/{lead.pk}/trials",
        {"teacher": "teacher", "subject": "钢琴", "starts_at": "9999-12-31T23:00:00+08:00"},
    )
    assert response.status_code == 422 and "starts_at" in response.json()["error"]["fields"]
    assert not TrialLesson.objects.exists()
    assert world.page(Role.CONSULTANT).get(f"/students/leads/{lead.pk}/").status_code == 200


def test_a_package_valid_for_longer_than_five_years_is_refused(world):
    today = timezone.localdate()
    response = world.api[Role.FRONT_DESK].post(
        f"/api/v1/students/{world.student.pk}/packages",
        {"course": "钢琴", "kind": "one_on_one", "lessons": 10, "price": "100.00", "paid": "100.00",
         "valid_from": today.isoformat(), "valid_until": (today + years(5) + timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 422
    assert "有效期最长 5 年" in response.json()["error"]["fields"]["valid_until"]


def test_the_admin_refuses_a_birthday_out_of_range_and_keeps_an_unchanged_old_date(world):
    student = world.student
    page = world.page(Role.HQ_ADMIN)
    url = f"/admin/students/student/{student.pk}/change/"
    form = page.get(url).context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data.update({"birthday": "0001-01-01", "guardians-TOTAL_FORMS": "0", "guardians-INITIAL_FORMS": "0"})
    for key in ("advisor_since",):
        data.pop(key, None)
    response = page.post(url, data)
    assert response.status_code == 200 and "超出范围" in response.content.decode()
    student.refresh_from_db()
    assert student.birthday.year > 1900


@pytest.mark.parametrize("kind", sorted(RANGES))
def test_each_range_takes_its_ends_and_refuses_a_second_beyond(kind):
    now = timezone.now()
    low, high = RANGES[kind].bounds(now)
    assert date_problem(kind, low, now=now) is None and date_problem(kind, high, now=now) is None
    assert date_problem(kind, low - timedelta(seconds=1), now=now)
    assert date_problem(kind, high + timedelta(seconds=1), now=now)
    assert date_problem(kind, YEAR_ONE, now=now) and date_problem(kind, YEAR_9999, now=now)
    first, last = RANGES[kind].date_bounds(timezone.localdate(now))
    assert date_problem(kind, first, now=now) is None and date_problem(kind, last, now=now) is None
    assert date_problem(kind, first - timedelta(days=1), now=now)
    assert date_problem(kind, date.max, now=now) and date_problem(kind, date.min, now=now)


def test_a_package_may_last_five_years_and_not_a_day_more():
    start = date(2026, 1, 1)
    assert length_problem("package", start, start + years(5)) is None
    assert length_problem("package", start, start + years(5) + timedelta(days=1))


@pytest.mark.postgres
def test_a_swipe_stored_unreadable_before_the_fix_is_repaired_by_the_migration(world):
    from importlib import import_module

    from django.apps import apps

    repair = import_module("cardreader.migrations.0003_swipe_swiped_at_text").date_unreadable_swipes
    swipe(world, timezone.now() - timedelta(days=8))
    Swipe.objects.filter(swiped_at_text__gt="").update(swiped_at=YEAR_9999, swiped_at_text="")
    assert world.page(Role.FRONT_DESK).get("/kiosk/").status_code == 400  # what PostgreSQL cannot hand back
    repair(apps, None)
    assert Swipe.objects.get(swiped_at_text__startswith="10000-01-01").swiped_at.year == timezone.now().year
    for role in (Role.FRONT_DESK, Role.PRINCIPAL):
        assert world.page(role).get("/").status_code == 200
    assert world.page(Role.FRONT_DESK).get("/kiosk/").status_code == 200
