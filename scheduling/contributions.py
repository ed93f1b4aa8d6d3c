"""What scheduling answers at core/contributions.py's points: the student file's 课程 tab
(the student's lessons and check-ins; students adds the assessments below them), and
`busy_sources` (a teacher's lessons and group sessions, which a trial lesson booked in
students must not overlap). Imported by SchedulingConfig.ready()."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from billing.models import LessonPackage
from core.contributions import (
    BusySource,
    PackageSaleLink,
    StudentTab,
    busy_sources,
    package_sale_links,
    student_tabs,
)
from core.models import Staff
from students.models import Student

from .models import Attendance, Lesson
from .selectors import teacher_busy
from .services import group_package_link

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

busy_sources.register(BusySource(key="lessons", order=10, clash=teacher_busy))


def _link_group_class(package: LessonPackage, group_class: int, by: Staff) -> None:
    group_package_link(package=package, group_class=group_class, by=by)


package_sale_links.register(PackageSaleLink(key="group_class", order=10, link=_link_group_class))
