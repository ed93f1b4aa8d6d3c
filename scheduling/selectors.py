"""Read-only queries of scheduling."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from django.db import router
from django.db.models import Count, Exists, F, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import LessonPackage
from core.dates import day_bounds
from core.models import Campus, Staff, Subject
from core.roles import Role
from students.models import Student, TrialLesson
from students.selectors import trial_at

from .models import (
    Attendance,
    GroupClass,
    GroupMember,
    GroupSession,
    Lesson,
    Room,
    SessionLeave,
    TeacherChange,
    TeacherClock,
    TeacherClockCorrection,
    TeacherProfile,
)

# A student who swipes up to 30 minutes before the start is checking in for that lesson
# (they wait in the lobby); from the start until the end the lesson is in progress.
CHECK_IN_EARLY = timedelta(minutes=30)

M = TypeVar("M", bound=Model)


def _lessons_at(*, student: Student, at: datetime, lesson_kind: str | None) -> QuerySet[Lesson]:
    """The student's scheduled lessons whose check-in window holds `at`, each annotated
    with `checked_in`; of `lesson_kind` when given."""
    lessons = Lesson.objects.filter(
        student=student,
        status=Lesson.Status.SCHEDULED,
        starts_at__lte=at + CHECK_IN_EARLY,
        ends_at__gt=at,
    )
    if lesson_kind:
        lessons = lessons.filter(lesson_kind=lesson_kind)
    return lessons.annotate(checked_in=Exists(Attendance.objects.filter(lesson=OuterRef("pk"))))


def _sessions_at(*, student: Student, at: datetime) -> QuerySet[GroupSession]:
    """The sessions of the student's group classes whose check-in window holds `at` (not
    one the student is on leave from), annotated with `checked_in` (this student's
    check-in of it) and `member_package_id` (the group package the membership uses)."""
    membership = GroupMember.objects.filter(group=OuterRef("group"), student=student, left_at__isnull=True)
    return (
        GroupSession.objects.filter(
            group__members__student=student,
            group__members__left_at__isnull=True,
            status=Lesson.Status.SCHEDULED,
            starts_at__lte=at + CHECK_IN_EARLY,
            ends_at__gt=at,
        )
        .exclude(leaves__student=student)  # on leave from it: that swipe is not for this session
        .annotate(
            checked_in=Exists(Attendance.objects.filter(session=OuterRef("pk"), student=student)),
            member_package_id=Subquery(membership.values("package")[:1]),
        )
    )


# The choice among lessons (or sessions) whose windows meet: one not checked in first, then
# the earlier one.
AT_ORDER = ("checked_in", "starts_at", "pk")


def lesson_at(*, student: Student, at: datetime, lesson_kind: str | None = None) -> Lesson | None:
    """The student's scheduled lesson that a check-in at `at` belongs to, or None.

    The window of a lesson is [starts_at − 30 min, ends_at). When two windows meet (a
    swipe at 9:50 between a 9:00–10:00 and a 10:00–11:00 lesson), a lesson that has no
    check-in yet wins, then the earlier one. `lesson_kind` ("main"/"practice"), when
    given, narrows the choice to lessons of that kind."""
    lessons = _lessons_at(student=student, at=at, lesson_kind=lesson_kind)
    return lessons.select_related("package", "subject", "teacher__user", "room").order_by(*AT_ORDER).first()


def session_at(*, student: Student, at: datetime) -> GroupSession | None:
    """The session of a group class of the student's that a check-in at `at` belongs to,
    or None: the same window and choice as `lesson_at`. Annotated with `checked_in` (this
    student's check-in of it) and `member_package_id` (the group package the student's
    membership uses)."""
    return _sessions_at(student=student, at=at).select_related("group").order_by(*AT_ORDER).first()


def booking_at(*, student: Student, at: datetime, lesson_kind: str | None = None) -> Lesson | GroupSession | None:
    """What a check-in of `student` at `at` is for, in one query: the lesson `lesson_at`
    finds; else, for a main lesson (`lesson_kind` None or main: a group class is a main
    lesson), the session `session_at` finds; else None.

    The one row comes back with what a check-in reads: `checked_in`, the start, a lesson's
    kind and package (its id), a session's group (its name) and `member_package_id`; any
    other field loads when read."""
    columns = ("what", "row_id", "row_starts_at", "row_checked_in", "row_kind", "row_package_id", "row_group_id",
               "row_group_name")
    rows = _lessons_at(student=student, at=at, lesson_kind=lesson_kind).annotate(
        what=Value("lesson"), row_id=F("pk"), row_starts_at=F("starts_at"), row_checked_in=F("checked_in"),
        row_kind=F("lesson_kind"), row_package_id=F("package_id"),
        row_group_id=Value(None, output_field=IntegerField()), row_group_name=Value(""),
    ).order_by().values(*columns)
    if lesson_kind in (None, Lesson.Kind.MAIN):
        sessions = _sessions_at(student=student, at=at).annotate(
            what=Value("session"), row_id=F("pk"), row_starts_at=F("starts_at"), row_checked_in=F("checked_in"),
            row_kind=Value(Lesson.Kind.MAIN.value), row_package_id=F("member_package_id"),
            row_group_id=F("group_id"), row_group_name=F("group__name"),
        ).order_by().values(*columns)
        rows = rows.union(sessions, all=True)
    # "lesson" sorts before "session": a lesson wins, as in the swipe's own order of questions
    row = rows.order_by("what", "row_checked_in", "row_starts_at", "row_id").first()
    if row is None:
        return None
    if row["what"] == "lesson":
        booked: Lesson | GroupSession = loaded(
            Lesson, id=row["row_id"], student_id=student.pk, starts_at=row["row_starts_at"],
            lesson_kind=row["row_kind"], package_id=row["row_package_id"],
        )
        if booked.package_id is not None:
            booked.package = loaded(LessonPackage, id=booked.package_id)
    else:
        booked = loaded(GroupSession, id=row["row_id"], group_id=row["row_group_id"], starts_at=row["row_starts_at"])
        booked.group = loaded(GroupClass, id=row["row_group_id"], name=row["row_group_name"])
        booked.member_package_id = row["row_package_id"]  # type: ignore[attr-defined]
    booked.checked_in = bool(row["row_checked_in"])  # type: ignore[union-attr]
    return booked


def loaded(model: type[M], **values: object) -> M:
    """An instance of `model` as the database gave these field values (by attname); its
    other fields are deferred, loaded when read (as with `.only()`)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(router.db_for_read(model), names, [values[name] for name in names])


