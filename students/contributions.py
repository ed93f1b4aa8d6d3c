"""What students/ itself contributes to the points of core/contributions.py: the student
file's 家庭 and 档案记录 tabs, where the student came from (on 家庭) and the assessments (on
scheduling's 课程 tab). The advisor's first call after a hand-over is one of the calls
retention puts on the advisor's to-do list. Imported by StudentsConfig.ready()."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.contributions import StudentTab, StudentTabSection, student_tab_sections, student_tabs

from .models import Guardian, Lead, Student
from .selectors import shows_phones
from .services import may

FAMILY_TAB = "family"
# The 课程 tab is scheduling's (lessons and check-ins); a student's assessments are shown on
# it, below the lessons. Without scheduling the tab, and so the assessments, are not shown.
ASSESSMENTS_TAB = "lessons"


def family(request: HttpRequest, student: Student) -> dict[str, Any]:
    return {
        "guardians": list(student.guardians.all()),
        "relations": Guardian.Relation.choices,
        "can_edit": may(request.staff, "edit"),
        "show_phones": shows_phones(request.staff),
    }


def origin(request: HttpRequest, student: Student) -> dict[str, Any]:
    """Where the student came from (their lead, the referring family) and whom they referred."""
    return {"lead": Lead.objects.filter(student=student).first(), "referrals": list(student.referrals.all())}


def assessments(request: HttpRequest, student: Student) -> dict[str, Any]:
    return {
        "assessments": list(student.entry_assessments.all()),
        "can_assess": may(request.staff, "assess"),
    }


def verbose_names(model: type[Student]) -> dict[str, str]:
    return {f.name: str(f.verbose_name) for f in model._meta.fields}


def history(request: HttpRequest, student: Student) -> dict[str, Any]:
    """Every change of the file, the hand-overs and the reception log, newest first."""
    names = verbose_names(Student)
    events: list[dict[str, Any]] = []
    for entry in student.history.select_related("history_user").order_by("-history_date")[:50]:
        kind = {"+": "建档", "~": "修改档案", "-": "删除"}[entry.history_type]
        changes = ""
        if entry.history_type == "~" and entry.prev_record is not None:
            delta = entry.diff_against(entry.prev_record)
            changes = "、".join(names.get(c.field, c.field) for c in delta.changes)
        user = entry.history_user
        # who did it by name, as staff know each other (the username is a sign-in, not a name)
        by = (user.get_full_name() or user.username) if user is not None else ""
        events.append({"at": entry.history_date, "text": f"{kind} {changes}".strip(), "by": by})
    for a in student.advisor_assignments.select_related("advisor__user", "assigned_by__user"):
        events.append(
            {"at": a.assigned_at, "text": f"接档：{a.advisor.display_name}（首次回访 {a.first_call_due}）", "by": a.assigned_by}
        )
    for e in student.reception_entries.all()[:50]:
        events.append({"at": e.occurred_at, "text": f"接待（{e.get_category_display()}）：{e.summary}", "by": e.created_by})
    return {"events": sorted(events, key=lambda e: e["at"], reverse=True)}


student_tabs.register(
    StudentTab(key=FAMILY_TAB, label=_("家庭"), order=10, template="students/student_tab_family.html", context=family),
    StudentTab(key="history", label=_("档案记录"), order=50, template="students/student_tab_history.html", context=history),
)
student_tab_sections.register(
    StudentTabSection(
        tab=FAMILY_TAB, key="origin", order=50, template="students/student_section_origin.html", context=origin
    ),
    StudentTabSection(
        tab=ASSESSMENTS_TAB,
        key="assessments",
        order=50,
        template="students/student_section_assessments.html",
        context=assessments,
    ),
)
