"""The penalty audit (API.md § Staff rules; seed 000 辅导中期 §1–8): what can be found from
the records, judged for a day. `run_audit(day=D)` judges the last full ISO week (Monday to
Sunday) that ended before D for the weekly rule, and the last full calendar month that
ended before D for the monthly ones; each incident is dated the last day of its period and
keyed by rule, person, student, subject and period (`Incident.audit_key`, unique), so a
second run for any day of the same periods creates nothing.

A student counts for an advisor from the first full week (month) after the hand-over
(接档) and while the advisor holds them through the whole period (`AdvisorAssignment`)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Avg, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from billing.models import LessonPackage
from billing.pricing import unit_price
from core.dates import day_start
from core.models import Staff, Subject
from core.money import ZERO, money
from scheduling.models import Attendance, GroupMember, GroupSession, Lesson, TeacherChange
from students.models import AdvisorAssignment, Student

from .. import selectors
from ..models import REAL_CONTACT, FollowUp, Refund, RuleCode, SatisfactionSurvey, SpotCheck
from .penalties import AuditCharge, audit_charge

LOW_SATISFACTION = 2  # a score of 2 or less (满意度低及不满意)
TEACHER_CHANGES = 3  # 单科目3次以上不满意的退费
REFUND_RULES = {"scheduling": RuleCode.SCHEDULING_REFUND, "teacher_change": RuleCode.TEACHER_CHANGE_REFUND}


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    key: str

    @property
    def start(self) -> datetime:
        return day_start(self.first)

    @property
    def end(self) -> datetime:
        return day_start(self.last + timedelta(days=1))


def judged_week(day: date) -> Period:
    """The last full ISO week that ended before `day` (a Monday judges the week just ended)."""
    last = day - timedelta(days=day.isoweekday())
    first = last - timedelta(days=6)
    year, week, _ = first.isocalendar()
    return Period(first, last, f"{year}-W{week:02d}")


def judged_month(day: date) -> Period:
    """The last full calendar month that ended before `day`."""
    last = day.replace(day=1) - timedelta(days=1)
    return Period(last.replace(day=1), last, f"{last:%Y-%m}")


def _held(period: Period) -> QuerySet[AdvisorAssignment]:
    return AdvisorAssignment.objects.filter(assigned_at__lt=period.start).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=period.end)
    )


def held_through(period: Period) -> dict[int, Staff]:
    """Per student, the advisor who held them from before the period began to its end."""
    held = dict(_held(period).values_list("student_id", "advisor_id"))
    # one Staff object an advisor, however many students they hold
    advisors = Staff.objects.select_related("campus", "supervisor").in_bulk(set(held.values()))
    return {student_id: advisors[advisor_id] for student_id, advisor_id in held.items()}


def students_held_through(period: Period) -> QuerySet[Student]:
    """The students `held_through` gives an advisor for, as a query."""
    return Student.objects.filter(pk__in=_held(period).values("student_id"))


def holder_at(student_id: int, at: datetime) -> Staff | None:
    """The advisor holding a student at a moment."""
    found = (
        AdvisorAssignment.objects.filter(student_id=student_id, assigned_at__lte=at)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at))
        .select_related("advisor__campus", "advisor__supervisor")
        .order_by("-assigned_at")
        .first()
    )
    return found.advisor if found else None


def counted_follow_ups() -> "Q":
    """A follow-up that counts: a real contact not found false on a spot-check."""
    return REAL_CONTACT & ~Q(spot_check__result=SpotCheck.Result.FALSE)


def _key(code: str, staff: Staff, period: str, student_id: int | None = None, subject_id: int | None = None) -> str:
    return f"{code}:{staff.pk}:{student_id or '-'}:{subject_id or '-'}:{period}"


class _Run:
    """The charges one audit finds, applied together at the end (`audit_charge`)."""

    def __init__(self, by: Staff | None):
        self.by = by
        self.charges: list[AuditCharge] = []

    def charge(
        self, code: str, staff: Staff, period: Period, student_id: int | None, *, subject_id: int | None = None,
        key_period: str | None = None, value: Decimal | None = None, note: str = "",
    ) -> None:
        self.charges.append(AuditCharge(
            staff=staff, rule_code=code, occurred_on=period.last,
            audit_key=_key(code, staff, key_period or period.key, student_id, subject_id),
            student_id=student_id, subject_id=subject_id, period=period.key, value=value, note=note,
        ))


def _weekly_contact(run: _Run, week: Period) -> None:
    """每周每名客户至少沟通一次（除排课通知外）."""
    held = held_through(week)
    students = _held(week).values("student_id")
    contacted = set(
        FollowUp.objects.filter(counted_follow_ups(), student_id__in=students, contacted_at__gte=week.start,
                                contacted_at__lt=week.end).values_list("student_id", flat=True)
    ) | set(
        AdvisorAssignment.objects.filter(
            student_id__in=students, first_call_done_at__gte=week.start, first_call_done_at__lt=week.end
        ).values_list("student_id", flat=True)
    )
    for student_id in sorted(held.keys() - contacted):
        run.charge(RuleCode.WEEKLY_CONTACT, held[student_id], week, student_id)


def _monthly_records(run: _Run, month: Period) -> None:
    """月测评 per subject of the month's lessons; 辅导计划 once two lessons were had."""
    held = held_through(month)
    for row in selectors.month_overview(students_held_through(month), month.first):
        advisor = held[row.student.pk]
        for subject in row.assessments_missing:
            run.charge(RuleCode.MONTHLY_ASSESSMENT, advisor, month, row.student.pk, subject_id=subject.pk)
        if row.plan_missing:
            run.charge(RuleCode.MONTHLY_PLAN, advisor, month, row.student.pk)