def current_members(group: GroupClass) -> QuerySet[GroupMember]:
    """The class's roster now: members not removed (a removed one keeps a row with `left_at`)."""
    return GroupMember.objects.filter(group=group, left_at__isnull=True)


@dataclass
class RosterRow:
    """One member on a group session's check-in list."""

    member: GroupMember
    attendance: Attendance | None = None
    leave: SessionLeave | None = None

    @property
    def state(self) -> str:
        if self.attendance is not None:
            return "swiped" if self.attendance.source == Attendance.Source.SWIPE else "manual"
        return "leave" if self.leave is not None else "absent"

    @property
    def state_label(self) -> str:
        return str(ROSTER_STATES[self.state])


ROSTER_STATES = {"swiped": _("已刷卡"), "manual": _("手工签到"), "leave": _("请假"), "absent": _("未到")}


def session_roster(session: GroupSession) -> list[RosterRow]:
    """A group session's check-in list: each member of the class at the session's start
    (joined before it ends, not removed before it starts), swiped / on leave / absent."""
    members = (
        GroupMember.objects.filter(group_id=session.group_id, joined_at__lt=session.ends_at)
        .filter(Q(left_at__isnull=True) | Q(left_at__gt=session.starts_at))
        .select_related("student", "package")
        .order_by("student__name", "pk")
    )
    attendances = {a.student_id: a for a in session.attendances.select_related("created_by__user").order_by("pk")}
    leaves = {leave.student_id: leave for leave in session.leaves.all()}
    return [RosterRow(m, attendances.get(m.student_id), leaves.get(m.student_id)) for m in members]


# --- timetables --------------------------------------------------------------------------

WEEKDAY_NAMES = "一二三四五六日"


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    return day_bounds(monday)[0], day_bounds(monday + timedelta(days=6))[1]


