"""A demo campus with a record of every kind, and every entry point that stores a date,
for the bad-input tests: each entry point is one function of a value, through the API or
a page form, so a test can feed it good, extreme or impossible values alike."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cardreader.services import reader_register
from core.models import Campus, Staff
from core.roles import Role
from scheduling.models import Lesson
from students.models import Lead, Student
from tests.conftest import ApiClient
from tests.factories import token_for

GUARDIANS = [
    {"name": "李梅", "relation": "mother", "phone": "13900000001", "is_primary": True},
    {"name": "张伟", "relation": "father", "phone": "13900000002", "is_primary": False},
]


def a_student(**changes: Any) -> dict[str, Any]:
    """The body of POST /students, with `changes`."""
    return {"name": "边界", "gender": "F", "birthday": "2015-06-01", "address": "北京", "guardians": GUARDIANS,
            **changes}


@dataclass
class World:
    campus: Campus
    staff: dict[str, Staff]
    api: dict[str, ApiClient]
    reader: ApiClient
    student: Student
    group_id: int
    slot: int = 0  # a fresh hour for each lesson booked, so no two clash
    pages: dict[str, Client] = field(default_factory=dict)

    def page(self, role: str) -> Client:
        if role not in self.pages:
            self.pages[role] = Client()
            self.pages[role].force_login(self.staff[role].user)
        return self.pages[role]

    def lead(self) -> Lead:
        n = Lead.objects.count()
        body = {"name": f"客户{n}", "phone": f"137{n:08d}", "source": "walk_in"}
        return Lead.objects.get(pk=self.api[Role.FRONT_DESK].post("/api/v1/leads", body).json()["id"])

    def lesson(self, *, on_leave: bool = False) -> Lesson:
        """A lesson booked a few weeks ahead, at an hour no other lesson of the tests takes."""
        self.slot += 1
        day = timezone.localdate() + timedelta(days=21 + self.slot // 10)
        start = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=8 + self.slot % 10)
        body = {"student_id": self.student.pk, "teacher": "teacher", "subject": "钢琴",
                "starts_at": start.isoformat(), "ends_at": (start + timedelta(minutes=50)).isoformat()}
        desk = self.api[Role.FRONT_DESK]
        lesson_id = desk.post("/api/v1/lessons", body).json()["id"]
        if on_leave:
            desk.post(f"/api/v1/lessons/{lesson_id}/leave", {"reason": "生病"})
        return Lesson.objects.get(pk=lesson_id)


def build_world() -> World:
    """The demo campus (seed_demo) plus what the demo lacks: a group class, a check-in."""
    call_command("seed_demo", stdout=StringIO())
    campus = Campus.objects.get(code="demo")
    staff = {s.role: s for s in Staff.objects.filter(campus=campus).select_related("user").order_by("pk")}
    api = {role: ApiClient(token_for(member)) for role, member in staff.items()}
    _reader, raw = reader_register(name="边界读卡器", campus=campus)
    student = Student.objects.filter(campus=campus, cards__isnull=False, packages__isnull=False).first()
    group = api[Role.FRONT_DESK].post(
        "/api/v1/group-classes", {"name": "数学小班", "subject": "数学", "teacher": "teacher"}
    ).json()
    world = World(campus=campus, staff=staff, api=api, reader=ApiClient(raw), student=student, group_id=group["id"])
    world.api[Role.FRONT_DESK].post(f"/api/v1/group-classes/{world.group_id}/members", {"student_id": student.pk})
    swipe(world, timezone.now())
    return world


def swipe(world: World, at: datetime, card: str | None = None) -> Any:
    card = card or world.student.cards.first().card_number
    body = {"swipe_id": str(uuid.uuid4()), "card": card, "swiped_at": at.isoformat()}
    return world.reader.post("/api/v1/swipes", body)


def _later(at: datetime, minutes: int = 50) -> str:
    return (at + timedelta(minutes=minutes)).isoformat()


def _local(at: datetime) -> datetime:
    # a time typed in a form is the campus's wall clock, without its offset
    return timezone.localtime(at) if timezone.is_aware(at) and 2 <= at.year <= 9998 else at


# --- every entry point that stores a date or a time, by the range it belongs to --------
# Each takes the World and the value (a date, a datetime, or for a package a pair) and
# returns the response; `field` is the name the refusal must carry.


@dataclass(frozen=True)
class EntryPoint:
    name: str
    kind: str  # the name in core.validation.RANGES
    field: str
    send: Callable[[World, Any], Any]


def _post_student(w: World, d: date) -> Any:
    return w.api[Role.FRONT_DESK].post("/api/v1/students", a_student(birthday=d.isoformat(),
                                       guardians=[{**g, "phone": f"139{uuid.uuid4().int % 10**8:08d}"} for g in GUARDIANS]))


def _patch_student(w: World, d: date) -> Any:
    return w.api[Role.FRONT_DESK].patch(f"/api/v1/students/{w.student.pk}", {"birthday": d.isoformat()})


def _convert_lead(w: World, d: date) -> Any:
    body = a_student(birthday=d.isoformat(),
                     guardians=[{**g, "phone": f"139{uuid.uuid4().int % 10**8:08d}"} for g in GUARDIANS])
    return w.api[Role.FRONT_DESK].post(f"/api/v1/leads/{w.lead().pk}/convert", body)


def _page_new_student(w: World, d: date) -> Any:
    n = uuid.uuid4().int
    form = {"name": "页面边界", "gender": "M", "birthday": d.isoformat(), "address": "北京", "primary": "0",
            "g0_name": "母", "g0_relation": "mother", "g0_phone": f"136{n % 10**8:08d}",
            "g1_name": "父", "g1_relation": "father", "g1_phone": f"135{n % 10**8:08d}"}
    return w.page(Role.FRONT_DESK).post("/students/new/", form)


def _trial(w: World, at: datetime) -> Any:
    body = {"teacher": "teacher", "subject": "钢琴", "starts_at": at.isoformat(), "minutes": 40}
    return w.api[Role.CONSULTANT].post(f"/api/v1/leads/{w.lead().pk}/trials", body)


def _page_trial(w: World, at: datetime) -> Any:
    form = {"action": "trial", "teacher": w.staff[Role.TEACHER].pk, "subject": "钢琴",
            "starts_at": _local(at).replace(tzinfo=None).isoformat(timespec="minutes"), "minutes": "40"}
    return w.page(Role.CONSULTANT).post(f"/students/leads/{w.lead().pk}/", form)


def _assessment_of_lead(w: World, at: datetime) -> Any:
    body = {"lead_id": w.lead().pk, "subject": "数学", "taken_at": at.isoformat(), "score": "90"}
    return w.api[Role.CONSULTANT].post("/api/v1/assessments", body)


def _assessment_of_student(w: World, at: datetime) -> Any:
    body = {"student_id": w.student.pk, "subject": "数学", "taken_at": at.isoformat()}
    return w.api[Role.CONSULTANT].post("/api/v1/assessments", body)


def _page_assessment_of_lead(w: World, at: datetime) -> Any:
    form = {"action": "assessment", "subject": "数学", "taken_at": at.isoformat()}
    return w.page(Role.CONSULTANT).post(f"/students/leads/{w.lead().pk}/", form)


def _page_assessment_of_student(w: World, at: datetime) -> Any:
    form = {"action": "record", "subject": "数学", "taken_at": at.isoformat()}
    # the page redirects to the file either way, with its message
    return w.page(Role.CONSULTANT).post(f"/students/{w.student.pk}/assessments/", form, follow=True)


def _lesson(w: World, at: datetime) -> Any:
    body = {"student_id": w.student.pk, "teacher": "teacher", "subject": "钢琴", "starts_at": at.isoformat(),
            "ends_at": _later(at)}
    return w.api[Role.FRONT_DESK].post("/api/v1/lessons", body)


def _series(w: World, at: datetime) -> Any:
    body = {"student_id": w.student.pk, "teacher": "teacher", "subject": "数学", "starts_at": at.isoformat(),
            "ends_at": _later(at), "weeks": 1}
    return w.api[Role.FRONT_DESK].post("/api/v1/lesson-series", body)


def _reschedule(w: World, at: datetime) -> Any:
    body = {"starts_at": at.isoformat(), "ends_at": _later(at), "reason": "调课"}
    return w.api[Role.FRONT_DESK].post(f"/api/v1/lessons/{w.lesson().pk}/reschedule", body)


def _makeup(w: World, at: datetime) -> Any:
    body = {"starts_at": at.isoformat(), "ends_at": _later(at)}
    return w.api[Role.FRONT_DESK].post(f"/api/v1/lessons/{w.lesson(on_leave=True).pk}/makeup", body)


def _group_session(w: World, at: datetime) -> Any:
    body = {"starts_at": at.isoformat(), "ends_at": _later(at)}
    return w.api[Role.FRONT_DESK].post(f"/api/v1/group-classes/{w.group_id}/sessions", body)


def _page_lesson(w: World, at: datetime) -> Any:
    local = _local(at)
    form = {"student": w.student.pk, "teacher": w.staff[Role.TEACHER].pk,
            "subject": w.staff[Role.TEACHER].subjects.get(name="钢琴").pk, "lesson_kind": "main",
            "day": local.date().isoformat(), "start": local.strftime("%H:%M"),
            "end": _local(at + timedelta(minutes=50)).strftime("%H:%M"), "weeks": "1"}
    return w.page(Role.FRONT_DESK).post("/schedule/lessons/new/", form)


def _package(w: World, span: tuple[date, date]) -> Any:
    body = {"course": "钢琴一对一", "kind": "one_on_one", "lessons": 10, "price": "1000.00", "paid": "1000.00",
            "valid_from": span[0].isoformat(), "valid_until": span[1].isoformat()}
    return w.api[Role.FRONT_DESK].post(f"/api/v1/students/{w.student.pk}/packages", body)


def _page_package(w: World, span: tuple[date, date]) -> Any:
    form = {"course": "数学包", "kind": "one_on_one", "lessons": "10", "bonus_lessons": "0", "price": "800.00",
            "paid": "800.00", "method": "cash", "valid_from": span[0].isoformat(), "valid_until": span[1].isoformat()}
    return w.page(Role.FRONT_DESK).post(f"/billing/students/{w.student.pk}/packages/new/", form)


def _swipe(w: World, at: datetime) -> Any:
    return swipe(w, at)


ENTRY_POINTS = [
    EntryPoint("POST /students", "birthday", "birthday", _post_student),
    EntryPoint("PATCH /students/{id}", "birthday", "birthday", _patch_student),
    EntryPoint("POST /leads/{id}/convert", "birthday", "birthday", _convert_lead),
    EntryPoint("page /students/new/", "birthday", "birthday", _page_new_student),
    EntryPoint("POST /leads/{id}/trials", "trial", "starts_at", _trial),
    EntryPoint("page /students/leads/{id}/ trial", "trial", "starts_at", _page_trial),
    EntryPoint("POST /assessments (lead)", "assessment", "taken_at", _assessment_of_lead),
    EntryPoint("POST /assessments (student)", "assessment", "taken_at", _assessment_of_student),
    EntryPoint("page /students/leads/{id}/ assessment", "assessment", "taken_at", _page_assessment_of_lead),
    EntryPoint("page /students/{id}/assessments/", "assessment", "taken_at", _page_assessment_of_student),
    EntryPoint("POST /lessons", "lesson", "starts_at", _lesson),
    EntryPoint("POST /lesson-series", "lesson", "starts_at", _series),
    EntryPoint("POST /lessons/{id}/reschedule", "lesson", "starts_at", _reschedule),
    EntryPoint("POST /lessons/{id}/makeup", "lesson", "starts_at", _makeup),
    EntryPoint("POST /group-classes/{id}/sessions", "lesson", "starts_at", _group_session),
    EntryPoint("page /schedule/lessons/new/", "lesson", "day", _page_lesson),
    EntryPoint("POST /students/{id}/packages", "package", "valid_until", _package),
    EntryPoint("page /billing/students/{id}/packages/new/", "package", "valid_until", _page_package),
    EntryPoint("POST /swipes", "swipe", "swiped_at", _swipe),
]
