"""Read-only queries of retention: the follow-up log, the calls due, and the monthly records
missing.

Each call an advisor owes a family is one named rule below (`first_call_due`,
`pre_first_lesson_due`, `after_first_lesson_due`, `weekly_contact_due`, `renewal_due`).
A rule takes the students to judge and the moment `at` it judges them at, and answers
{student id: Due}. Nothing here reads the clock except `moment_of` (the pages' "now"), so
a worked week can be replayed with fixed dates."""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.models import LessonPackage, renewal_line_in_sql
from core.dates import day_start, local_day
from core.models import Campus, Staff, Subject
from core.roles import Role
from scheduling.models import GroupMember, GroupSession, Lesson
from students.models import AdvisorAssignment, Student

from .models import (
    REAL_CONTACT,
    FollowUp,
    GrowthRecord,
    Homework,
    LearningPlan,
    MonthlyAssessment,
    SatisfactionSurvey,
    TeacherSummary,
)
from .roles import SUPERVISORS

# --- the rules' numbers (seed 000 § 辅导中期, seed 003 §三.5–三.7 and §四) ---------------

# 每周每名客户至少沟通一次（除排课通知外）: the last 7 calendar days, today included
WEEK_DAYS = 7
# 第一次沟通工作应在接收档案的翌日完成 (the day students/ sets as AdvisorAssignment.first_call_due)
FIRST_CALL_AFTER = timedelta(days=1)
# 第一次上课前24小时，客服要打确认电话
CONFIRM_AHEAD = timedelta(hours=24)
# 续费要提前铺垫: at 30% of the lessons (bonus included) left (the package's renewal line,
# billing.models.RENEWAL_SHARE), or when the lessons already booked for the next four weeks
# would use up what is left
RENEWAL_HORIZON = timedelta(weeks=4)
# a renewal talk is not repeated within two weeks
RENEWAL_QUIET = timedelta(days=14)
# 成长记录一月两次
GROWTH_PER_MONTH = 2
# 正式进入课程安排两次课后要求教员做出学习计划
PLAN_AFTER_LESSONS = 2


def moment_of(day: date | None) -> datetime:
    """The moment a day's list is judged at: now for today, the end of any other day."""
    today = timezone.localdate()
    if day is None or day == today:
        return timezone.now()
    return day_start(day + timedelta(days=1)) - timedelta(microseconds=1)


# --- the follow-up log ----------------------------------------------------------------


def follow_ups_of(student: Student) -> QuerySet[FollowUp]:
    """A student's follow-ups, newest first: the student file's 回访 tab."""
    return FollowUp.objects.filter(student=student).select_related("by__user").order_by("-contacted_at", "-pk")


def follow_up_list(
    queryset: QuerySet[FollowUp],
    *,
    advisor: Staff | None = None,
    by: Staff | None = None,
    kind: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
) -> QuerySet[FollowUp]:
    """The log filtered: the student's advisor, who called (`by`), kind, local dates
    (inclusive) and the student's name."""
    if advisor is not None:
        queryset = queryset.filter(student__advisor=advisor)
    if by is not None:
        queryset = queryset.filter(by=by)
    if kind:
        queryset = queryset.filter(kind=kind)
    if date_from is not None:
        queryset = queryset.filter(contacted_at__gte=day_start(date_from))
    if date_to is not None:
        queryset = queryset.filter(contacted_at__lt=day_start(date_to + timedelta(days=1)))
    if q:
        queryset = queryset.filter(student__name__icontains=q[:50])
    return queryset.select_related("student", "by__user").order_by("-contacted_at", "-pk")


def students_followed_by(staff: Staff) -> QuerySet[Student]:
    """The students whose calls are `staff`'s to make or to watch: an advisor's own, the
    campus for a supervisor or principal, every campus for hq_admin, none for others."""
    if staff.role == Role.ADVISOR:
        return Student.objects.filter(advisor=staff)
    if staff.role in SUPERVISORS:
        return Student.objects.filter(campus_id=staff.campus_id)
    if staff.role == Role.HQ_ADMIN:
        return Student.objects.all()
    return Student.objects.none()


# --- the calls due ----------------------------------------------------------------------