def _overlapping(qs: QuerySet, *, campus: Campus, start: datetime, end: datetime, **narrow: object) -> QuerySet:
    """Rows of `campus` overlapping [start, end), narrowed by each of `narrow` that is given."""
    qs = qs.filter(campus=campus, starts_at__lt=end, ends_at__gt=start)
    return qs.filter(**{k: v for k, v in narrow.items() if v is not None}).order_by("starts_at", "pk")


def lessons_between(
    *,
    campus: Campus,
    start: datetime,
    end: datetime,
    teacher: Staff | None = None,
    student: Student | None = None,
    room: Room | None = None,
    scheduled_only: bool = False,
) -> QuerySet[Lesson]:
    return _overlapping(
        Lesson.objects.select_related("student", "teacher__user", "subject", "room"),
        campus=campus, start=start, end=end, teacher=teacher, student=student, room=room,
        status=Lesson.Status.SCHEDULED if scheduled_only else None,
    )


def sessions_between(
    *, campus: Campus, start: datetime, end: datetime, teacher: Staff | None = None, student: Student | None = None,
    room: Room | None = None,
) -> QuerySet[GroupSession]:
    return _overlapping(
        GroupSession.objects.select_related("group__subject", "teacher__user", "room"),
        campus=campus, start=start, end=end, teacher=teacher, group__members__student=student, room=room,
        group__members__left_at__isnull=True if student is not None else None,
    )


@dataclass
class Entry:
    """One cell of a timetable: a lesson or a group session."""

    starts_at: datetime
    ends_at: datetime
    title: str
    subject: str
    teacher: str
    room: str
    status: str
    status_label: str
    kind: str  # "main", "practice" or "group": the template marks all but a main lesson
    kind_label: str
    lesson_id: int | None = None

    @property
    def time_text(self) -> str:
        return f"{timezone.localtime(self.starts_at):%H:%M}–{timezone.localtime(self.ends_at):%H:%M}"


@dataclass
class Day:
    day: date
    label: str
    entries: list[Entry] = field(default_factory=list)


def week_timetable(
    *,
    campus: Campus,
    monday: date,
    teacher: Staff | None = None,
    student: Student | None = None,
    room: Room | None = None,
) -> list[Day]:
    """Seven days, each with its lessons, group sessions and (for the campus or a teacher)
    trial lessons in time order. A lesson on leave or cancelled stays on the grid, marked,
    so the desk sees what changed."""
    start, end = week_bounds(monday)
    days = [Day(day=monday + timedelta(days=i), label=f"周{WEEKDAY_NAMES[i]}") for i in range(7)]
    filters = {"teacher": teacher, "student": student, "room": room}
    # A lesson belongs to the day it starts on; one that began the week before is not here.
    for lesson in lessons_between(campus=campus, start=start, end=end, **filters).filter(starts_at__gte=start).exclude(
        status=Lesson.Status.RESCHEDULED
    ):
        local = timezone.localtime(lesson.starts_at)
        days[(local.date() - monday).days].entries.append(
            Entry(
                starts_at=lesson.starts_at, ends_at=lesson.ends_at, title=lesson.student.name,
                subject=lesson.subject.name, teacher=lesson.teacher.display_name,
                room=lesson.room.name if lesson.room_id else "", status=lesson.status,
                status_label=lesson.get_status_display(), kind=lesson.lesson_kind,
                kind_label=lesson.get_lesson_kind_display(),
                lesson_id=lesson.pk,
            )
        )
    for session in sessions_between(campus=campus, start=start, end=end, **filters).filter(starts_at__gte=start).distinct():
        local = timezone.localtime(session.starts_at)
        days[(local.date() - monday).days].entries.append(
            Entry(
                starts_at=session.starts_at, ends_at=session.ends_at, title=session.group.name,
                subject=session.group.subject.name, teacher=session.teacher.display_name,
                room=session.room.name if session.room_id else "", status=session.status,
                status_label=session.get_status_display(), kind="group", kind_label=_("大课"),
            )
        )
    if student is None and room is None:
        # a lead's trial lesson (试听) is a lesson of its teacher's (it has no student file or room yet)
        trials = TrialLesson.objects.filter(
            lead__campus=campus, status__in=TrialLesson.HOLDS_TIME, starts_at__gte=start, starts_at__lt=end
        ).select_related("lead", "teacher__user")
        for trial in trials.filter(teacher=teacher) if teacher is not None else trials:
            local = timezone.localtime(trial.starts_at)
            booked = trial.status == TrialLesson.Status.BOOKED
            days[(local.date() - monday).days].entries.append(
                Entry(
                    starts_at=trial.starts_at, ends_at=trial.ends_at, title=trial.lead.name, subject=trial.subject,
                    teacher=trial.teacher.display_name, room="",
                    status=Lesson.Status.SCHEDULED if booked else trial.status,
                    status_label=trial.get_status_display(), kind="trial", kind_label=_("试听"),
                )
            )
    for day in days:
        day.entries.sort(key=lambda e: e.starts_at)
    return days


