"""The conventions of API.md that every endpoint shares: auth, the error envelope,
role and campus boundaries, list pagination, and no 500 on any input."""

import pytest

from core.apikit import paginate
from core.models import ApiToken, Staff
from tests.conftest import ApiClient
from tests.factories import GuardianFactory, StudentFactory

pytestmark = pytest.mark.django_db

GOOD_STUDENT = {
    "name": "张三", "gender": "M", "birthday": "2014-03-02", "address": "北京市朝阳区幸福路 1 号",
    "guardians": [
        {"name": "李梅", "relation": "mother", "phone": "13800000001", "is_primary": True},
        {"name": "张伟", "relation": "father", "phone": "13800000002", "is_primary": False},
    ],
}


def assert_envelope(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) >= {"code", "message", "fields"}
    assert error["message"]
    if code:
        assert error["code"] == code
    return error


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer " + "x" * 5000, "Basic abc", "Bearer"])
def test_no_or_bad_token_is_401_with_the_envelope(client, header):
    headers = {"Authorization": header} if header else {}
    assert_envelope(client.get("/api/v1/me", headers=headers), 401, "unauthorized")


def test_a_revoked_token_or_a_deactivated_person_is_401(make_staff):
    from django.utils import timezone

    from tests.factories import token_for

    staff = make_staff("front_desk")
    token = token_for(staff)
    assert ApiClient(token).get("/api/v1/me").status_code == 200
    staff.user.is_active = False
    staff.user.save()
    assert ApiClient(token).get("/api/v1/me").status_code == 401
    staff.user.is_active = True
    staff.user.save()
    ApiToken.objects.filter(staff=staff).update(revoked_at=timezone.now())
    assert ApiClient(token).get("/api/v1/me").status_code == 401


def test_a_wrong_role_is_403_and_changes_nothing(api_as):
    from students.models import Student

    response = api_as("teacher").post("/api/v1/students", GOOD_STUDENT)
    assert_envelope(response, 403, "forbidden")
    assert not Student.objects.exists()


def test_a_reader_token_cannot_act_as_staff(campus):
    from cardreader.services import reader_register

    _reader, token = reader_register(name="前台", campus=campus)
    assert_envelope(ApiClient(token).post("/api/v1/students", GOOD_STUDENT), 403)


def test_another_campus_object_is_404(api_as, other_campus):
    stranger = StudentFactory(campus=other_campus)
    GuardianFactory(student=stranger, is_primary=True)
    response = api_as("front_desk").get(f"/api/v1/students/{stranger.pk}")
    assert_envelope(response, 404, "not_found")


def test_hq_admin_sees_every_campus(api_as, other_campus):
    stranger = StudentFactory(campus=other_campus)
    assert api_as("hq_admin").get(f"/api/v1/students/{stranger.pk}").status_code == 200


@pytest.mark.parametrize(
    "raw",
    ['{"name": ', "not json at all", "\xff\xfe", "[1, 2, 3]", '"a string"', "null", "{}"],
    ids=["truncated", "text", "bad bytes", "array", "string", "null", "empty object"],
)
def test_malformed_bodies_are_4xx_envelopes_never_500(api_as, raw):
    response = api_as("front_desk").post("/api/v1/students", raw=raw.encode("utf-8", "surrogateescape"))
    assert response.status_code in (400, 422), response.content
    assert "error" in response.json()


def test_wrong_types_name_each_bad_field(api_as):
    body = {**GOOD_STUDENT, "gender": 7, "birthday": "yesterday", "guardians": "none"}
    error = assert_envelope(api_as("front_desk").post("/api/v1/students", body), 422)
    assert {"gender", "birthday", "guardians"} <= set(error["fields"])


def test_huge_strings_are_refused_not_crashed(api_as):
    body = {**GOOD_STUDENT, "name": "张" * 100_000, "address": "路" * 100_000}
    response = api_as("front_desk").post("/api/v1/students", body)
    assert_envelope(response, 422)


def test_unknown_ids_and_non_numeric_ids_are_404_or_422(api_as):
    api = api_as("front_desk")
    assert_envelope(api.get("/api/v1/students/999999"), 404)
    assert api.get("/api/v1/students/abc").status_code in (404, 422)
    assert api.get("/api/v1/students/99999999999999999999999").status_code in (404, 422)