RULE_LABELS = {
    "first_call": gettext_lazy("接档首次回访"),
    "pre_first_lesson": gettext_lazy("首课前 24 小时确认"),
    "after_first_lesson": gettext_lazy("首课后当天回访"),
    "weekly_contact": gettext_lazy("每周回访"),
    "renewal": gettext_lazy("续费沟通"),
}


# a Due's note, worded when it is shown: the supervisor's counts of thousands of calls owed
# never word theirs
worded = lazy(lambda word, *args: word(*args), str)


@dataclass(frozen=True)
class Due:
    """One call a rule says is owed: which rule, the follow-up kind that settles it, the
    day it fell due, and why (for the list; a lazy string, worded when shown)."""

    rule: str
    kind: str
    due_on: date
    note: str

    @property
    def label(self) -> str:
        return str(RULE_LABELS[self.rule])


@dataclass
class DueStudent:
    """A student with every call owed at `day`, most pressing first."""

    student: Student
    day: date
    items: list[Due] = field(default_factory=list)
    last_contact_at: datetime | None = None

    @property
    def first(self) -> Due:
        return self.items[0]

    @property
    def days_late(self) -> int:
        return days_late(self.items, self.day)

    @property
    def kinds(self) -> list[str]:
        return [d.kind for d in self.items]


def _since_handover() -> Coalesce:
    # a student never handed over counts from their file's creation
    return Coalesce("advisor_since", "created_at")


def _follow_ups(kind: str, at: datetime, since: OuterRef) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(student=OuterRef("pk"), kind=kind, contacted_at__gte=since, contacted_at__lte=at)


def first_call_due(students: QuerySet[Student], at: datetime) -> dict[int, Due]:
    """接档: the first call to the parent is due the day after the hand-over
    (AdvisorAssignment.first_call_due), late from the day after that. Done once a first_call
    follow-up by anyone is logged after the hand-over, or it was ticked off on the hand-over
    page (first_call_done_at) by `at`; logging a first_call follow-up ticks it off too."""
    day = local_day(at)
    assignments = (
        AdvisorAssignment.objects.filter(student__in=students, ended_at__isnull=True, first_call_due__lte=day)
        # ticked off later than `at` was still owed at `at` (a past day's list replays the same)
        .filter(Q(first_call_done_at__isnull=True) | Q(first_call_done_at__gt=at))
        .exclude(
            Exists(
                FollowUp.objects.filter(
                    student=OuterRef("student"),
                    kind=FollowUp.Kind.FIRST_CALL,
                    contacted_at__gte=OuterRef("assigned_at"),
                    contacted_at__lte=at,
                )
            )
        )
        .values_list("student_id", "first_call_due", "assigned_at")
    )
    return {
        student_id: Due("first_call", FollowUp.Kind.FIRST_CALL, due, worded(_first_call_note, assigned, due))
        for student_id, due, assigned in assignments
    }


def _first_call_note(assigned: datetime, due: date) -> str:
    return _("%(assigned)s 接档，首次回访须在 %(due)s 完成") % {
        "assigned": f"{timezone.localtime(assigned):%m-%d}", "due": f"{due:%m-%d}"
    }


def _with_first_lesson(students: QuerySet[Student]) -> QuerySet[Student]:
    """`first_starts` / `first_ends`: the student's first lesson that takes place (a lesson
    on leave or cancelled is not one)."""
    first = Lesson.objects.filter(student=OuterRef("pk"), status=Lesson.Status.SCHEDULED).order_by("starts_at", "pk")
    return students.annotate(
        first_starts=Subquery(first.values("starts_at")[:1]), first_ends=Subquery(first.values("ends_at")[:1])
    )


def pre_first_lesson_due(students: QuerySet[Student], at: datetime) -> dict[int, Due]:
    """第一次上课前24小时，客服要打确认电话: the first lesson starts within the next 24 hours
    and no pre_first_lesson follow-up was logged since the hand-over."""
    rows = (
        _with_first_lesson(students)
        .annotate(since=_since_handover())
        .filter(first_starts__gt=at, first_starts__lte=at + CONFIRM_AHEAD)
        .exclude(Exists(_follow_ups(FollowUp.Kind.PRE_FIRST_LESSON, at, OuterRef("since"))))
        .values_list("pk", "first_starts")
    )
    day = local_day(at)
    return {
        pk: Due("pre_first_lesson", FollowUp.Kind.PRE_FIRST_LESSON, day, worded(_pre_first_lesson_note, starts))
        for pk, starts in rows
    }