def day_ahead(*, campus: Campus, day: date) -> QuerySet[Lesson]:
    """The lessons of `day` the front desk confirms with the families the day before."""
    start, end = day_bounds(day)
    return (
        lessons_between(campus=campus, start=start, end=end, scheduled_only=True)
        .prefetch_related("student__guardians")
    )


# --- the check-in link ------------------------------------------------------------------


def no_shows(*, campus: Campus, start: datetime, end: datetime, now: datetime | None = None) -> QuerySet[Lesson]:
    """Scheduled lessons in [start, end) that have ended with nobody checked in."""
    now = now or timezone.now()
    return (
        lessons_between(campus=campus, start=start, end=end, scheduled_only=True)
        .filter(ends_at__lte=now)
        .exclude(Exists(Attendance.objects.filter(lesson=OuterRef("pk"))))
    )


def checkins_without_lesson(*, campus: Campus, start: datetime, end: datetime) -> QuerySet[Attendance]:
    """Check-ins in [start, end) that belong to no scheduled lesson."""
    return (
        Attendance.objects.filter(campus=campus, lesson__isnull=True, checked_in_at__gte=start, checked_in_at__lt=end)
        .select_related("student", "package")
        .order_by("checked_in_at")
    )


# --- teachers ---------------------------------------------------------------------------


def teachers_of(*, campus: Campus) -> QuerySet[Staff]:
    return Staff.objects.filter(campus=campus, role=Role.TEACHER).select_related("user").order_by("user__username")


@dataclass
class Match:
    teacher: Staff
    score: int
    reasons: list[str]


def teacher_matches(
    *,
    campus: Campus,
    subject: str,
    student: Student | None = None,
    weekday: int | None = None,
    start: time | None = None,
    end: time | None = None,
) -> list[Match]:
    """Teachers of `campus` who teach `subject`, best first. Points for being free in the
    wanted weekly slot, for a level that suits the student's learning type (拔高冲刺 wants
    a senior teacher) and a style that suits the four-way profile (a student who is not
    well in mind gets a patient teacher), and for a lighter week."""
    teachers = teachers_of(campus=campus).filter(subjects__name=subject.strip()).prefetch_related(
        "teacher_profile__free_slots"
    )
    monday = week_start_of(timezone.localdate())
    week_start, week_end = week_bounds(monday)
    load = {
        row["teacher"]: row["n"]
        for row in Lesson.objects.filter(
            campus=campus, status=Lesson.Status.SCHEDULED, starts_at__gte=week_start, starts_at__lt=week_end
        )
        .values("teacher")
        .annotate(n=Count("pk"))
    }
    matches: list[Match] = []
    for teacher in teachers:
        profile = getattr(teacher, "teacher_profile", None)
        score, reasons = 1, [f"教{subject}"]
        if weekday is not None and start is not None and end is not None:
            slots = profile.free_slots.all() if profile else []
            if any(s.weekday == weekday and s.start <= start and s.end >= end for s in slots):
                score += 3
                reasons.append(f"周{WEEKDAY_NAMES[weekday]} {start:%H:%M}–{end:%H:%M} 有空")
        if profile is not None and student is not None:
            if student.learning_type == Student.LearningType.SPRINT and profile.level >= TeacherProfile.Level.SENIOR:
                score += 2
                reasons.append(f"{profile.get_level_display()}教员，适合拔高冲刺")
            elif student.learning_type == Student.LearningType.FOUNDATION and profile.style in (
                TeacherProfile.Style.PATIENT, TeacherProfile.Style.STRICT
            ):
                score += 1
                reasons.append(f"{profile.get_style_display()}，适合基础巩固")
            if student.profile.endswith("unwell") and profile.style == TeacherProfile.Style.PATIENT:
                score += 2
                reasons.append("耐心细致，适合心理欠佳的学员")
            if student.profile == Student.Profile.POOR_WELL and profile.style == TeacherProfile.Style.EXAM:
                score += 1
                reasons.append("擅长应试提分")
        lessons_this_week = load.get(teacher.pk, 0)
        if lessons_this_week < 20:
            score += 1
            reasons.append(f"本周已排 {lessons_this_week} 节，尚有余量")
        matches.append(Match(teacher=teacher, score=score, reasons=reasons))
    return sorted(matches, key=lambda m: (-m.score, m.teacher.username))


