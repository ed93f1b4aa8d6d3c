"""Contribution points: where a lower app shows what upper apps know.

The student file, the student search box and a person's landing page belong to lower apps
(students, core), yet what they show comes partly from apps above them: packages (billing),
lessons (scheduling), cards (cardreader), follow-ups (retention). Apps import downward
only, so the lower app names a point here and the upper apps answer it:

- an upper app registers its items in `<app>/contributions.py`, which its
  `AppConfig.ready()` imports;
- the lower app asks `point.items()` and never imports who answered, so it works with any
  set of apps installed (an app that registers nothing simply adds nothing);
- a test adds a stand-in with `with point.register_temporarily(item): ...`.

The points, each documented at its item type below:

| point | item | asked by |
|---|---|---|
| `student_tabs` | `StudentTab` | the student file (`/students/<id>/`) |
| `student_tab_sections` | `StudentTabSection` | the student file, below a tab's own content |
| `student_search_sources` | `StudentSearchSource` | `students.selectors.student_search` |
| `student_api_fields` | `StudentApiField` | `GET /api/v1/students/{id}` |
| `statement_sections` | `StatementSection` | billing's 课时对账单 (`/billing/students/<id>/statement/`) |
| `taught_students` | `TaughtStudents` | `students.selectors.visible_students` (a teacher's students) |
| `todo_sources` | `ToDoSource` | the landing page (`core.dashboard`) |
| `busy_sources` | `BusySource` | a trial lesson's booking (`students.services.trial_book`) |
| `package_sale_links` | `PackageSaleLink` | a package's sale (`billing.services.package_create`) |
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise

from .models import Campus, Staff
from .roles import Role


class Contribution(Protocol):
    key: str
    order: int


C = TypeVar("C", bound=Contribution)


class ContributionPoint(Generic[C]):
    """A named place upper apps register items for. Keys are unique within a point, so an
    app that registers twice (a module imported under two names) fails at start-up."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: list[C] = []

    def __repr__(self) -> str:
        return f"<ContributionPoint {self.name}: {[item.key for item in self.items()]}>"

    def register(self, *items: C) -> None:
        for item in items:
            if any(existing.key == item.key for existing in self._items):
                raise ImproperlyConfigured(f"{self.name}: {item.key!r} is registered twice")
            self._items.append(item)

    def items(self) -> list[C]:
        """What is registered, by `order` (then key, so the order never depends on which
        app started first)."""
        return sorted(self._items, key=lambda item: (item.order, item.key))

    def get(self, key: str) -> C | None:
        return next((item for item in self._items if item.key == key), None)

    @contextmanager
    def register_temporarily(self, *items: C) -> Iterator[None]:
        """Register `items` for the duration of a `with` block (a test's stand-in)."""
        self.register(*items)
        try:
            yield
        finally:
            for item in items:
                self._items.remove(item)


# --- the student file's tabs and sections ---------------------------------------------------

StudentContext = Callable[[HttpRequest, Model], Mapping[str, Any]]


@dataclass(frozen=True, kw_only=True)
class StudentFilePart:
    """What a tab and a section share: a template rendered with `{"student": student,
    **context(request, student)}` (and the request, so forms get their CSRF token), shown to
    `roles` (None: everyone who may open the file; hq_admin always) when `visible` (if
    given) agrees."""

    key: str
    order: int
    template: str
    context: StudentContext
    roles: frozenset[str] | None = None
    visible: Callable[[HttpRequest, Model], bool] | None = None

    def shown_to(self, request: HttpRequest, student: Model) -> bool:
        role = request.staff.role
        if self.roles is not None and role not in self.roles and role != Role.HQ_ADMIN:
            return False
        return self.visible is None or self.visible(request, student)


@dataclass(frozen=True, kw_only=True)
class StudentTab(StudentFilePart):
    """A tab of the student file. `key` is the tab's `?tab=` value, linked from other
    pages, so it never changes; `label` is Chinese, wrapped in gettext_lazy."""

    label: str | Promise


@dataclass(frozen=True, kw_only=True)
class StudentTabSection(StudentFilePart):
    """A section shown below the own content of the tab `tab` (e.g. the student's card on
    the family tab). Sections of a tab nobody registered are not shown."""

    tab: str