def _pre_first_lesson_note(starts: datetime) -> str:
    return _("首次上课 %(starts)s，请提前确认") % {"starts": f"{timezone.localtime(starts):%m-%d %H:%M}"}


def after_first_lesson_due(students: QuerySet[Student], at: datetime) -> dict[int, Due]:
    """第一次课后务必当天回访: once the first lesson has ended, an after_first_lesson follow-up
    is due that day (late from the next) until one is logged after the lesson began."""
    rows = (
        _with_first_lesson(students)
        .filter(first_ends__lte=at)
        .exclude(Exists(_follow_ups(FollowUp.Kind.AFTER_FIRST_LESSON, at, OuterRef("first_starts"))))
        .values_list("pk", "first_starts")
    )
    return {
        pk: Due(
            "after_first_lesson", FollowUp.Kind.AFTER_FIRST_LESSON, local_day(starts),
            worded(_after_first_lesson_note, starts),
        )
        for pk, starts in rows
    }


def _after_first_lesson_note(starts: datetime) -> str:
    return _("%(starts)s 首次上课，课后当天回访") % {"starts": f"{timezone.localtime(starts):%m-%d %H:%M}"}


def contact_window_start(day: date) -> datetime:
    """The start of "the last 7 days" judged on `day`: the day six days before, at 0:00.
    A family last contacted on day − 7 is due on `day`; on day − 6, not yet."""
    return day_start(day - timedelta(days=WEEK_DAYS - 1))


def with_last_contact(students: QuerySet[Student], at: datetime) -> QuerySet[Student]:
    """`last_contact_at`: the latest real contact (not a schedule notice) up to `at`: a
    follow-up, or a first call ticked off on the hand-over page (students'
    AdvisorAssignment.first_call_done_at), which is a call to the family as well."""
    latest = FollowUp.objects.filter(REAL_CONTACT, student=OuterRef("pk"), contacted_at__lte=at).order_by(
        "-contacted_at"
    )
    ticked = AdvisorAssignment.objects.filter(student=OuterRef("pk"), first_call_done_at__lte=at).order_by(
        "-first_call_done_at"
    )
    return students.annotate(
        logged_at=Subquery(latest.values("contacted_at")[:1]),
        ticked_at=Subquery(ticked.values("first_call_done_at")[:1]),
    ).annotate(
        # Greatest is NULL when either is (SQLite and PostgreSQL alike): each falls back on the other
        last_contact_at=Greatest(Coalesce("logged_at", "ticked_at"), Coalesce("ticked_at", "logged_at"))
    )


def students_without_contact(students: QuerySet[Student], at: datetime) -> QuerySet[Student]:
    """Students with no real contact in the last 7 days judged at `at` (a student never
    contacted included), annotated with `last_contact_at` and `since` (the hand-over).
    The latest contact up to `at` is before the window exactly when none falls in
    [window start, at]: two index lookups a student instead of the latest contact's."""
    start = contact_window_start(local_day(at))
    logged = FollowUp.objects.filter(REAL_CONTACT, student=OuterRef("pk"), contacted_at__gte=start, contacted_at__lte=at)
    ticked = AdvisorAssignment.objects.filter(
        student=OuterRef("pk"), first_call_done_at__gte=start, first_call_done_at__lte=at
    )
    return with_last_contact(students.exclude(Exists(logged)).exclude(Exists(ticked)), at).annotate(
        since=_since_handover()
    )


def weekly_contact_due(students: QuerySet[Student], at: datetime) -> dict[int, Due]:
    """每周每名客户至少沟通一次（除排课通知外）: due 7 days after the last real contact; a
    student never contacted is due at once, and late from the day after the hand-over."""
    result = {}
    rows = students_without_contact(students, at).values_list("pk", "logged_at", "ticked_at", "since")
    for pk, logged, ticked, since in rows:
        # last_contact_at, the later of the two (the one there is, when only one is)
        last = max((t for t in (logged, ticked) if t is not None), default=None)
        if last is None:
            # the family is first called the day after the hand-over (the first call's day)
            due, note = local_day(since) + FIRST_CALL_AFTER, worded(_, "接档后尚未联系过家长")
        else:
            due, note = local_day(last) + timedelta(days=WEEK_DAYS), worded(_weekly_contact_note, last)
        result[pk] = Due("weekly_contact", FollowUp.Kind.REGULAR, due, note)
    return result