def _low_satisfaction(run: _Run, month: Period) -> None:
    """客服电话调查：满意度低及不满意 — a follow-up scored ≤ 2, or the month's survey
    averaging ≤ 2; charged to the advisor holding the student then, once a student and month."""
    found: dict[int, datetime] = {}
    for student_id, at in FollowUp.objects.filter(
        counted_follow_ups(), satisfaction__lte=LOW_SATISFACTION, contacted_at__gte=month.start,
        contacted_at__lt=month.end,
    ).order_by("contacted_at").values_list("student_id", "contacted_at"):
        found.setdefault(student_id, at)
    for student_id in (
        SatisfactionSurvey.objects.filter(month=month.first)
        .annotate(avg=Avg("answers__score"))
        .filter(avg__lte=LOW_SATISFACTION)
        .values_list("student_id", flat=True)
    ):
        found.setdefault(student_id, month.end - timedelta(seconds=1))
    for student_id, at in sorted(found.items()):
        advisor = holder_at(student_id, at)
        if advisor is not None:
            run.charge(RuleCode.LOW_SATISFACTION, advisor, month, student_id)


def _refunds(run: _Run, month: Period) -> None:
    """Refunds paid in the month: for scheduling (排课原因) or an unmet teacher change
    (更换教师未满足), and after three or more teacher changes in one subject."""
    paid = Refund.objects.filter(status=Refund.Status.PAID, paid_at__gte=month.start, paid_at__lt=month.end,
                                 advisor__isnull=False).select_related(
        "advisor__campus", "advisor__supervisor", "category", "package"
    )
    for refund in paid.order_by("paid_at", "pk"):
        key = f"{month.key}/refund{refund.pk}"
        code = REFUND_RULES.get(refund.category.code if refund.category else "")
        if code:
            run.charge(code, refund.advisor, month, refund.student_id, key_period=key)
        changes = TeacherChange.objects.filter(student_id=refund.student_id, created_at__lte=refund.paid_at)
        if refund.package.subject_id:
            changes = changes.filter(subject_id=refund.package.subject_id)
        counts: dict[int, int] = defaultdict(int)
        for subject_id in changes.values_list("subject_id", flat=True):
            counts[subject_id] += 1
        for subject_id, n in sorted(counts.items()):
            if n >= TEACHER_CHANGES:
                run.charge(RuleCode.FREQUENT_TEACHER_CHANGE, refund.advisor, month, refund.student_id,
                           subject_id=subject_id, key_period=key, note=f"{Subject.objects.get(pk=subject_id)} 更换 {n} 次")