@dataclass(frozen=True, kw_only=True)
class StatementSection(StudentFilePart):
    """A section of the student's 课时对账单 page (billing's), below the packages and the
    ledger: e.g. the lessons of a range of days (scheduling's)."""


student_tabs: ContributionPoint[StudentTab] = ContributionPoint("student_tabs")
statement_sections: ContributionPoint[StatementSection] = ContributionPoint("statement_sections")
student_tab_sections: ContributionPoint[StudentTabSection] = ContributionPoint("student_tab_sections")


# --- the student search box ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class StudentSearchSource:
    """Another thing the student search box matches (a card number, …).

    `find(q, campus)` returns a queryset of ONE column of student ids (`.order_by()` and
    `.values("student_id")`) of the students of `campus` (of every campus when None) that
    the typed text `q` names, or None when `q` cannot be one of this source's texts. The
    search takes the UNION of every source's ids, so each source should be served by its own
    index; it keeps only the students the caller may see."""

    key: str
    order: int
    find: Callable[[str, Campus | None], QuerySet | None]


student_search_sources: ContributionPoint[StudentSearchSource] = ContributionPoint("student_search_sources")


# --- the student in the API ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class StudentApiField:
    """A key of `GET /api/v1/students/{id}` beside the student's own fields. `schema` is
    its type for the OpenAPI document (e.g. `list[CardOut]`); `value(student)` is its
    JSON-ready value."""

    key: str
    order: int
    schema: Any
    value: Callable[[Model], Any]


student_api_fields: ContributionPoint[StudentApiField] = ContributionPoint("student_api_fields")


# --- whom a teacher teaches ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TaughtStudents:
    """Students a teacher teaches (their lessons, their group classes' rosters, …):
    `find(teacher)` returns a queryset of ONE column of student ids (`.order_by()` and
    `.values("student_id")`). A teacher's student pages show the UNION of every source's
    students, and no one else; with no source registered, none."""

    key: str
    order: int
    find: Callable[[Staff], QuerySet]


taught_students: ContributionPoint[TaughtStudents] = ContributionPoint("taught_students")


# --- a person's to-do list on the landing page ----------------------------------------------------


@dataclass(frozen=True)
class ToDo:
    """One thing a person has to do, with where to do it; `done_url` (a to-do of the
    inbox, core/todos.py) is where the person ticks it off."""

    text: str
    url: str
    due: date | None = None
    overdue: bool = False
    done_url: str = ""


@dataclass(frozen=True, kw_only=True)
class ToDoSource:
    """A kind of to-do: `items(staff)` lists that person's (an advisor's first calls after a
    hand-over, …). `roles` are the roles that have this kind of to-do: the landing page
    shows the to-do list (empty or not) to those roles only."""

    key: str
    order: int
    roles: frozenset[str]
    items: Callable[[Staff], Sequence[ToDo]]


todo_sources: ContributionPoint[ToDoSource] = ContributionPoint("todo_sources")


# --- what keeps a teacher busy ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BusySource:
    """Something that books a teacher's time (lessons and group sessions, in scheduling),
    asked by a lower app booking the teacher itself (a trial lesson, in students), so one
    timetable holds both: `clash(teacher, starts_at, ends_at)` → a message saying what the
    teacher already has in [starts_at, ends_at) (half-open: back-to-back is fine), or None
    when they are free. The asker holds the teacher's Staff row locked (SELECT … FOR
    UPDATE), as every booking of scheduling does, so two bookings are judged in turn."""

    key: str
    order: int
    clash: Callable[[Staff, datetime, datetime], str | None]


busy_sources: ContributionPoint[BusySource] = ContributionPoint("busy_sources")


# --- what a package is sold for ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PackageSaleLink:
    """Something a package is sold for, named by `key` at sale (`group_class`: the class a
    group package is sold for, in scheduling). `link(package, value, by)` ties the new
    package to it inside the sale's transaction: a DomainError it raises refuses the whole
    sale (nothing sold)."""

    key: str
    order: int
    link: Callable[[Model, Any, Staff], Any]


package_sale_links: ContributionPoint[PackageSaleLink] = ContributionPoint("package_sale_links")
