"""The contribution points of core/contributions.py: a stand-in registered for the length of
a `with` block shows up where the lower app asks for the point, and is gone afterwards."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from core.contributions import (
    ContributionPoint,
    StudentApiField,
    StudentSearchSource,
    StudentTab,
    StudentTabSection,
    ToDo,
    ToDoSource,
    student_api_fields,
    student_search_sources,
    student_tab_sections,
    student_tabs,
    todo_sources,
)
from core.roles import Role
from students.models import Student
from tests.factories import StudentFactory
from tests.students.helpers import make_student

pytestmark = pytest.mark.django_db

TEMPLATE = "stand_in/student_part.html"


def a_tab(key: str = "stand_in", **overrides) -> StudentTab:
    fields = {
        "key": key,
        "label": "替身页",
        "order": 45,
        "template": TEMPLATE,
        "context": lambda request, student: {"text": f"替身内容 {request.staff.role}"},
        **overrides,
    }
    return StudentTab(**fields)


@pytest.fixture
def student(campus, make_staff):
    return make_student(campus, make_staff(), name="林小满")


@pytest.fixture
def desk(client_as):
    return client_as(Role.FRONT_DESK)


def file_page(client, student, tab: str = "") -> str:
    response = client.get(reverse("students:detail", args=[student.pk]), {"tab": tab} if tab else {})
    assert response.status_code == 200
    return response.content.decode()


# --- the point itself ---------------------------------------------------------------------


def test_a_point_lists_its_items_by_order_and_forgets_a_temporary_one():
    point: ContributionPoint[ToDoSource] = ContributionPoint("test_point")
    late = ToDoSource(key="late", order=20, roles=frozenset(), items=lambda staff: [])
    early = ToDoSource(key="early", order=10, roles=frozenset(), items=lambda staff: [])
    point.register(late)
    with point.register_temporarily(early):
        assert [item.key for item in point.items()] == ["early", "late"]
        assert point.get("early") is early
    assert [item.key for item in point.items()] == ["late"]
    assert point.get("early") is None


def test_a_key_registered_twice_is_refused_at_start_up():
    point: ContributionPoint[ToDoSource] = ContributionPoint("test_point")
    point.register(ToDoSource(key="same", order=1, roles=frozenset(), items=lambda staff: []))
    with pytest.raises(ImproperlyConfigured):
        point.register(ToDoSource(key="same", order=2, roles=frozenset(), items=lambda staff: []))


def test_a_temporary_item_is_removed_even_when_the_block_fails():
    with pytest.raises(RuntimeError), student_tabs.register_temporarily(a_tab()):
        raise RuntimeError
    assert student_tabs.get("stand_in") is None


def test_the_installed_apps_register_the_files_tabs_in_their_order():
    assert [(t.key, str(t.label)) for t in student_tabs.items()] == [
        ("family", "家庭"),
        ("packages", "课时包"),
        ("lessons", "课程"),
        ("followups", "回访"),
        ("history", "档案记录"),
    ]


# --- student-file tabs and sections ----------------------------------------------------------


def test_a_stand_in_tab_shows_on_the_file_and_is_gone_afterwards(desk, student):
    with student_tabs.register_temporarily(a_tab()):
        html = file_page(desk, student)
        assert "替身页" in html and "替身内容" not in html  # the first tab is open
        html = file_page(desk, student, "stand_in")
        assert "替身内容 front_desk · 林小满" in html
    html = file_page(desk, student, "stand_in")
    assert "替身页" not in html and "替身内容" not in html
    assert "13800000001" in html  # an unknown tab opens the first one, the family


def test_a_tab_for_some_roles_is_hidden_from_the_others(client_as, student):
    with student_tabs.register_temporarily(a_tab(roles=frozenset({Role.PRINCIPAL}))):
        desk = client_as(Role.FRONT_DESK)
        assert "替身页" not in file_page(desk, student)
        assert "替身内容" not in file_page(desk, student, "stand_in")
        assert "替身内容 principal" in file_page(client_as(Role.PRINCIPAL), student, "stand_in")
        assert "替身内容 hq_admin" in file_page(client_as(Role.HQ_ADMIN), student, "stand_in")


def test_a_tab_with_a_visibility_rule_asks_it_for_each_student(desk, student, campus):
    other = StudentFactory(campus=campus, name="沈其他")
    only_lin = a_tab(visible=lambda request, s: s.name == "林小满")
    with student_tabs.register_temporarily(only_lin):
        assert "替身页" in file_page(desk, student)
        assert "替身页" not in file_page(desk, other)


def test_a_stand_in_section_shows_below_its_tab_only(desk, student):
    section = StudentTabSection(
        tab="history",
        key="stand_in",
        order=10,
        template=TEMPLATE,
        context=lambda request, s: {"text": "替身段落"},
    )
    with student_tab_sections.register_temporarily(section):
        history = file_page(desk, student, "history")
        assert "替身段落 · 林小满" in history
        assert history.index("建档") < history.index("替身段落")  # below the tab's own content
        assert "替身段落" not in file_page(desk, student, "family")
    assert "替身段落" not in file_page(desk, student, "history")


def test_a_section_of_a_tab_nobody_registered_is_not_shown(desk, student):
    section = StudentTabSection(
        tab="nobody", key="stand_in", order=10, template=TEMPLATE, context=lambda request, s: {"text": "孤儿段落"}
    )
    with student_tab_sections.register_temporarily(section):
        for tab in ("", "nobody"):
            assert "孤儿段落" not in file_page(desk, student, tab)


# --- search sources ------------------------------------------------------------------------


def by_nickname(q, campus):
    """A stand-in source: 小名 (a nickname) "满满" names 林小满."""
    if q != "满满":
        return None
    students = Student.objects.filter(name="林小满")
    if campus is not None:
        students = students.filter(campus=campus)
    return students.order_by().values("pk")


NICKNAMES = StudentSearchSource(key="nickname", order=50, find=by_nickname)


def test_a_stand_in_search_source_finds_students_on_the_page_and_in_the_api(desk, api_as, student):
    api = api_as(Role.FRONT_DESK)
    with student_search_sources.register_temporarily(NICKNAMES):
        rows = desk.get(reverse("students:list"), {"q": "满满"}, headers={"HX-Request": "true"}).content.decode()
        assert "林小满" in rows
        assert [s["id"] for s in api.get("/api/v1/students", {"q": "满满"}).json()["items"]] == [student.pk]
    rows = desk.get(reverse("students:list"), {"q": "满满"}, headers={"HX-Request": "true"}).content.decode()
    assert "林小满" not in rows
    assert api.get("/api/v1/students", {"q": "满满"}).json()["count"] == 0


def test_a_search_source_never_shows_another_campus(api_as, student, other_campus):
    def everyone(q, campus):
        return Student.objects.order_by().values("pk")  # ignores the campus on purpose

    theirs = StudentFactory(campus=other_campus, name="别校生")
    with student_search_sources.register_temporarily(StudentSearchSource(key="all", order=50, find=everyone)):
        ids = [s["id"] for s in api_as(Role.FRONT_DESK).get("/api/v1/students", {"q": "zzz"}).json()["items"]]
    assert student.pk in ids and theirs.pk not in ids


# --- the student in the API -------------------------------------------------------------------


def test_a_stand_in_api_field_is_in_the_student_and_gone_afterwards(student):
    from students.api import student_detail_payload

    field = StudentApiField(key="stand_in", order=50, schema=list[str], value=lambda s: [s.name])
    with student_api_fields.register_temporarily(field):
        assert student_detail_payload(student)["stand_in"] == ["林小满"]
    assert "stand_in" not in student_detail_payload(student)


def test_the_api_document_names_the_fields_the_apps_registered(api_as, student):
    api = api_as(Role.FRONT_DESK)
    schemas = api.get("/api/v1/openapi.json").json()["components"]["schemas"]
    detail = schemas["StudentDetailOut"]
    assert {"cards", "packages", "guardians", "name"} <= set(detail["properties"])
    assert {"cards", "packages"} <= set(detail["required"])
    body = api.get(f"/api/v1/students/{student.pk}").json()
    assert body["cards"] == [] and body["packages"] == []


# --- to-dos on the landing page ------------------------------------------------------------------


def test_a_stand_in_to_do_is_on_the_landing_page_of_its_roles_only(client_as, make_staff):
    yesterday = timezone.localdate() - timedelta(days=1)

    def calls(staff):
        return [
            ToDo(text="给王家长回电话", url="/students/", due=yesterday, overdue=True),
            ToDo(text="整理试卷", url="", due=None),
        ]

    source = ToDoSource(key="stand_in", order=50, roles=frozenset({Role.DEAN}), items=calls)
    dean, finance = make_staff(Role.DEAN), make_staff(Role.FINANCE)
    with todo_sources.register_temporarily(source):
        home = client_as(dean).get(reverse("home")).content.decode()
        assert "待办事项" in home and "给王家长回电话" in home and "已逾期" in home
        assert home.index("给王家长回电话") < home.index("整理试卷")  # overdue first
        assert "待办事项" not in client_as(finance).get(reverse("home")).content.decode()
    home = client_as(dean).get(reverse("home")).content.decode()
    assert "给王家长回电话" not in home and "待办事项" not in home


def test_a_role_with_to_dos_sees_the_list_even_when_it_is_empty(client_as):
    home = client_as(Role.ADVISOR).get(reverse("home")).content.decode()
    assert "待办事项" in home and "没有待办事项" in home