def teacher_change_count(*, student: Student, subject: Subject) -> int:
    """How many times the student's teacher of `subject` was changed (the staff rules
    look for 3 or more)."""
    return TeacherChange.objects.filter(student=student, subject=subject).count()


def teacher_change_counts(*, campus: Campus, at_least: int = 1) -> QuerySet:
    """Rows {"student", "student__name", "subject", "subject__name", "changes"} per student
    and subject with at least `at_least` changes."""
    return (
        TeacherChange.objects.filter(campus=campus)
        .values("student", "student__name", "subject", "subject__name")
        .annotate(changes=Count("pk"))
        .filter(changes__gte=at_least)
        .order_by("-changes", "student__name")
    )


# --- teacher time-keeping ---------------------------------------------------------------

# A teacher is expected in at least 10 minutes before their first lesson of the day.
CLOCK_IN_LEAD = timedelta(minutes=10)


@dataclass
class TimekeepingRow:
    teacher: Staff
    clocks: list[TeacherClock]
    first_lesson_at: datetime | None

    @property
    def first_in(self) -> datetime | None:
        return next((c.at for c in self.clocks if c.kind == TeacherClock.Kind.IN), None)

    @property
    def last_out(self) -> datetime | None:
        outs = [c.at for c in self.clocks if c.kind == TeacherClock.Kind.OUT]
        return outs[-1] if outs else None

    @property
    def late(self) -> bool:
        """Clocked in later than 10 minutes before the first lesson (or not at all)."""
        if self.first_lesson_at is None:
            return False
        return self.first_in is None or self.first_in > self.first_lesson_at - CLOCK_IN_LEAD


def timekeeping(*, campus: Campus, day: date) -> list[TimekeepingRow]:
    """Every teacher who clocked or taught on `day`, with their swipes and first lesson."""
    start, end = day_bounds(day)
    clocks: dict[int, list[TeacherClock]] = {}
    for clock in TeacherClock.objects.filter(campus=campus, day=day).order_by("at", "seq"):
        clocks.setdefault(clock.teacher_id, []).append(clock)
    first: dict[int, datetime] = {}
    for lesson in lessons_between(campus=campus, start=start, end=end, scheduled_only=True):
        first.setdefault(lesson.teacher_id, lesson.starts_at)
    for session in sessions_between(campus=campus, start=start, end=end).filter(status=Lesson.Status.SCHEDULED):
        if session.teacher_id not in first or session.starts_at < first[session.teacher_id]:
            first[session.teacher_id] = session.starts_at
    teachers = Staff.objects.filter(pk__in=set(clocks) | set(first)).select_related("user").order_by("user__username")
    return [
        TimekeepingRow(teacher=t, clocks=clocks.get(t.pk, []), first_lesson_at=first.get(t.pk)) for t in teachers
    ]


def clock_corrections(*, campus: Campus, day: date) -> QuerySet[TeacherClockCorrection]:
    """The dean's corrections of the clocks of `day`: who, when, old → new, why."""
    return (
        TeacherClockCorrection.objects.filter(clock__campus=campus, clock__day=day)
        .select_related("teacher__user", "created_by__user")
        .order_by("-created_at", "-pk")
    )


# --- double booking ---------------------------------------------------------------------


