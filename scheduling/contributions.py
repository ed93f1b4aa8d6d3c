"""What scheduling shows on the student file (core/contributions.py): the 课程 tab, the
student's lessons and check-ins (students adds the assessments below them). Imported by
SchedulingConfig.ready()."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.contributions import StudentTab, student_tabs
from students.models import Student

from .models import Attendance, Lesson

LIMIT = 100


def lessons_tab(request: HttpRequest, student: Student) -> dict[str, Any]:
    return {
        "lessons": list(
            Lesson.objects.filter(student=student)
            .select_related("teacher__user", "subject", "room")
            .order_by("-starts_at")[:LIMIT]
        ),
        "attendances": list(
            Attendance.objects.filter(student=student).select_related("package").order_by("-checked_in_at")[:LIMIT]
        ),
    }


student_tabs.register(
    StudentTab(key="lessons", label=_("课程"), order=30, template="scheduling/student_tab_lessons.html", context=lessons_tab)
)
