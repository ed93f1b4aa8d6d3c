"""What scheduling shows on the student file (core/contributions.py): the 课程 tab, the
student's lessons and check-ins (students adds the assessments below them); whom a teacher
teaches (their lessons' students and their group classes' rosters: a teacher's student pages). Imported by
SchedulingConfig.ready()."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.contributions import StudentTab, TaughtStudents, student_tabs, taught_students
from core.models import Staff
from students.models import Student

from .models import Attendance, GroupMember, Lesson

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


def lesson_students(teacher: Staff):
    return Lesson.objects.filter(teacher=teacher).order_by().values("student_id")


def group_students(teacher: Staff):
    """The rosters of the group classes the teacher leads or gives a session of."""
    return (
        GroupMember.objects.filter(Q(group__teacher=teacher) | Q(group__sessions__teacher=teacher))
        .order_by()
        .values("student_id")
    )


taught_students.register(
    TaughtStudents(key="lessons", order=10, find=lesson_students),
    TaughtStudents(key="groups", order=20, find=group_students),
)
student_tabs.register(
    StudentTab(key="lessons", label=_("课程"), order=30, template="scheduling/student_tab_lessons.html", context=lessons_tab)
)
