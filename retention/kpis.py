"""The five KPIs of an advisor (客服的五大任务，考核客服的五大指标, seed 003 §四): lesson
consumption (课时消耗), renewals (续费), subject expansion (扩科), referrals (转介绍) and the
refund rate (退费率), per advisor, campus and month, computed from the records only.

One selector a KPI, `kpi(students, month) -> Kpi`: `students` is the queryset whose KPI it
is (a campus's students, or an advisor's), `month` any date of the month (Asia/Shanghai);
`kpi.over(students, months)` gives several months (the twelve of a trend) in the same
queries, each grouped by campus month in the database.
A `Kpi` holds one `Row` per student behind the number, each with the student's advisor,
whether the student counts toward the numerator (`hit`) and the student's own figures;
the headline figures are summed from those rows. The dashboard, its drill-down, the
comparison of advisors, the Excel export and `GET /api/v1/kpis` all read the same rows, so
a number and the list behind it cannot disagree. Each selector runs a fixed number of
queries, whatever the number of students (the refund rate one more a month: each month's
active students are judged by the balances when it began).

Rates are `Decimal` with four places (0.8500 = 85%), rounded half up, None when there is
nothing to divide by; money has two places (core.money)."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DateField, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import LedgerEntry, LessonPackage
from core.dates import CAMPUS_TZ, day_start, local_day
from core.errors import Forbidden, InvalidInput
from core.models import Staff
from core.money import ZERO, money
from core.roles import Role
from core.scoping import scope
from scheduling.models import GroupSession, Lesson
from students.models import Lead, Student

from .models import KpiStudentMonth, Refund
from .services._checks import clean_month

RATE_PLACES = Decimal("0.0001")
# bought again within this many days of the renewal point (续费)
RENEWAL_WINDOW = timedelta(days=30)
TREND_MONTHS = 12


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (first_of_month(month) + timedelta(days=32)).replace(day=1)


def previous_month(month: date) -> date:
    return (first_of_month(month) - timedelta(days=1)).replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The campus month as the half-open interval [its first midnight, the next month's)."""
    return day_start(first_of_month(month)), day_start(next_month(month))