def _weekly_contact_note(last: datetime) -> str:
    return _("上次联系 %(last)s，每周至少联系一次") % {"last": f"{timezone.localtime(last):%m-%d}"}


def group_sessions_of(
    students: QuerySet[Student] | Iterable[int], start: datetime, end: datetime
) -> list[tuple[int, int]]:
    """(student id, subject id) of each group session taking place in [start, end) for
    each member of its class among `students`."""
    members: dict[int, list[int]] = {}
    for group_id, student_id in GroupMember.objects.filter(student__in=students).values_list("group_id", "student_id"):
        members.setdefault(group_id, []).append(student_id)
    sessions = GroupSession.objects.filter(
        group_id__in=members, status=Lesson.Status.SCHEDULED, starts_at__gte=start, starts_at__lt=end
    ).values_list("group_id", "group__subject_id")
    return [(student_id, subject_id) for group_id, subject_id in sessions for student_id in members[group_id]]


def _active_packages(students: QuerySet[Student], day: date) -> QuerySet[LessonPackage]:
    # LessonPackage.status_on(day) == active, in SQL
    return LessonPackage.objects.filter(
        student__in=students,
        refunded_at__isnull=True,
        lessons_left__gt=0,
        valid_until__gte=day,
        lessons_used__lt=F("lessons") + F("bonus_lessons"),
    )


def renewal_share_reached(package: LessonPackage) -> bool:
    """≤ 30% of the package's lessons (bonus included) left: at its renewal line."""
    return package.lessons_left <= package.renewal_line