def span_text(starts_at: datetime, ends_at: datetime) -> str:
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return f"{start:%m月%d日}（周{WEEKDAY_NAMES[start.weekday()]}）{start:%H:%M}–{end:%H:%M}"


def find_conflicts(
    *,
    starts_at: datetime,
    ends_at: datetime,
    teacher: Staff | None,
    student_ids: list[int],
    room: Room | None,
    exclude_lesson: Lesson | None = None,
    exclude_session: GroupSession | None = None,
    with_trials: bool = True,
) -> dict[str, str]:
    """What is already booked in [starts_at, ends_at): {"teacher"|"student"|"room": message}.
    Half-open intervals: a lesson ending at 10:00 and one starting at 10:00 do not clash.
    A lead's trial lesson holds its teacher's time too (students' `trial_at`)."""
    overlap = Q(status=Lesson.Status.SCHEDULED, starts_at__lt=ends_at, ends_at__gt=starts_at)
    lessons = Lesson.objects.filter(overlap).select_related("student", "teacher__user", "room")
    sessions = GroupSession.objects.filter(overlap).select_related("group", "teacher__user", "room")
    if exclude_lesson is not None:
        lessons = lessons.exclude(pk=exclude_lesson.pk)
    if exclude_session is not None:
        sessions = sessions.exclude(pk=exclude_session.pk)
    fields: dict[str, str] = {}

    def describe(item: Lesson | GroupSession) -> str:
        what = f"{item.group.name}（大课）" if isinstance(item, GroupSession) else f"{item.student.name}的{item.subject}课"
        return f"{span_text(item.starts_at, item.ends_at)} 已有{what}"

    if teacher is not None:
        clash = lessons.filter(teacher=teacher).first() or sessions.filter(teacher=teacher).first()
        if clash is not None:
            fields["teacher"] = f"教员{teacher}{describe(clash)}"
    if student_ids:
        clash = (
            lessons.filter(student_id__in=student_ids).first()
            or sessions.filter(group__members__student_id__in=student_ids, group__members__left_at__isnull=True)
            .distinct()
            .first()
        )
        if clash is not None:
            who = clash.student.name if isinstance(clash, Lesson) else "学员"
            fields["student"] = f"{who}{describe(clash)}"
    if room is not None:
        clash = lessons.filter(room=room).first() or sessions.filter(room=room).first()
        if clash is not None:
            fields["room"] = f"教室{room.name}{describe(clash)}"
    if teacher is not None and "teacher" not in fields and with_trials:
        trial = trial_at(teacher=teacher, starts_at=starts_at, ends_at=ends_at)
        if trial is not None:
            fields["teacher"] = f"教员{teacher}{span_text(trial.starts_at, trial.ends_at)} 已有{trial.lead.name}的{trial.subject}试听"
    return fields


def teacher_busy(teacher: Staff, starts_at: datetime, ends_at: datetime) -> str | None:
    """What of scheduling's (a lesson, a group session) the teacher has in [starts_at,
    ends_at): the `busy_sources` answer students' trial booking asks (it checks trials itself)."""
    return find_conflicts(
        starts_at=starts_at, ends_at=ends_at, teacher=teacher, student_ids=[], room=None, with_trials=False
    ).get("teacher")


def booking_problems(
    *,
    campus: Campus,
    student: Student | None,
    teacher: Staff | None,
    subject: Subject | None,
    starts_at: datetime | None,
    ends_at: datetime | None,
    room_name: str = "",
    exclude_lesson: Lesson | None = None,
) -> dict[str, str]:
    """What would stop this booking, for the live check of the lesson form; the service
    checks the same again under lock when the form is sent."""
    problems: dict[str, str] = {}
    if teacher is not None and subject is not None and not teacher.subjects.filter(pk=subject.pk).exists():
        problems["subject"] = f"{teacher} 不教{subject}（排错科目）"
    if starts_at is None or ends_at is None:
        return problems
    if ends_at <= starts_at:
        problems["ends_at"] = "结束时间须晚于开始时间"
        return problems
    room = Room.objects.filter(campus=campus, name=room_name.strip()).first() if room_name.strip() else None
    problems.update(
        find_conflicts(
            starts_at=starts_at, ends_at=ends_at, teacher=teacher,
            student_ids=[student.pk] if student is not None else [], room=room, exclude_lesson=exclude_lesson,
        )
    )
    return problems