def rate(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def rate_text(value: Decimal | None) -> str | None:
    """A rate as the API writes it: "0.8500", or None."""
    return None if value is None else f"{value:.4f}"


def percent(value: Decimal | None) -> str:
    """A rate as the pages show it: "85.0%", or "—"."""
    return "—" if value is None else f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


@dataclass
class Row:
    """A student behind a KPI: `hit` when the student counts toward the numerator."""

    student_id: int
    advisor_id: int | None
    hit: bool
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Kpi:
    """A KPI of a month: its rows, or (`stored`) the figures of a closed month without them."""

    key: str
    month: date
    rows: list[Row]
    stored: dict[str, Any] | None = None

    @property
    def figures(self) -> dict[str, Any]:
        if self.stored is not None:
            return self.stored
        return DEFINITIONS[self.key].summarise(self.rows)

    @property
    def headline(self) -> Decimal | int | None:
        return self.figures[DEFINITIONS[self.key].headline]

    def student_ids(self, *, hits_only: bool = False) -> list[int]:
        """The students behind the figures (`hits_only`: those the numerator counts)."""
        return [r.student_id for r in self.rows if r.hit or not hits_only]

    def students(self, *, hits_only: bool = False) -> QuerySet[Student]:
        """The same as a queryset of student files."""
        return Student.objects.filter(pk__in=self.student_ids(hits_only=hits_only))

    def of_advisor(self, advisor_id: int | None) -> "Kpi":
        return Kpi(self.key, self.month, [r for r in self.rows if r.advisor_id == advisor_id])

    def advisor_ids(self) -> set[int | None]:
        return {r.advisor_id for r in self.rows}


def month_of(moment: datetime) -> date:
    """The campus month a moment falls in (its first day)."""
    return local_day(moment).replace(day=1)


def window(months: Sequence[date]) -> tuple[datetime, datetime]:
    """From the first month's start to the last month's end."""
    return month_bounds(months[0])[0], month_bounds(months[-1])[1]


def in_month(field: str) -> TruncMonth:
    """The campus month of a datetime column, in the database: its first day, a date."""
    return TruncMonth(field, tzinfo=CAMPUS_TZ, output_field=DateField())


MonthlySelector = Callable[[QuerySet[Student], Sequence[date]], dict[date, Kpi]]


class Monthly:
    """A KPI's selector: `kpi(students, month)` is one month's Kpi; `kpi.over(students,
    months)` the same for several months (oldest first) in the same fixed number of queries."""

    def __init__(self, over: MonthlySelector) -> None:
        self.over = over
        self.__doc__ = over.__doc__
        self.__name__ = over.__name__

    def __call__(self, students: QuerySet[Student], month: date) -> Kpi:
        month = first_of_month(month)
        return self.over(students, [month])[month]


def _advisors(students: QuerySet[Student]) -> dict[int, int | None]:
    """Each student's advisor now, read once: the KPIs' queries then need no join back to
    the students (which PostgreSQL answers by scanning every campus's)."""
    return dict(students.order_by().values_list("pk", "advisor_id"))


def _empty(months: Sequence[date]) -> dict[date, dict[int, Row]]:
    return {m: {} for m in months}


def _kpis(key: str, found: dict[date, dict[int, Row]]) -> dict[date, Kpi]:
    return {m: Kpi(key, m, [rows[i] for i in sorted(rows)]) for m, rows in found.items()}


# --- 1. lesson consumption (课时消耗) ---------------------------------------------------------


@Monthly
def lesson_consumption(students: QuerySet[Student], months: Sequence[date]) -> dict[date, Kpi]:
    """Lessons used ÷ lessons scheduled in the month, per student.

    Used: the `used` entries of the lesson ledger dated in the month and not reversed (a
    swipe, a session marked held, a manual deduction). Scheduled: the student's 1-on-1
    lessons starting in the month that stand (status scheduled), those taken leave from
    without a make-up booked (a leave is a lesson not consumed: 严格控制学员的请假), and the
    sessions of the student's group classes that stand. Rescheduled lessons count where
    they now are; cancelled ones not at all."""
    start, end = window(months)
    used = (
        LedgerEntry.objects.filter(
            package__student__in=students, kind=LedgerEntry.Kind.USED, occurred_at__gte=start, occurred_at__lt=end,
            reversed_by__isnull=True,
        )
        .annotate(month=in_month("occurred_at"))
        .values_list("month", "package__student_id")
        .annotate(n=Count("pk"))
    )
    lessons = (
        Lesson.objects.filter(student__in=students, starts_at__gte=start, starts_at__lt=end)
        .filter(
            Q(status=Lesson.Status.SCHEDULED)
            | Q(status=Lesson.Status.LEAVE) & ~Exists(Lesson.objects.filter(makeup_for=OuterRef("pk")))
        )
        .annotate(month=in_month("starts_at"))
        .values_list("month", "student_id")
        .annotate(n=Count("pk"))
    )
    sessions = (
        GroupSession.objects.filter(
            group__members__student__in=students, starts_at__gte=start, starts_at__lt=end,
            status=Lesson.Status.SCHEDULED,
        )
        .annotate(month=in_month("starts_at"))
        .values_list("month", "group__members__student_id")
        .annotate(n=Count("pk"))
    )
    found = _empty(months)
    advisors = _advisors(students)

    def add(counted: Iterable[tuple[date, int, int]], what: str) -> None:
        for month, student_id, n in counted:
            rows = found.get(month)
            if rows is not None:
                row = rows.setdefault(
                    student_id, Row(student_id, advisors[student_id], False, {"used": 0, "scheduled": 0})
                )
                row.values[what] += n

    add(used, "used")
    add(lessons, "scheduled")
    add(sessions, "scheduled")
    for rows in found.values():
        for row in rows.values():
            row.hit = row.values["used"] > 0
            row.values["rate"] = rate(row.values["used"], row.values["scheduled"])
    return _kpis("lesson_consumption", found)


def _consumption_figures(rows: list[Row]) -> dict[str, Any]:
    used = sum(r.values["used"] for r in rows)
    scheduled = sum(r.values["scheduled"] for r in rows)
    return {"used": used, "scheduled": scheduled, "rate": rate(used, scheduled), "students": len(rows)}


# --- 2. renewals (续费) -----------------------------------------------------------------------


def renewal_point(crossed_at: datetime | None, valid_until: date) -> datetime:
    """When a package called for a renewal: the lesson that brought it to the renewal line
    (30% of its lessons left, bonus included: `LessonPackage.line_reached_at`, the line the
    advisor's day prompts at), or the last day of its validity, whichever came first."""
    expiry = day_start(valid_until)
    return min(crossed_at, expiry) if crossed_at is not None else expiry


@Monthly
def renewal_rate(students: QuerySet[Student], months: Sequence[date]) -> dict[date, Kpi]:
    """Families whose package reached the renewal line or ended in the month (one row a
    family, at its first such package), and whether they bought again: another package
    sold after that one and no later than 30 days after the renewal point (a purchase made
    early, before the line, counts: 续费要提前铺垫). A package refunded before its renewal
    point never called for a renewal. A family is a student file."""
    start, end = window(months)
    first, last = months[0], next_month(months[-1]) - timedelta(days=1)
    packages = (
        LessonPackage.objects.filter(student__in=students)
        .filter(
            Q(valid_until__gte=first, valid_until__lte=last) | Q(line_reached_at__gte=start, line_reached_at__lt=end)
        )
        .values_list("pk", "student_id", "line_reached_at", "sold_at", "valid_until", "refunded_at")
    )
    advisors = _advisors(students)
    # month → student → (renewal point, that package's sale, the package, the advisor)
    due: dict[date, dict[int, tuple[datetime, datetime, int, int | None]]] = {m: {} for m in months}
    for pk, student_id, crossed_at, sold_at, valid_until, refunded_at in packages:
        point = renewal_point(crossed_at, valid_until)
        families = due.get(month_of(point))
        if families is None or (refunded_at is not None and refunded_at < point):
            continue
        if student_id not in families or point < families[student_id][0]:
            families[student_id] = (point, sold_at, pk, advisors[student_id])
    sales: dict[int, list[tuple[int, datetime]]] = {}
    for student_id, package_id, sold_at in LessonPackage.objects.filter(
        student_id__in={s for families in due.values() for s in families}
    ).values_list("student_id", "pk", "sold_at"):
        sales.setdefault(student_id, []).append((package_id, sold_at))
    found = _empty(months)
    for month, families in due.items():
        for student_id, (point, first_sold, due_pk, advisor_id) in families.items():
            again = [
                sold_at for package_id, sold_at in sales.get(student_id, [])
                if package_id != due_pk and first_sold < sold_at <= point + RENEWAL_WINDOW
            ]
            found[month][student_id] = Row(
                student_id, advisor_id, bool(again), {"due_at": point, "renewed_at": min(again, default=None)}
            )
    return _kpis("renewal_rate", found)


def _renewal_figures(rows: list[Row]) -> dict[str, Any]:
    renewed = sum(1 for r in rows if r.hit)
    return {"families": len(rows), "renewed": renewed, "rate": rate(renewed, len(rows))}


# --- 3. subject expansion (扩科) -------------------------------------------------------------


@Monthly
def subject_expansion(students: QuerySet[Student], months: Sequence[date]) -> dict[date, Kpi]:
    """Students who, in the month, bought a package of a subject they had no package of
    before, having bought some other package before (a new student's first subject is a
    sale, not an expansion). Packages without a subject do not count."""
    start, end = window(months)
    earlier = LessonPackage.objects.filter(student=OuterRef("student"), sold_at__lt=OuterRef("sold_at"))
    bought = (
        LessonPackage.objects.filter(student__in=students, subject__isnull=False, sold_at__gte=start, sold_at__lt=end)
        .filter(Exists(earlier), ~Exists(earlier.filter(subject=OuterRef("subject"))))
        .order_by("sold_at", "pk")
        .values_list("sold_at", "student_id", "subject__name")
    )
    found = _empty(months)
    advisors = _advisors(students)
    for sold_at, student_id, subject in bought:
        rows = found.get(month_of(sold_at))
        if rows is None:
            continue
        row = rows.setdefault(student_id, Row(student_id, advisors[student_id], True, {"subjects": []}))
        if subject not in row.values["subjects"]:
            row.values["subjects"].append(subject)
    return _kpis("subject_expansion", found)


def _expansion_figures(rows: list[Row]) -> dict[str, Any]:
    return {"students": len(rows), "subjects": sum(len(r.values["subjects"]) for r in rows)}


# --- 4. referrals (转介绍) --------------------------------------------------------------------


@Monthly
def referrals(students: QuerySet[Student], months: Sequence[date]) -> dict[date, Kpi]:
    """Referred leads who enrolled in the month: a lead whose source is a referral by an
    existing family (`Lead.referred_by`, one of `students`) converted to a student file in
    the month. Each row is the new student; it counts for the referring family's advisor
    (the comment on `Student.referred_by`)."""
    start, end = window(months)
    enrolled = Lead.objects.filter(
        source=Lead.Source.REFERRAL, referred_by__in=students, student__isnull=False,
        converted_at__gte=start, converted_at__lt=end,
    ).values_list("converted_at", "student_id", "referred_by__advisor_id", "referred_by_id", "referred_by__name")
    found = _empty(months)
    for converted_at, student_id, advisor_id, referrer_id, referrer in enrolled:
        rows = found.get(month_of(converted_at))
        if rows is not None:
            rows[student_id] = Row(student_id, advisor_id, True, {"referrer_id": referrer_id, "referrer": referrer})
    return _kpis("referrals", found)


def _referral_figures(rows: list[Row]) -> dict[str, Any]:
    return {"enrolled": len(rows), "referring_families": len({r.values["referrer_id"] for r in rows})}


# --- 5. refund rate (退费率) ------------------------------------------------------------------


def _active(students: QuerySet[Student], month: date) -> QuerySet[LessonPackage]:
    """The ids of the month's active students: a package valid during some of the month,
    not refunded before it, with lessons left when it began or bought during it."""
    start, end = month_bounds(month)
    first, last = first_of_month(month), next_month(month) - timedelta(days=1)
    balance_then = LedgerEntry.objects.filter(package=OuterRef("pk"), occurred_at__lt=start).order_by(
        "-occurred_at", "-pk"
    )
    return (
        LessonPackage.objects.filter(student__in=students, valid_from__lte=last, valid_until__gte=first)
        .filter(Q(refunded_at__isnull=True) | Q(refunded_at__gte=start))
        .annotate(balance_then=Subquery(balance_then.values("balance_after")[:1]))
        .filter(Q(sold_at__gte=start, sold_at__lt=end) | Q(balance_then__gt=0))
        .order_by()
        .values_list("student_id", flat=True)
        .distinct()
    )


@Monthly
def refund_rate(students: QuerySet[Student], months: Sequence[date]) -> dict[date, Kpi]:
    """Students whose refund was paid in the month ÷ the month's active students, and the
    amount paid back. Active: a student with a package valid during some of the month, not
    refunded before it, that had lessons left when the month began (its ledger's balance
    then) or was bought during the month. One query a month for the active students (each
    month's balances are their own), one for the refunds of all the months."""
    start, end = window(months)
    advisors = _advisors(students)
    found = {
        m: {s: Row(s, advisors[s], False, {"refunds": 0, "amount": ZERO}) for s in _active(students, m)}
        for m in months
    }
    paid = Refund.objects.filter(
        student__in=students, status=Refund.Status.PAID, paid_at__gte=start, paid_at__lt=end
    ).values_list("paid_at", "student_id", "amount")
    for paid_at, student_id, amount in paid:
        rows = found.get(month_of(paid_at))
        if rows is None:
            continue
        row = rows.setdefault(student_id, Row(student_id, advisors[student_id], False, {"refunds": 0, "amount": ZERO}))
        row.hit = True
        row.values["refunds"] += 1
        row.values["amount"] = money(row.values["amount"] + amount)
    return _kpis("refund_rate", found)


def _refund_figures(rows: list[Row]) -> dict[str, Any]:
    refunded = sum(1 for r in rows if r.hit)
    return {
        "active_students": len(rows),
        "refunded_students": refunded,
        "refunds": sum(r.values["refunds"] for r in rows),
        "amount": money(sum((r.values["amount"] for r in rows), ZERO)),
        "rate": rate(refunded, len(rows)),
    }


# --- the table of the five --------------------------------------------------------------------


@dataclass(frozen=True)
class Definition:
    key: str
    label: Any
    compute: Monthly
    summarise: Callable[[list[Row]], dict[str, Any]]
    # the figure shown big, charted over twelve months and compared between advisors
    headline: str
    # (figure, label, whether the figure counts the numerator's students only)
    figures: tuple[tuple[str, Any, bool], ...]
    # the drill-down's columns: (key of Row.values, label)
    columns: tuple[tuple[str, Any], ...]


DEFINITIONS: dict[str, Definition] = {
    d.key: d
    for d in (
        Definition(
            "lesson_consumption", _("课时消耗"), lesson_consumption, _consumption_figures, "rate",
            (("rate", _("消耗率"), False), ("used", _("已消课时"), True), ("scheduled", _("应上课时"), False)),
            (("used", _("已消课时")), ("scheduled", _("应上课时")), ("rate", _("消耗率"))),
        ),
        Definition(
            "renewal_rate", _("续费"), renewal_rate, _renewal_figures, "rate",
            (("rate", _("续费率"), False), ("renewed", _("已续费家庭"), True), ("families", _("应续费家庭"), False)),
            (("due_at", _("到续费线/结课")), ("renewed_at", _("续费时间"))),
        ),
        Definition(
            "subject_expansion", _("扩科"), subject_expansion, _expansion_figures, "students",
            (("students", _("扩科学员"), True), ("subjects", _("新增科目"), True)),
            (("subjects", _("新增科目")),),
        ),
        Definition(
            "referrals", _("转介绍"), referrals, _referral_figures, "enrolled",
            (("enrolled", _("转介绍报名"), True), ("referring_families", _("介绍家庭"), True)),
            (("referrer", _("介绍家庭")),),
        ),
        Definition(
            "refund_rate", _("退费率"), refund_rate, _refund_figures, "rate",
            (
                ("rate", _("退费率"), False), ("refunded_students", _("退费学员"), True),
                ("active_students", _("在读学员"), False), ("amount", _("退费金额"), True),
            ),
            (("refunds", _("退费笔数")), ("amount", _("退费金额（元）"))),
        ),
    )
}
KEYS = tuple(DEFINITIONS)


def month_kpis(students: QuerySet[Student], month: date) -> dict[str, Kpi]:
    """The five KPIs of `students` for `month`, in the order of the seed."""
    return {key: d.compute(students, month) for key, d in DEFINITIONS.items()}


def trend_months(month: date) -> list[date]:
    """The twelve months ending with `month`, oldest first."""
    months = [first_of_month(month)]
    while len(months) < TREND_MONTHS:
        months.insert(0, previous_month(months[0]))
    return months


def settles_at(month: date) -> datetime:
    """When a month's figures stop changing with time: 30 days after it ended, when the last
    renewal it can count (`RENEWAL_WINDOW` after a renewal point at its very end) is past."""
    return day_start(next_month(month)) + RENEWAL_WINDOW


def is_settled(month: date, now: datetime) -> bool:
    return now >= settles_at(month)


def stored_figures(students: QuerySet[Student], months: Sequence[date]) -> dict[date, dict[str, dict[str, Any]]]:
    """month → KPI → the figures of `students`, summed in the database from the stored
    figures of each student (`KpiStudentMonth`) as each KPI's `summarise` sums its rows."""
    found = {m: _stored_row({}) for m in months}
    sums = (
        KpiStudentMonth.objects.filter(student__in=students, month__in=months)
        .values("month")
        .annotate(
            consumption=Count("pk", filter=Q(consumption=True)), used=Sum("used"), scheduled=Sum("scheduled"),
            families=Count("pk", filter=Q(renewal_due=True)), renewed=Count("pk", filter=Q(renewed=True)),
            expanded=Count("pk", filter=Q(new_subjects__gt=0)), new_subjects=Sum("new_subjects"),
            enrolled=Sum("referred"), referring=Count("pk", filter=Q(referred__gt=0)),
            active=Count("pk", filter=Q(refund_row=True)), refunded=Count("pk", filter=Q(refunds__gt=0)),
            refunds=Sum("refunds"), amount=Sum("refund_amount"),
        )
    )
    for row in sums:
        found[row["month"]] = _stored_row(row)
    return found


def _stored_row(row: dict[str, Any]) -> dict[str, dict[str, Any]]:
    def n(name: str) -> int:
        return row.get(name) or 0

    return {
        "lesson_consumption": {
            "used": n("used"), "scheduled": n("scheduled"), "rate": rate(n("used"), n("scheduled")),
            "students": n("consumption"),
        },
        "renewal_rate": {"families": n("families"), "renewed": n("renewed"), "rate": rate(n("renewed"), n("families"))},
        "subject_expansion": {"students": n("expanded"), "subjects": n("new_subjects")},
        "referrals": {"enrolled": n("enrolled"), "referring_families": n("referring")},
        "refund_rate": {
            "active_students": n("active"), "refunded_students": n("refunded"), "refunds": n("refunds"),
            "amount": money(row.get("amount") or ZERO), "rate": rate(n("refunded"), n("active")),
        },
    }


def trends(students: QuerySet[Student], month: date, *, now: datetime | None = None) -> dict[str, list[Kpi]]:
    """Each KPI over the twelve months ending with `month`. The settled months before
    `month` are read from the stored figures (a campus's month not stored yet is computed
    and stored first: `services.kpi_months_close`); `month` itself and the months still
    open are computed live, `month` with the rows behind its figures."""
    from .services.kpis import kpi_months_ensure

    months = trend_months(month)
    now = now or timezone.now()
    closed = [m for m in months[:-1] if is_settled(m, now)]
    stored = {}
    if closed:
        kpi_months_ensure(students=students, months=closed, now=now)
        stored = stored_figures(students, closed)
    live = [m for m in months if m not in stored]
    computed = {key: d.compute.over(students, live) for key, d in DEFINITIONS.items()}
    return {
        key: [Kpi(key, m, [], stored[m][key]) if m in stored else computed[key][m] for m in months]
        for key in DEFINITIONS
    }


def figures_json(kpi: Kpi) -> dict[str, Any]:
    """A KPI's figures as the API writes them: rates "0.8500" or null, money "12.50"."""
    out: dict[str, Any] = {}
    for name, value in kpi.figures.items():
        if name == "rate":
            out[name] = rate_text(value)
        elif isinstance(value, Decimal):
            out[name] = f"{money(value):.2f}"
        else:
            out[name] = value
    return out


# --- whose KPIs a person sees -----------------------------------------------------------------


def parse_month(value: Any, today: date) -> date:
    """A month from "YYYY-MM" (absent: this month); not in the future, not before 2000.
    Anything else is refused, naming `month`."""
    if value is None:
        return first_of_month(today)
    errors: dict[str, str] = {}
    month = clean_month(value if isinstance(value, str) and len(value.strip()) == 7 else "?", "month", errors,
                        latest=today)
    if errors or month is None:
        raise InvalidInput("月份格式为 YYYY-MM，且不能是将来的月份", {"month": errors.get("month", "月份格式为 YYYY-MM")})
    return month


def advisors_of(staff: Staff) -> QuerySet[Staff]:
    """The advisors whose KPIs `staff` may compare: the campus's (hq_admin: every campus's)."""
    return scope(staff, Staff.objects.filter(role=Role.ADVISOR)).select_related("user", "campus").order_by(
        "campus__code", "user__username"
    )


def find_advisor(staff: Staff, value: str) -> Staff | None:
    """An advisor `staff` may see, by username or id; None for anyone else."""
    value = value.strip()[:150]
    found = advisors_of(staff).filter(user__username=value).first()
    if found is None and value.isascii() and value.isdigit() and len(value) < 12:
        found = advisors_of(staff).filter(pk=int(value)).first()
    return found


def kpi_students(staff: Staff, advisor: str | None) -> tuple[QuerySet[Student], Staff | None]:
    """The students whose KPIs `staff` asks for, and the advisor they were narrowed to.
    An advisor sees their own students only (another advisor: 403); the CS supervisor and
    the principal the campus or one of its advisors; hq_admin every campus. An advisor
    `staff` cannot see (unknown, another campus, not an advisor) is 422 naming `advisor`."""
    chosen = None
    if advisor is not None and advisor.strip():
        chosen = find_advisor(staff, advisor)
        if chosen is None:
            raise InvalidInput("不是本校区的班主任", {"advisor": "不是本校区的班主任"})
    if staff.role == Role.ADVISOR:
        if chosen is not None and chosen.pk != staff.pk:
            raise Forbidden("班主任只能查看自己的指标")
        chosen = staff
    students = scope(staff, Student.objects.all())
    return (students.filter(advisor=chosen) if chosen is not None else students), chosen