def _rows_of(queryset: QuerySet) -> Coalesce:
    """How many rows `queryset` (correlated with OuterRef) holds, as a subquery."""
    return Coalesce(Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")), 0)


def _may_be_due(packages: QuerySet[LessonPackage], at: datetime) -> QuerySet[LessonPackage]:
    """The packages of `packages` that `renewal_due` judges (annotated `threshold`, the
    renewal line): those at the line, and those with no more lessons left than their student
    has lessons and group sessions booked in the next four weeks (all of them, whatever
    package they draw on: `_booked_ahead` counts those exactly). Any other package is
    neither, and stays in the database."""
    end = at + RENEWAL_HORIZON
    lessons = Lesson.objects.filter(
        student=OuterRef("student_id"), status=Lesson.Status.SCHEDULED, starts_at__gte=at, starts_at__lt=end
    )
    sessions = GroupSession.objects.filter(
        group__members__student=OuterRef("student_id"), status=Lesson.Status.SCHEDULED, starts_at__gte=at,
        starts_at__lt=end,
    )
    return packages.annotate(threshold=renewal_line_in_sql(), ahead=_rows_of(lessons) + _rows_of(sessions)).filter(
        Q(lessons_left__lte=F("threshold")) | Q(lessons_left__lte=F("ahead"))
    )


def _booked_ahead(packages: list[LessonPackage], students: QuerySet[Student], at: datetime) -> dict[int, int]:
    """Per package (each a package of one of `students`), the lessons booked in the next
    four weeks that will draw on it: the 1-on-1 lessons tied to it, or untied ones of its
    subject; the sessions of its subject's group classes for a group package."""
    end = at + RENEWAL_HORIZON
    lessons_of: dict[int, list[tuple[int | None, int]]] = defaultdict(list)
    for student_id, package_id, subject_id in Lesson.objects.filter(
        student__in=students, status=Lesson.Status.SCHEDULED, starts_at__gte=at, starts_at__lt=end
    ).values_list("student_id", "package_id", "subject_id"):
        lessons_of[student_id].append((package_id, subject_id))
    sessions_of: dict[int, list[int]] = defaultdict(list)
    for student_id, subject_id in group_sessions_of(students, at, end):
        sessions_of[student_id].append(subject_id)

    def same_subject(package: LessonPackage, subject_id: int) -> bool:
        return package.subject_id is None or package.subject_id == subject_id

    booked: dict[int, int] = {}
    for p in packages:
        if p.kind == LessonPackage.Kind.GROUP:
            booked[p.pk] = sum(1 for subj in sessions_of[p.student_id] if same_subject(p, subj))
        else:
            booked[p.pk] = sum(
                1
                for package_id, subj in lessons_of[p.student_id]
                if package_id == p.pk or (package_id is None and same_subject(p, subj))
            )
    return booked


def renewal_due(students: QuerySet[Student], at: datetime) -> dict[int, Due]:
    """续费要提前铺垫: an active package with ≤ 30% of its lessons (bonus included) left, or
    whose lessons left the lessons booked for the next four weeks would use up; and no
    renewal talk in the last 14 days. Due since the lesson that brought it to 30% (or today,
    for the booked lessons), and never sooner than 14 days after the last renewal talk."""
    day = local_day(at)
    last_talk = FollowUp.objects.filter(
        student=OuterRef("student"), kind=FollowUp.Kind.RENEWAL, contacted_at__lte=at
    ).order_by("-contacted_at")
    packages = list(
        _may_be_due(_active_packages(students, day), at)
        .annotate(last_talk_at=Subquery(last_talk.values("contacted_at")[:1]))
        .filter(Q(last_talk_at__isnull=True) | Q(last_talk_at__lte=at - RENEWAL_QUIET))
        .order_by("student_id", "valid_until", "pk")
        .only(
            "student_id", "kind", "subject_id", "course", "lessons", "bonus_lessons", "lessons_left", "line_reached_at"
        )
    )
    if not packages:
        return {}
    booked = _booked_ahead(packages, students, at)
    result: dict[int, Due] = {}
    for p in packages:
        by_share = renewal_share_reached(p)
        by_rate = booked[p.pk] >= p.lessons_left
        if not (by_share or by_rate):
            continue
        due = local_day(p.line_reached_at) if by_share and p.line_reached_at else day
        if p.last_talk_at is not None:
            due = max(due, local_day(p.last_talk_at + RENEWAL_QUIET))
        note = _("%(course)s 剩 %(left)s/%(total)s 课时") % {
            "course": p.course, "left": p.lessons_left, "total": p.total_lessons
        }
        if by_rate:
            note += _("，未来 4 周已排 %(booked)s 节") % {"booked": booked[p.pk]}
        earlier = result.get(p.student_id)
        if earlier is not None:
            note = f"{earlier.note}；{note}"
            due = min(due, earlier.due_on)
        result[p.student_id] = Due("renewal", FollowUp.Kind.RENEWAL, due, note)
    return result


# The rules, most pressing first: a student owing several calls is listed once, with the
# first of these preset in the form.
RULES: list[Callable[[QuerySet[Student], datetime], dict[int, Due]]] = [
    first_call_due,
    after_first_lesson_due,
    pre_first_lesson_due,
    renewal_due,
    weekly_contact_due,
]


def _calls_owed(students: QuerySet[Student], at: datetime) -> dict[int, list[Due]]:
    """Per student of `students` owing a call at `at`, what every rule says is owed."""
    found: dict[int, list[Due]] = {}
    for rule in RULES:
        for pk, due in rule(students, at).items():
            found.setdefault(pk, []).append(due)
    return found


def days_late(items: list[Due], day: date) -> int:
    """How late the most overdue of `items` is on `day` (0: none is late)."""
    return max(0, max((day - d.due_on).days for d in items))


def due_students(students: QuerySet[Student], at: datetime) -> list[DueStudent]:
    """Every student of `students` owing a call at `at`, the latest first."""
    found = _calls_owed(students, at)
    if not found:
        return []
    rows = (
        with_last_contact(Student.objects.filter(pk__in=found), at)
        .select_related("advisor__user")
        .prefetch_related("guardians")
    )
    day = local_day(at)
    result = [DueStudent(student=s, day=day, items=found[s.pk], last_contact_at=s.last_contact_at) for s in rows]
    return sorted(result, key=lambda r: (-r.days_late, r.student.name, r.student.pk))


def due_items_for(staff: Staff, day: date | None = None, *, at: datetime | None = None) -> list[DueStudent]:
    """The calls `staff` owes or oversees on `day` (default today): the landing page's
    to-do list and the advisor's day (工作台)."""
    return due_students(students_followed_by(staff), at or moment_of(day))


@dataclass
class AdvisorLoad:
    """How late one advisor's calls run: the supervisor's view."""

    advisor: Staff
    due: int = 0
    overdue: int = 0
    oldest_days_late: int = 0


def advisor_loads(advisors: Iterable[Staff], at: datetime) -> list[AdvisorLoad]:
    """For each advisor: students owing a call, how many of them late, the oldest lateness."""
    loads = {a.pk: AdvisorLoad(advisor=a) for a in advisors}
    students = Student.objects.filter(advisor_id__in=loads)
    found = _calls_owed(students, at)
    day = local_day(at)
    # counts only: the students' advisors, not their files
    for pk, advisor_id in students.values_list("pk", "advisor_id"):
        if pk not in found:
            continue
        late = days_late(found[pk], day)
        load = loads[advisor_id]
        load.due += 1
        if late > 0:
            load.overdue += 1
            load.oldest_days_late = max(load.oldest_days_late, late)
    return sorted(loads.values(), key=lambda x: (-x.oldest_days_late, -x.overdue, -x.due, x.advisor.username))


def advisors_of(campus: Campus | None) -> QuerySet[Staff]:
    qs = Staff.objects.filter(role=Role.ADVISOR, user__is_active=True).select_related("user", "campus")
    if campus is not None:
        qs = qs.filter(campus=campus)
    return qs.order_by("campus__code", "user__username")


# --- monthly records --------------------------------------------------------------------


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = month.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return day_start(start), day_start(following)


def students_taught_by(teacher: Staff) -> QuerySet[Student]:
    """The students a teacher teaches: a lesson with them that takes place, or a place in
    one of their group classes."""
    return Student.objects.filter(
        Q(Exists(Lesson.objects.filter(student=OuterRef("pk"), teacher=teacher, status=Lesson.Status.SCHEDULED)))
        | Q(Exists(GroupSession.objects.filter(group__members__student=OuterRef("pk"), teacher=teacher)))
    )


def record_students_for(staff: Staff) -> QuerySet[Student]:
    """Whose monthly records `staff` keeps: a teacher their pupils, an advisor their own
    students, the dean, CS supervisor and principal the campus, hq_admin every campus."""
    if staff.role == Role.TEACHER:
        return students_taught_by(staff)
    if staff.role == Role.ADVISOR:
        return Student.objects.filter(advisor=staff)
    if staff.role in (Role.DEAN, *SUPERVISORS):
        return Student.objects.filter(campus_id=staff.campus_id)
    if staff.role == Role.HQ_ADMIN:
        return Student.objects.all()
    return Student.objects.none()


@dataclass
class MonthRow:
    """One student's month of records: the subjects of their lessons, what is there and
    what is missing."""

    student: Student
    subjects: list[Subject]
    assessments_missing: list[Subject]
    plan_done: bool
    plan_due: bool
    growth_records: int
    survey_done: bool = False
    homework_open: int = 0

    @property
    def plan_missing(self) -> bool:
        return self.plan_due and not self.plan_done

    @property
    def growth_missing(self) -> int:
        return max(0, GROWTH_PER_MONTH - self.growth_records)

    @property
    def anything_missing(self) -> bool:
        return bool(self.assessments_missing) or self.plan_missing or self.growth_missing > 0


def subjects_in_month(students: QuerySet[Student], month: date) -> dict[int, set[int]]:
    """Per student, the subjects of their lessons (and group sessions) in `month` that take place."""
    start, end = month_bounds(month)
    found: dict[int, set[int]] = {}
    for student_id, subject_id in Lesson.objects.filter(
        student__in=students, status=Lesson.Status.SCHEDULED, starts_at__gte=start, starts_at__lt=end
    ).values_list("student_id", "subject_id"):
        found.setdefault(student_id, set()).add(subject_id)
    for student_id, subject_id in group_sessions_of(students, start, end):
        found.setdefault(student_id, set()).add(subject_id)
    return found


def plan_due(lessons_so_far: int) -> bool:
    """A learning plan is due each month once the student has had their first two lessons."""
    return lessons_so_far >= PLAN_AFTER_LESSONS


def month_overview(students: QuerySet[Student], month: date) -> list[MonthRow]:
    """The month of each student of `students` who has lessons in it, by name: an assessment
    per subject of those lessons, the learning plan (due once two lessons were had), the
    growth records, the survey and the homework still to check."""
    month = month.replace(day=1)
    _start, end = month_bounds(month)
    subjects = subjects_in_month(students, month)
    if not subjects:
        return []
    # each query reads the students as a subquery: a chain's audit passes 100,000 of them
    ids = students.values("pk")
    assessed: dict[int, set[int]] = {}
    for student_id, subject_id in MonthlyAssessment.objects.filter(
        student_id__in=ids, month=month
    ).values_list("student_id", "subject_id"):
        assessed.setdefault(student_id, set()).add(subject_id)
    planned = set(LearningPlan.objects.filter(student_id__in=ids, month=month).values_list("student_id", flat=True))
    surveyed = set(
        SatisfactionSurvey.objects.filter(student_id__in=ids, month=month).values_list("student_id", flat=True)
    )
    growth = Counter(GrowthRecord.objects.filter(student_id__in=ids, month=month).values_list("student_id", flat=True))
    open_homework = Counter(
        Homework.objects.filter(student_id__in=ids, checked_at__isnull=True).values_list("student_id", flat=True)
    )
    lessons_had = Counter(
        Lesson.objects.filter(
            student_id__in=ids, status=Lesson.Status.SCHEDULED, starts_at__lt=end
        ).values_list("student_id", flat=True)
    )
    names = {s.pk: s for s in Subject.objects.filter(pk__in={i for taught in subjects.values() for i in taught})}
    rows = []
    for student in Student.objects.filter(pk__in=ids).select_related("advisor__user").order_by("name", "pk"):
        if student.pk not in subjects:
            continue
        taught = sorted((names[i] for i in subjects[student.pk]), key=lambda s: s.name)
        rows.append(
            MonthRow(
                student=student,
                subjects=taught,
                assessments_missing=[s for s in taught if s.pk not in assessed.get(student.pk, set())],
                plan_done=student.pk in planned,
                plan_due=plan_due(lessons_had[student.pk]),
                growth_records=growth[student.pk],
                survey_done=student.pk in surveyed,
                homework_open=open_homework[student.pk],
            )
        )
    return rows


def records_missing(students: QuerySet[Student], month: date) -> list[MonthRow]:
    """月度缺漏: the students of `students` having lessons in `month` whose month lacks an
    assessment of a subject they had lessons in, the learning plan (once two lessons were
    had), or one of its two growth records."""
    return [row for row in month_overview(students, month) if row.anything_missing]


def student_month(student: Student, month: date) -> dict[str, Any]:
    """Everything of one student's month: the page of their monthly records."""
    month = month.replace(day=1)
    start, end = month_bounds(month)
    subject_ids = subjects_in_month(Student.objects.filter(pk=student.pk), month).get(student.pk, set())
    assessments = list(
        MonthlyAssessment.objects.filter(student=student, month=month).select_related(
            "subject", "by__user", "shared_by__user"
        )
    )
    assessed = {a.subject_id for a in assessments}
    return {
        "subjects": list(Subject.objects.filter(pk__in=subject_ids).order_by("name")),
        "assessments": assessments,
        "unassessed": list(Subject.objects.filter(pk__in=subject_ids - assessed).order_by("name")),
        "plan": LearningPlan.objects.filter(student=student, month=month).select_related("by__user").first(),
        "growth": list(GrowthRecord.objects.filter(student=student, month=month).select_related("by__user").order_by("half")),
        # the month's homework, and any set earlier still waiting to be checked
        "homework": list(
            Homework.objects.filter(student=student, set_at__lt=end)
            .filter(Q(set_at__gte=start) | Q(checked_at__isnull=True))
            .select_related("subject", "set_by__user", "checked_by__user", "shown_by__user")
        ),
        "summaries": list(
            TeacherSummary.objects.filter(
                student=student, period_start__lt=local_day(end), period_end__gte=month
            ).select_related("subject", "by__user")
        ),
        "survey": SatisfactionSurvey.objects.filter(student=student, month=month)
        .select_related("by__user")
        .prefetch_related("answers__question")
        .first(),
    }