def test_pagination_caps_the_limit_and_counts_the_total(campus):
    for _ in range(3):
        StudentFactory(campus=campus)
    from students.models import Student

    page = paginate(Student.objects.all(), limit=2, offset=0)
    assert page["count"] == 3 and len(page["items"]) == 2
    assert len(paginate(Student.objects.all(), limit=10**9, offset=-5)["items"]) == 3
    assert paginate(Student.objects.all(), limit=None, offset=None)["count"] == 3


def test_the_openapi_document_is_served(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["info"]["version"] == "1"
    assert "/api/v1/me" in doc["paths"]


def test_staff_token_resolves_to_its_campus(api_as, campus):
    api = api_as("advisor")
    assert api.get("/api/v1/me").json()["campus"] == campus.code
    assert isinstance(api.staff, Staff)


def test_an_offset_past_any_database_integer_is_an_empty_page(api_as):
    response = api_as("front_desk").get("/api/v1/students", {"offset": str(2**64 + 1)})
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "amount",
    [2.3820909879291646e32, "1e400", 1.7976931348623157e308, "99999999999.99", "NaN", "-Infinity", "12.345", True, []],
)
def test_money_that_cannot_be_an_amount_is_422_not_500(api_as, amount):
    api = api_as("front_desk")
    student = StudentFactory(campus=api.staff.campus)
    body = {"course": "钢琴", "kind": "one_on_one", "lessons": 10, "bonus_lessons": 0, "price": "1000.00",
            "paid": amount, "valid_from": "2026-09-01", "valid_until": "2027-08-31"}
    error = assert_envelope(api.post(f"/api/v1/students/{student.pk}/packages", body), 422)
    assert "paid" in error["fields"]


@pytest.mark.parametrize(
    "params",
    [{"from": "0001-01-01"}, {"to": "9999-12-31"}, {"offset": "39902720", "limit": "-51"}],
)
def test_dates_at_the_ends_of_the_calendar_are_not_a_500(api_as, params):
    api = api_as("front_desk")
    student = StudentFactory(campus=api.staff.campus)
    response = api.get(f"/api/v1/students/{student.pk}/attendance", params)
    assert response.status_code in (200, 422)
    assert response.status_code == 200 or "error" in response.json()


def test_an_id_of_thirty_digits_in_a_filter_is_422_not_500(api_as):
    response = api_as("dean").get("/api/v1/teacher-changes", {"student": "143336999877364524411055879204372480"})
    assert response.status_code in (200, 404, 422)
    assert response.status_code != 500


def test_an_id_of_thirty_digits_on_a_page_is_400_not_500(client, make_staff):
    client.force_login(make_staff("front_desk").user)
    response = client.get("/schedule/", {"teacher": "143336999877364524411055879204372480"})
    assert response.status_code in (400, 404)


@pytest.mark.parametrize(
    ("method", "path", "data", "field"),
    [
        ("get", "/api/v1/leads", {"q": "张\x00三"}, "q"),
        ("get", "/api/v1/students", {"q": "\x00"}, "q"),
        ("post", "/api/v1/leads", {"name": "王\x00五", "phone": "13800000009", "source": "walk_in"}, "name"),
        ("post", "/api/v1/students", {**GOOD_STUDENT, "address": "北京\x00"}, "address"),
        ("post", "/api/v1/students", {**GOOD_STUDENT, "guardians": [GOOD_STUDENT["guardians"][0],
                                      {**GOOD_STUDENT["guardians"][1], "name": "\x00"}]}, "guardians.1.name"),
    ],
)
def test_a_nul_character_is_refused_the_same_on_every_database(api_as, method, path, data, field):
    from students.models import Lead, Student

    api = api_as("front_desk")
    response = api.get(path, data) if method == "get" else api.post(path, data)
    assert field in assert_envelope(response, 422)["fields"]
    assert not Lead.objects.exists() and not Student.objects.exists()


def test_an_escaped_backslash_is_not_taken_for_a_nul(api_as):
    body = {**GOOD_STUDENT, "address": "北京 \\u0000 路"}
    assert api_as("front_desk").post("/api/v1/students", body).status_code == 201


def test_a_nul_character_in_a_page_address_is_a_400_page(client, make_staff):
    client.force_login(make_staff("front_desk").user)
    response = client.get("/students/", {"q": "\x00"})
    assert response.status_code == 400
    assert "无效字符" in response.content.decode()