# --- a student's lesson records (查询学员上课记录) ------------------------------------------

RECORDS_DEFAULT_BACK = timedelta(days=30)
RECORDS_DEFAULT_AHEAD = timedelta(days=30)
RECORDS_MAX_SPAN = timedelta(days=366)
# the kinds as the lesson records name them (the manual's 主课/陪练/大课)
RECORD_KINDS = {Lesson.Kind.MAIN: _("主课"), Lesson.Kind.PRACTICE: _("陪练")}


@dataclass
class LessonRecord:
    """One lesson or group session of a student: who taught it, its kind (主课/陪练/大课),
    whether and how the student checked in (刷卡/手工) and from which package."""

    starts_at: datetime
    ends_at: datetime
    subject: str
    teacher: str
    room: str
    kind_label: str
    status_label: str
    checkin_label: str
    package: str
    lesson_id: int | None = None
    group_id: int | None = None


def records_range(value_from: str | None, value_to: str | None) -> tuple[date, date, str]:
    """The days asked for (?from=&to=, YYYY-MM-DD; by default a month either side of today)
    and what was wrong with the request, if anything (the default range is used then)."""
    today = timezone.localdate()
    default = (today - RECORDS_DEFAULT_BACK, today + RECORDS_DEFAULT_AHEAD)
    try:
        start = date.fromisoformat(value_from) if value_from else default[0]
        end = date.fromisoformat(value_to) if value_to else default[1]
    except ValueError:
        return *default, _("日期格式应为 YYYY-MM-DD，已显示默认范围")
    if end < start:
        return *default, _("结束日期不能早于开始日期，已显示默认范围")
    if end - start > RECORDS_MAX_SPAN:
        return *default, _("一次最多查询一年，已显示默认范围")
    return start, end, ""


def _checkin(attendance: Attendance | None) -> tuple[str, str]:
    if attendance is None:
        return "—", ""
    return attendance.get_source_display(), attendance.package.course


def lesson_records(*, student: Student, first_day: date, last_day: date) -> list[LessonRecord]:
    """The student's lessons and group sessions starting between `first_day` and
    `last_day` (campus dates, both included), newest first. A rescheduled lesson is listed
    at its new time only (its replacement); leave and cancellations stay, marked."""
    start, end = day_bounds(first_day)[0], day_bounds(last_day)[1]
    records: list[LessonRecord] = []
    lessons = (
        Lesson.objects.filter(student=student, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Lesson.Status.RESCHEDULED)
        .select_related("teacher__user", "subject", "room", "package")
        .prefetch_related("attendances__package")
    )
    for lesson in lessons:
        source, package = _checkin(next(iter(lesson.attendances.all()), None))
        records.append(
            LessonRecord(
                starts_at=lesson.starts_at, ends_at=lesson.ends_at, subject=lesson.subject.name,
                teacher=lesson.teacher.display_name, room=lesson.room.name if lesson.room_id else "",
                kind_label=str(RECORD_KINDS.get(lesson.lesson_kind, lesson.get_lesson_kind_display())),
                status_label=lesson.get_status_display(), checkin_label=source, package=package or (lesson.package.course if lesson.package_id else ""),
                lesson_id=lesson.pk,
            )
        )
    sessions = (
        GroupSession.objects.filter(group__members__student=student, starts_at__gte=start, starts_at__lt=end)
        .select_related("group__subject", "teacher__user", "room")
        .distinct()
    )
    attended = {
        a.session_id: a
        for a in Attendance.objects.filter(student=student, session__in=sessions).select_related("package")
    }
    for session in sessions:
        source, package = _checkin(attended.get(session.pk))
        records.append(
            LessonRecord(
                starts_at=session.starts_at, ends_at=session.ends_at, subject=session.group.subject.name,
                teacher=session.teacher.display_name, room=session.room.name if session.room_id else "",
                kind_label=str(_("大课")), status_label=session.get_status_display(), checkin_label=source,
                package=package, group_id=session.group_id,
            )
        )
    return sorted(records, key=lambda r: r.starts_at, reverse=True)
