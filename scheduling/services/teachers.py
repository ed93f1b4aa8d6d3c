"""Teachers: their profile (level, style, free time) and changing a student's teacher."""

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, InvalidInput
from core.models import Staff, Subject
from students.models import Student

from ..errors import SchedulingError
from ..models import FreeSlot, Lesson, Notification, TeacherChange, TeacherProfile
from ._common import check_same_campus, check_teaches, find_conflicts, lock_parties, notify, span_text
from .lessons import lessons_shift_teacher


@transaction.atomic
def teacher_profile_save(
    *,
    teacher: Staff,
    by: Staff | None,
    level: int = TeacherProfile.Level.INTERMEDIATE,
    style: str = "",
    bio: str = "",
    free_slots: list[tuple[int, time, time]] | None = None,
) -> TeacherProfile:
    """Create or update a teacher's profile; `free_slots` (weekday 0 = Monday, start, end),
    when given, replaces the weekly free time."""
    check_same_campus(campus=teacher.campus, by=by, teacher=teacher)
    if level not in TeacherProfile.Level.values:
        raise InvalidInput("级别不正确", {"level": "不正确"})
    if style and style not in TeacherProfile.Style.values:
        raise InvalidInput("教学风格不正确", {"style": "不正确"})
    profile, _created = TeacherProfile.objects.select_for_update().get_or_create(teacher=teacher)
    profile.level, profile.style, profile.bio = level, style, bio.strip()
    profile.save()
    if free_slots is not None:
        for weekday, start, end in free_slots:
            if not 0 <= weekday <= 6 or end <= start:
                raise InvalidInput("空闲时段不正确：结束须晚于开始，星期为 0–6", {"free_slots": "不正确"})
        profile.free_slots.all().delete()
        FreeSlot.objects.bulk_create(
            [FreeSlot(profile=profile, weekday=w, start=s, end=e) for w, s, e in free_slots]
        )
    return profile


def current_teacher(*, student: Student, subject: Subject, now: datetime | None = None) -> Staff | None:
    """The teacher of the student's next lesson in `subject`, else of the latest one."""
    now = now or timezone.now()
    lessons = Lesson.objects.filter(student=student, subject=subject, status=Lesson.Status.SCHEDULED)
    nxt = lessons.filter(starts_at__gte=now).order_by("starts_at").select_related("teacher__user").first()
    if nxt is not None:
        return nxt.teacher
    last = (
        Lesson.objects.filter(student=student, subject=subject).order_by("-starts_at")
        .select_related("teacher__user").first()
    )
    return last.teacher if last else None


@transaction.atomic
def teacher_change(
    *,
    student: Student,
    subject: Subject,
    to_teacher: Staff,
    requested_by: str,
    reason: str,
    by: Staff | None,
    now: datetime | None = None,
) -> TeacherChange:
    """Change a student's teacher of a subject (换老师): records who asked and why, and
    gives the student's coming lessons of that subject to the new teacher. Refused whole
    (409 schedule_conflict) if the new teacher is busy at one of those times."""
    reason = (reason or "").strip()
    if requested_by not in TeacherChange.RequestedBy.values:
        raise InvalidInput("请选择提出方：家长、学员或学校", {"requested_by": "可选 parent、student、school"})
    if not reason:
        raise InvalidInput("请填写更换原因", {"reason": "必填"})
    check_same_campus(campus=student.campus, by=by, teacher=to_teacher)
    check_teaches(to_teacher, subject)
    now = now or timezone.now()
    from_teacher = current_teacher(student=student, subject=subject, now=now)
    if from_teacher is not None and from_teacher.pk == to_teacher.pk:
        raise InvalidInput(f"{to_teacher} 已是该学员的{subject}教员", {"to_teacher": "与现任相同"})
    # Lesson rows first, then the people: the order every service takes its locks in.
    coming = list(
        Lesson.objects.select_for_update()
        .filter(student=student, subject=subject, status=Lesson.Status.SCHEDULED, starts_at__gte=now)
        .order_by("pk")
    )
    coming.sort(key=lambda lesson: lesson.starts_at)
    lock_parties(teacher=to_teacher, student_ids=[student.pk], room=None)
    clashes = []
    for lesson in coming:
        if find_conflicts(
            starts_at=lesson.starts_at, ends_at=lesson.ends_at, teacher=to_teacher, student_ids=[],
            room=None, exclude_lesson=lesson,
        ):
            clashes.append(span_text(lesson.starts_at, lesson.ends_at))
    if clashes:
        raise Conflict(
            SchedulingError.SCHEDULE_CONFLICT,
            f"新教员{to_teacher}在这些时间已有课：" + "；".join(clashes),
            {"teacher": "；".join(clashes)},
        )
    moved = lessons_shift_teacher(lessons=coming, to_teacher=to_teacher)
    change = TeacherChange.objects.create(
        campus=student.campus, student=student, subject=subject, from_teacher=from_teacher, to_teacher=to_teacher,
        requested_by=requested_by, reason=reason[:200], lessons_moved=moved, created_by=by,
    )
    if coming:
        coming[0].teacher = to_teacher
        notify(
            lesson=coming[0], kind=Notification.Kind.TEACHER_CHANGED,
            message=f"【更换教员】{student.name} 的{subject}课自 {span_text(coming[0].starts_at, coming[0].ends_at)} "
            f"起由{to_teacher}任教（共 {moved} 节）",
        )
    return change
