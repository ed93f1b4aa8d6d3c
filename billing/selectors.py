"""Read-only queries of billing: payment records, the parent statement, the low-stock list."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Count, F, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import day_start
from core.errors import InvalidInput
from core.models import Campus, Staff, Subject
from core.money import money
from core.scoping import get_scoped_or_404
from students.models import Student

from .models import RENEWAL_SHARE, GoodsItem, LedgerEntry, LessonPackage, Payment


def subject_by_name(name: str | None) -> Subject | None:
    if not name or not name.strip():
        return None
    subject = Subject.objects.filter(name=name.strip()).first()
    if subject is None:
        raise InvalidInput(f"没有名为 {name} 的科目", {"subject": "不存在"})
    return subject


def payments_filter(
    payments: QuerySet[Payment],
    *,
    student_id: int | None = None,
    course: str | None = None,
    purpose: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Payment]:
    """Payment records by student, class/course (the package's course) and a range of
    local dates, both ends included; newest first."""
    if student_id:
        payments = payments.filter(student_id=student_id)
    if course:
        payments = payments.filter(package__course__icontains=course.strip())
    if purpose:
        payments = payments.filter(purpose=purpose)
    if date_from:
        payments = payments.filter(paid_at__gte=day_start(date_from))
    if date_to:
        payments = payments.filter(paid_at__lt=day_start(date_to + timedelta(days=1)))
    return payments.select_related("campus", "student", "package", "created_by__user").order_by("-paid_at", "-pk")


def packages_owing(campus: Campus) -> QuerySet[LessonPackage]:
    """待收学费: the packages of `campus` not refunded whose price is not paid in full, the
    soonest to expire first."""
    return (
        LessonPackage.objects.filter(campus=campus, refunded_at__isnull=True, paid__lt=F("price"))
        .select_related("student")
        .order_by("valid_until", "pk")
    )


def payments_total(payments: QuerySet[Payment]) -> dict:
    return payments.aggregate(total=Sum("amount"))


@dataclass
class TotalRow:
    """One line of the totals: what it counts, how many records and their net sum."""

    label: str
    count: int
    total: Decimal


# How finance reads the money: tuition apart from card deposits (money held and given back),
# card fees and goods. Each group nets what it paid out (a refund) against what it took.
PURPOSE_GROUPS: tuple[tuple[str, frozenset[str]], ...] = (
    (_("学费（课时费，扣除退费）"), frozenset({Payment.Purpose.PACKAGE, Payment.Purpose.PACKAGE_REFUND})),
    (_("学员卡押金（收取扣除退还）"), frozenset({Payment.Purpose.CARD_DEPOSIT, Payment.Purpose.CARD_DEPOSIT_REFUND})),
    (_("补卡工本费"), frozenset({Payment.Purpose.CARD_FEE})),
    (_("商品销售"), frozenset({Payment.Purpose.GOODS_SALE})),
    (_("其他收费"), frozenset({Payment.Purpose.OTHER})),
)


def _sums(payments: QuerySet[Payment], key: str) -> dict[str, tuple[int, Decimal]]:
    rows = payments.order_by().values(key).annotate(n=Count("pk"), total=Sum("amount"))
    return {row[key]: (row["n"], money(row["total"] or 0)) for row in rows}


def payments_by_method(payments: QuerySet[Payment]) -> list[TotalRow]:
    """The records' net sum per payment method (cash, card, WeChat, Alipay, transfer), every
    method listed, so the cash drawer and each account can be checked against it."""
    sums = _sums(payments, "method")
    return [TotalRow(str(label), *sums.get(value, (0, money(0)))) for value, label in Payment.Method.choices]


def payments_by_purpose(payments: QuerySet[Payment]) -> list[TotalRow]:
    """The records' net sum per group of purposes (PURPOSE_GROUPS): tuition, card deposits,
    card fees, goods, other."""
    sums = _sums(payments, "purpose")
    rows = []
    for label, purposes in PURPOSE_GROUPS:
        parts = [sums.get(p, (0, money(0))) for p in purposes]
        rows.append(TotalRow(str(label), sum(n for n, _total in parts), money(sum(t for _n, t in parts))))
    return rows


def scoped_package_or_404(staff_or_request: Staff | HttpRequest, pk: Any) -> LessonPackage:
    """The package `pk` of the caller's campus (hq_admin: any campus), with what its page
    shows (campus, student, subject, seller); another campus's is the same Http404 as none."""
    queryset = LessonPackage.objects.select_related("campus", "student", "subject", "created_by__user")
    return get_scoped_or_404(staff_or_request, queryset, pk)


def student_packages(student: Student) -> QuerySet[LessonPackage]:
    return LessonPackage.objects.filter(student=student).select_related("campus", "subject").order_by("valid_until", "pk")


@dataclass
class StatementRow:
    """One line of the parent statement (课时对账单)."""

    entry: LedgerEntry
    course: str
    lesson: str
    teacher: str
    what: str
    why: str
    balance_after: int

    @property
    def occurred_at(self) -> datetime:
        return timezone.localtime(self.entry.occurred_at)

    @property
    def lessons(self) -> int:
        return self.entry.lessons


def _attendance_of(entry: LedgerEntry):
    # A check-in (scheduling's Attendance) points at the `used` entry it consumed; billing
    # reads that reverse link without importing scheduling.
    try:
        return entry.attendance
    except (ObjectDoesNotExist, AttributeError):
        return None


def statement_rows(student: Student) -> list[StatementRow]:
    """Every ledger entry of every package of `student` in the order they were recorded
    (so each balance follows from the line before; a replayed offline swipe keeps its own
    time), with the lesson and teacher when a check-in consumed it: the answer to
    "why was this one deducted"."""
    entries = (
        LedgerEntry.objects.filter(package__student=student)
        .select_related("package", "created_by__user", "reverses")
        .order_by("pk")
    )
    related = ["attendance", "attendance__lesson", "attendance__lesson__teacher__user", "attendance__lesson__subject"]
    if hasattr(LedgerEntry, "attendance"):
        entries = entries.select_related(*related)
    rows: list[StatementRow] = []
    for entry in entries:
        attendance = _attendance_of(entry)
        lesson_text = teacher = ""
        why = entry.reason
        if attendance is not None:
            lesson = attendance.lesson
            if lesson is not None:
                start = timezone.localtime(lesson.starts_at)
                lesson_text = f"{lesson.subject} {start:%m-%d %H:%M}"
                teacher = lesson.teacher.display_name
            kind = "陪练" if attendance.lesson_kind == "practice" else "上课"
            if attendance.source == "swipe":
                why = f"刷卡签到（{kind}）"
            else:
                why = f"手工签到（{kind}）" + (f"：{entry.reason}" if entry.reason else "")
        elif entry.kind == LedgerEntry.Kind.USED:
            why = f"手工扣课：{entry.reason}" if entry.reason else "扣课"
        elif entry.kind == LedgerEntry.Kind.REVERSAL and entry.reverses is not None:
            why = f"冲正 {timezone.localtime(entry.reverses.occurred_at):%Y-%m-%d} 的{entry.reverses.get_kind_display()}：{entry.reason}"
        if entry.created_by_id and not attendance:
            why = f"{why}（经办：{entry.created_by.display_name}）"
        rows.append(
            StatementRow(
                entry=entry,
                course=entry.package.course,
                lesson=lesson_text,
                teacher=teacher,
                what=f"{entry.get_kind_display()} {entry.lessons:+d} 节",
                why=why,
                balance_after=entry.balance_after,
            )
        )
    return rows


def goods_of(campus: Campus) -> QuerySet[GoodsItem]:
    return GoodsItem.objects.filter(campus=campus, is_active=True).order_by("category", "name", "spec")


def goods_low_stock(campus: Campus) -> list[GoodsItem]:
    """Shelf articles at or below their warning line (库存预警, `GoodsItem.is_low`). A
    shelf holds a few dozen articles: read them all and keep the low ones."""
    return [item for item in goods_of(campus) if item.is_low]


def packages_expiring(campus: Campus, *, within_days: int = 30, on: date | None = None) -> QuerySet[LessonPackage]:
    on = on or timezone.localdate()
    return LessonPackage.objects.filter(
        campus=campus,
        refunded_at__isnull=True,
        lessons_left__gt=0,
        valid_until__gte=on,
        valid_until__lte=on + timedelta(days=within_days),
    ).select_related("student")


@dataclass(frozen=True)
class LedgerMismatch:
    package_id: int
    student: str
    course: str
    cached_left: int
    ledger_left: int
    cached_used: int
    ledger_used: int
    last_balance_after: int | None
    cached_sold_at: datetime | None = None
    ledger_sold_at: datetime | None = None
    cached_line_reached_at: datetime | None = None
    ledger_line_reached_at: datetime | None = None

    def describe(self) -> str:
        """What differs, as the log and the command print it."""
        parts = [
            f"lessons_left {self.cached_left} ≠ ledger {self.ledger_left}; "
            f"lessons_used {self.cached_used} ≠ ledger {self.ledger_used}; "
            f"last balance_after {self.last_balance_after}"
        ]
        if self.ledger_sold_at is not None and self.cached_sold_at != self.ledger_sold_at:
            parts.append(f"sold_at {self.cached_sold_at} ≠ ledger {self.ledger_sold_at}")
        if self.cached_line_reached_at != self.ledger_line_reached_at:
            parts.append(f"line_reached_at {self.cached_line_reached_at} ≠ ledger {self.ledger_line_reached_at}")
        return "; ".join(parts)


def ledger_mismatches() -> tuple[int, list[LedgerMismatch]]:
    """(packages checked, those whose caches differ from their ledger). The ledger's total,
    used − reversed uses, and the balance_after of the last entry recorded must all agree
    with the cached lessons_left / lessons_used; the package's sale (`sold_at`) is its
    `bought` entry's moment, and `line_reached_at` the earliest use that left it at its
    renewal line (RENEWAL_SHARE). The database compares and returns only the packages that
    differ: the ledger is read once, grouped by package (the nightly check over a chain's
    millions of rows), and no package that agrees is brought into Python."""
    ledger, packages = LedgerEntry._meta.db_table, LessonPackage._meta.db_table
    students = Student._meta.db_table
    # only table names (from the models) are formatted in; the values are parameters
    sql = f"""
        SELECT p.id, s.name, p.course, p.lessons_left, COALESCE(l.total, 0), p.lessons_used,
               COALESCE(l.used, 0) - COALESCE(u.reversed, 0), last.balance_after,
               p.sold_at, l.sold_at, p.line_reached_at, l.line_reached_at
        FROM {packages} p
        JOIN {students} s ON s.id = p.student_id
        LEFT JOIN (
            SELECT e.package_id, SUM(e.lessons) AS total,
                   SUM(CASE WHEN e.kind = %(used)s THEN 1 ELSE 0 END) AS used, MAX(e.id) AS last_id,
                   MIN(CASE WHEN e.kind = %(bought)s THEN e.occurred_at END) AS sold_at,
                   MIN(CASE WHEN e.kind = %(used)s
                             AND e.balance_after * %(whole)s <= (lp.lessons + lp.bonus_lessons) * %(share)s
                            THEN e.occurred_at END) AS line_reached_at
            FROM {ledger} e JOIN {packages} lp ON lp.id = e.package_id
            GROUP BY e.package_id
        ) l ON l.package_id = p.id
        LEFT JOIN (
            SELECT e.package_id, COUNT(*) AS reversed
            FROM {ledger} e JOIN {ledger} r ON r.id = e.reverses_id
            WHERE e.kind = %(reversal)s AND r.kind = %(used)s GROUP BY e.package_id
        ) u ON u.package_id = p.id
        LEFT JOIN {ledger} last ON last.id = l.last_id
        WHERE COALESCE(l.total, 0) <> p.lessons_left
           OR COALESCE(l.used, 0) - COALESCE(u.reversed, 0) <> p.lessons_used
           OR (last.id IS NOT NULL AND last.balance_after <> p.lessons_left)
           OR (l.sold_at IS NOT NULL AND l.sold_at <> p.sold_at)
           OR p.line_reached_at IS DISTINCT FROM l.line_reached_at
        ORDER BY p.id
    """  # noqa: S608
    share, whole = RENEWAL_SHARE
    params = {
        "used": LedgerEntry.Kind.USED.value, "reversal": LedgerEntry.Kind.REVERSAL.value,
        "bought": LedgerEntry.Kind.BOUGHT.value, "share": share, "whole": whole,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = [LedgerMismatch(*row) for row in cursor.fetchall()]
    return LessonPackage.objects.count(), found


def packages_payment_due(campus: Campus, *, within_lessons: int = 2) -> list[LessonPackage]:
    """Packages whose money is due now or soon: deposit-only ones (no lesson until paid)
    and half-paid ones within `within_lessons` of the half-way gate (or past it)."""
    owing = (
        LessonPackage.objects.filter(campus=campus, refunded_at__isnull=True, paid__lt=F("price"))
        .select_related("student")
        .order_by("valid_until", "pk")
    )
    return [
        p
        for p in owing
        if p.payment_plan == LessonPackage.Plan.DEPOSIT or p.lessons_used >= p.half_plan_lessons - within_lessons
    ]