def _balance_at(package: LessonPackage, at: datetime) -> int:
    entry = package.ledger.filter(occurred_at__lte=at).order_by("-occurred_at", "-pk").first()
    return entry.balance_after if entry else 0


def _nothing_left(candidates: list[LessonPackage], at: datetime) -> bool:
    """Whether a lesson at `at` had nothing to deduct: there were packages that could pay
    for it, and none had a lesson left (a student with none at all is on a trial)."""
    return bool(candidates) and all(_balance_at(p, at) == 0 for p in candidates)


def _packages_of(student_id: int, kind: str, lesson_kind: str, at: datetime) -> list[LessonPackage]:
    """The student's packages of a kind bought before `at`, the one expiring last first."""
    return list(
        LessonPackage.objects.filter(
            student_id=student_id, kind=kind, lesson_kind=lesson_kind, created_at__lte=at
        ).order_by("-valid_until", "-pk")
    )


def overused_lessons(month: Period) -> dict[int, list[tuple[datetime, LessonPackage]]]:
    """课时上超: per student, the lessons of the month that took place without a deduction
    while nothing was left to deduct, each (its start, the package it is valued at):
    - a 1-on-1 lesson still scheduled (not on leave, moved or cancelled) and over, with no
      check-in, whose own package — else every package of its kind — had nothing left;
    - a group session held (not cancelled, over) for a member of its class (joined before
      it) with no check-in on it, whose class package — else every group package — had
      nothing left.
    Valued at that package (the one expiring last when several)."""
    end = min(month.end, timezone.now())
    found: dict[int, list[tuple[datetime, LessonPackage]]] = defaultdict(list)
    lessons = (
        Lesson.objects.filter(status=Lesson.Status.SCHEDULED, ends_at__gte=month.start, ends_at__lt=end)
        .filter(~Exists(Attendance.objects.filter(lesson_id=OuterRef("pk"))))
        .select_related("package")
        .order_by("starts_at", "pk")
    )
    for lesson in lessons:
        candidates = [lesson.package] if lesson.package_id else _packages_of(
            lesson.student_id, LessonPackage.Kind.ONE_ON_ONE, lesson.lesson_kind, lesson.starts_at
        )
        if _nothing_left(candidates, lesson.starts_at):
            found[lesson.student_id].append((lesson.starts_at, candidates[0]))
    sessions = GroupSession.objects.filter(
        status=Lesson.Status.SCHEDULED, ends_at__gte=month.start, ends_at__lt=end
    ).order_by("starts_at", "pk")
    for session in sessions:
        checked_in = set(Attendance.objects.filter(session=session).values_list("student_id", flat=True))
        members = GroupMember.objects.filter(group_id=session.group_id, joined_at__lte=session.starts_at).exclude(
            student_id__in=checked_in
        ).select_related("package")
        for member in members:
            candidates = [member.package] if member.package_id else _packages_of(
                member.student_id, LessonPackage.Kind.GROUP, LessonPackage.LessonKind.MAIN, session.starts_at
            )
            if _nothing_left(candidates, session.starts_at):
                found[member.student_id].append((session.starts_at, candidates[0]))
    return found


def _lessons_overused(run: _Run, month: Period) -> None:
    """班主任扣除超出的课时费用，教务主管与分校长连带每次处罚50元."""
    for student_id, lessons in sorted(overused_lessons(month).items()):
        advisor = holder_at(student_id, max(start for start, _package in lessons))
        if advisor is None:
            continue
        value = money(sum((unit_price(p.price, p.lessons) for _start, p in lessons), ZERO))
        run.charge(RuleCode.LESSONS_OVERUSED, advisor, month, student_id, value=value,
                   note=f"超出 {len(lessons)} 课时")


def run_audit(*, day: date | None = None, by: Staff | None = None) -> int:
    """Judge the periods of `day` (default today) and charge what is missing; returns the
    number of incidents created, joint ones included. Safe to run again: what was charged
    for a period is found and not charged twice."""
    day = day or timezone.localdate()
    run = _Run(by)
    week, month = judged_week(day), judged_month(day)
    _weekly_contact(run, week)
    _monthly_records(run, month)
    _low_satisfaction(run, month)
    _refunds(run, month)
    _lessons_overused(run, month)
    return audit_charge(charges=run.charges, by=run.by)

