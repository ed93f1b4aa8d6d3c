"""Demo rows of scheduling: rooms, the demo teacher's profile and a few lessons this week
for the demo students. Idempotent: a second run finds them and adds nothing."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from core.errors import DomainError
from core.models import Campus, Staff
from core.roles import Role
from core.services import subject_get_or_create
from students.models import Student

from .models import Lesson, Room, TeacherProfile
from .services import lesson_book, room_get_or_create, teacher_profile_save

ROOMS = ["琴房一", "琴房二", "A101", "大教室"]
# (weekday, start, end, subject, room, kind) for the first demo students in order
PLAN = [
    (0, time(16, 0), time(17, 0), "钢琴", "琴房一", Lesson.Kind.MAIN),
    (2, time(16, 0), time(17, 0), "数学", "A101", Lesson.Kind.MAIN),
    (4, time(17, 0), time(18, 0), "钢琴", "琴房二", Lesson.Kind.PRACTICE),
    (5, time(9, 0), time(10, 0), "钢琴", "琴房一", Lesson.Kind.MAIN),
]


def seed(campus: Campus, staff_by_role: dict[str, Staff]) -> str:
    for name in ROOMS:
        room_get_or_create(campus=campus, name=name)
    teacher = staff_by_role.get(Role.TEACHER)
    desk = staff_by_role.get(Role.FRONT_DESK)
    if teacher is None:
        return f"scheduling: {len(ROOMS)} rooms"
    if not TeacherProfile.objects.filter(teacher=teacher).exists():
        teacher_profile_save(
            teacher=teacher, by=None, level=TeacherProfile.Level.SENIOR, style=TeacherProfile.Style.PATIENT,
            bio="钢琴十级，数学教研组成员", free_slots=[(d, time(14, 0), time(20, 0)) for d in range(6)],
        )
    students = list(Student.objects.filter(campus=campus).order_by("pk")[: len(PLAN)])
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    made = 0
    for student, (weekday, start, end, subject_name, room, kind) in zip(students, PLAN, strict=False):
        day = monday + timedelta(days=weekday)
        starts_at = timezone.make_aware(datetime.combine(day, start))
        if Lesson.objects.filter(student=student, teacher=teacher, starts_at=starts_at).exists():
            continue
        try:
            lesson_book(
                student=student, teacher=teacher, subject=subject_get_or_create(name=subject_name),
                starts_at=starts_at, ends_at=timezone.make_aware(datetime.combine(day, end)), by=desk,
                room=room, lesson_kind=kind,
            )
            made += 1
        except DomainError:
            # A slot someone has since filled by hand: the demo leaves it alone.
            continue
    rooms = Room.objects.filter(campus=campus).count()
    return f"scheduling: {rooms} rooms, {made} lessons booked this week"
