"""What retention shows elsewhere (core/contributions.py): the student file's 回访 tab (the
student's follow-ups), the save cases and refunds below billing's 课时包 tab with 上报挽单 on
each active package, and on the landing page the advisor's calls due — the first call
after a hand-over among them — and, for the CS supervisor and the principal, the save
cases near or past their ten-day deadline. Imported by RetentionConfig.ready()."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.models import LessonPackage
from billing.selectors import student_packages
from core.contributions import (
    StudentTab,
    StudentTabSection,
    ToDo,
    ToDoSource,
    student_tab_sections,
    student_tabs,
    todo_sources,
)
from core.errors import DomainError
from core.models import Staff
from core.roles import Role
from core.scoping import scope
from students.models import Student

from . import selectors, services
from .models import Refund, SaveCase
from .roles import ROLES, SUPERVISORS, may

FOLLOW_UPS_TAB = "followups"
# billing's 课时包 tab: a package's save case and refund are shown below the packages
PACKAGES_TAB = "packages"
TAB_LIMIT = 100
TODO_LIMIT = 30
# a save case shows on the supervisors' to-do list from two days before its deadline
CASE_WARNING = timedelta(days=2)


# --- the student file -------------------------------------------------------------------------


def may_log_for(staff: Staff, student: Student) -> bool:
    """Whether `staff` may log a call about `student` (an advisor: their own students only)."""
    try:
        services.check_may_follow_up(student=student, by=staff)
    except DomainError:
        return False
    return True


def follow_ups_tab(request: HttpRequest, student: Student) -> dict[str, Any]:
    """回访: the student's follow-ups, newest first, and 登记回访 for who may log one."""
    return {
        "follow_ups": list(selectors.follow_ups_of(student)[:TAB_LIMIT]),
        "can_log": may_log_for(request.staff, student),
    }


def saving_section(request: HttpRequest, student: Student) -> dict[str, Any]:
    """挽单与退费: the student's save cases and refunds (for who may read them), and 上报挽单
    on each active package without an open case or a refund (for who may open one)."""
    staff = request.staff
    today = timezone.localdate()
    cases = list(SaveCase.objects.filter(student=student).select_related("package").order_by("-opened_at", "-pk"))
    refunds = list(Refund.objects.filter(student=student).select_related("package").order_by("-created_at", "-pk"))
    openable: list[LessonPackage] = []
    if may(staff, "save_case_open"):
        busy = {c.package_id for c in cases if c.is_open} | {r.package_id for r in refunds}
        openable = [
            p for p in student_packages(student)
            if p.pk not in busy and p.status_on(today) == LessonPackage.Status.ACTIVE
        ]
    return {
        "cases": [{"case": c, "days_left": c.days_left(today), "overdue": c.is_overdue(today)} for c in cases]
        if may(staff, "save_cases") else [],
        "refunds": refunds if may(staff, "refunds") else [],
        "openable": openable,
    }


def sees_saving(request: HttpRequest, student: Student) -> bool:
    return any(may(request.staff, action) for action in ("save_cases", "refunds", "save_case_open"))


student_tabs.register(
    StudentTab(
        key=FOLLOW_UPS_TAB,
        label=gettext_lazy("回访"),
        # after scheduling's 课程 (30), before students' 档案记录 (50)
        order=40,
        template="retention/followup_tab.html",
        context=follow_ups_tab,
        roles=ROLES["read"],
    )
)
student_tab_sections.register(
    StudentTabSection(
        tab=PACKAGES_TAB,
        key="saving",
        order=50,
        template="retention/student_section_saving.html",
        context=saving_section,
        visible=sees_saving,
    )
)


# --- the landing page's to-dos ----------------------------------------------------------------


def lateness(days_late: int, due: Any, today: Any) -> str:
    if days_late > 0:
        return _("（逾期 %(days)s 天）") % {"days": days_late}
    if due > today:
        return _("（%(due)s 前）") % {"due": f"{due:%m-%d}"}
    return ""


def calls_due(staff: Staff) -> list[ToDo]:
    """The advisor's calls due today (the advisor's day, 工作台), one to-do a family with its
    most pressing call: the first call after a hand-over, the calls around the first
    lesson, the renewal talk, the weekly contact."""
    today = timezone.localdate()
    day_url = reverse("retention:day")
    todos = []
    for row in selectors.due_items_for(staff)[:TODO_LIMIT]:
        due = min(d.due_on for d in row.items)
        todos.append(
            ToDo(
                text=f"{row.student.name}：{row.first.label}" + lateness(row.days_late, due, today),
                url=day_url,
                due=due,
                overdue=row.days_late > 0,
            )
        )
    return todos


def save_cases_near_deadline(staff: Staff) -> list[ToDo]:
    """The campus's open save cases with two days or fewer left, or past their deadline."""
    today = timezone.localdate()
    cases = (
        scope(staff, SaveCase.objects.filter(status=SaveCase.Status.OPEN, deadline__lte=today + CASE_WARNING))
        .select_related("student", "package")
        .order_by("deadline", "pk")[:TODO_LIMIT]
    )
    todos = []
    for case in cases:
        left = case.days_left(today)
        when = (
            _("逾期 %(days)s 天") % {"days": -left} if left < 0
            else _("今天截止") if left == 0
            else _("剩 %(days)s 天") % {"days": left}
        )
        todos.append(
            ToDo(
                text=_("挽单 %(student)s · %(course)s：第 %(stage)s 阶段，%(when)s")
                % {"student": case.student.name, "course": case.package.course, "stage": case.stage, "when": when},
                url=reverse("retention:save_case", args=[case.pk]),
                due=case.deadline,
                overdue=left < 0,
            )
        )
    return todos


todo_sources.register(
    ToDoSource(key="calls_due", order=10, roles=frozenset({Role.ADVISOR}), items=calls_due),
    ToDoSource(key="save_cases_near_deadline", order=20, roles=SUPERVISORS, items=save_cases_near_deadline),
)
