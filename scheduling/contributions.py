"""What scheduling answers at core/contributions.py's points: the student file's 课程 tab
(the student's lessons and check-ins; students adds the assessments below them) and the
statement's lesson records; whom a teacher teaches (their lessons' students and their group
classes' rosters: a teacher's student pages); `busy_sources` (a teacher's lessons and group
sessions, which a trial lesson booked in students must not overlap); `package_sale_links`
(a group package sold for a class). Imported by SchedulingConfig.ready()."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from billing.models import LessonPackage
from core.contributions import (
    BusySource,
    PackageSaleLink,
    StatementSection,
    StudentTab,
    TaughtStudents,
    busy_sources,
    package_sale_links,
    statement_sections,
    student_tabs,
    taught_students,
)
from core.models import Staff
from students.models import Student

from .models import Attendance, GroupMember, Lesson
from .selectors import lesson_records as lesson_record_list
from .selectors import records_range, teacher_busy
from .services import group_package_link

LIMIT = 100


def lesson_records(request: HttpRequest, student: Student) -> dict[str, Any]:
    """查询学员上课记录: the lessons and group sessions of ?from=&to= (a month either side of
    today by default), each linked to its lesson (leave and reschedule are there)."""
    first, last, problem = records_range(request.GET.get("from"), request.GET.get("to"))
    return {
        "records": lesson_record_list(student=student, first_day=first, last_day=last),
        "records_from": first,
        "records_to": last,
        "records_problem": problem,
    }


def lessons_tab(request: HttpRequest, student: Student) -> dict[str, Any]:
    return {
        **lesson_records(request, student),
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
statement_sections.register(
    StatementSection(key="lessons", order=10, template="scheduling/_lesson_records.html", context=lesson_records)
)
student_tabs.register(
    StudentTab(key="lessons", label=_("课程"), order=30, template="scheduling/student_tab_lessons.html", context=lessons_tab)
)

busy_sources.register(BusySource(key="lessons", order=10, clash=teacher_busy))


def _link_group_class(package: LessonPackage, group_class: int, by: Staff) -> None:
    group_package_link(package=package, group_class=group_class, by=by)


package_sale_links.register(PackageSaleLink(key="group_class", order=10, link=_link_group_class))
