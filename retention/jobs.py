"""Retention's scheduled jobs (core/jobs.py). Each asks the rule the advisor's day already
asks (retention.selectors: `first_call_due`, `pre_first_lesson_due`, `renewal_due`,
`advisor_loads`; SaveCase's deadline) and puts what it finds in someone's inbox:

- first calls after a hand-over, the 24-hour first-lesson confirmation, renewals (a
  package running low): a to-do for the student's advisor;
- follow-ups due: a message to each advisor with calls due, and a to-do for the CS
  supervisor about each advisor whose calls are late;
- save cases two days or less from their ten-day deadline, or past it: a to-do for the
  CS supervisor and the principal;
- the penalty audit (`services.run_audit`, the same code as `manage.py run_audit`), every
  night: it judges the week and the month that ended before today, so the nights after the
  first find nothing new unless a spot-check has since found a follow-up false;
- the KPIs of the settled months of the dashboard's twelve (`services.kpi_months_close`),
  stored again every night;
- the spot-check's weekly sample (`services.spot_checks_draw`) of the week just ended, on Monday.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.urls import reverse

from billing.jobs import caretakers
from core.dates import local_day
from core.jobs import Job
from core.messaging import message_queue
from core.models import Campus
from core.roles import Role
from core.todos import staff_of, todos_raise
from students.models import Student

from . import kpis, selectors, services
from .contributions import CASE_WARNING
from .models import SaveCase
from .roles import SUPERVISORS

Rule = Callable[..., dict]


def _due_todos(rule: Rule, at: datetime, kind: str) -> int:
    """A to-do for the advisor of each student `rule` finds owing a call at `at`."""
    day = local_day(at)
    dues = rule(Student.objects.all(), at)
    created = 0
    for student in Student.objects.filter(pk__in=list(dues)).select_related("advisor__user").order_by("pk"):
        due = dues[student.pk]
        created += todos_raise(
            caretakers(student), kind=kind, key=f"{kind}:{student.pk}", day=day,
            text=f"{student.name}：{due.label}（{due.note}）", link=reverse("retention:day"),
        )
    return created


def first_calls(at: datetime) -> int:
    return _due_todos(selectors.first_call_due, at, "first_call")


def first_lesson_confirmations(at: datetime) -> int:
    return _due_todos(selectors.pre_first_lesson_due, at, "pre_first_lesson")


def renewals(at: datetime) -> int:
    return _due_todos(selectors.renewal_due, at, "renewal")


def follow_ups_due(at: datetime) -> int:
    """Each advisor with calls due gets the day's count; an advisor with late calls is a
    to-do for the campus's CS supervisor."""
    day = local_day(at)
    created = 0
    for campus in Campus.objects.all():
        supervisors = list(staff_of(campus, [Role.CS_SUPERVISOR]))
        for load in selectors.advisor_loads(selectors.advisors_of(campus), at):
            if not load.due:
                continue
            advisor = load.advisor
            created += message_queue(
                to=advisor.phone, campus=campus, staff=True, key=f"follow_ups_due:{advisor.pk}:{day}",
                body=f"【{campus.name}】{advisor} 今日待回访 {load.due} 位家长"
                + (f"，其中 {load.overdue} 位已逾期" if load.overdue else "") + "。",
            ) is not None
            if load.overdue:
                created += todos_raise(
                    supervisors, kind="follow_ups_late", key=f"follow_ups_late:{advisor.pk}", day=day,
                    text=f"班主任 {advisor} 有 {load.overdue} 位家长回访逾期（最久 {load.oldest_days_late} 天）",
                    link=reverse("retention:day"),
                )
    return created


def save_cases_near_deadline(at: datetime) -> int:
    """An open save case two days or less from its deadline, and again once past it."""
    day = local_day(at)
    created = 0
    cases = SaveCase.objects.filter(status=SaveCase.Status.OPEN, deadline__lte=day + CASE_WARNING)
    for case in cases.select_related("student", "package").order_by("deadline", "pk"):
        left = case.days_left(day)
        stage = "overdue" if case.is_overdue(day) else "near"
        when = f"逾期 {-left} 天" if left < 0 else ("今天截止" if left == 0 else f"剩 {left} 天")
        created += todos_raise(
            staff_of(case.campus_id, SUPERVISORS), kind="save_case", key=f"save_case:{case.pk}:{stage}", day=day,
            text=f"挽单 {case.student.name} · {case.package.course}：第 {case.stage} 阶段，{when}",
            link=reverse("retention:save_case", args=[case.pk]),
        )
    return created


def penalty_audit(at: datetime) -> int:
    return services.run_audit(day=local_day(at))


def kpi_months(at: datetime) -> int:
    """Store again, for every campus, the settled months of the twelve the KPI dashboard
    charts: a month stored before a late correction (a reversal, a make-up booked) holds
    the corrected figures from the next morning on; one not stored yet is stored."""
    months = [m for m in kpis.trend_months(local_day(at)) if kpis.is_settled(m, at)]
    if not months:
        return 0
    return sum(
        services.kpi_months_close(campus=campus, months=months, now=at, refresh=True) for campus in Campus.objects.all()
    )


def spot_checks(at: datetime) -> int:
    last_week = local_day(at) - timedelta(days=7)
    return sum(services.spot_checks_draw(campus=campus, week=last_week) for campus in Campus.objects.all())


JOBS = [
    Job(name="follow_ups_due", title="今日待回访（逾期报客服主管）", run=follow_ups_due, hour="8", minute="30"),
    Job(name="first_calls", title="接档后首次回访", run=first_calls, hour="9", minute="0"),
    Job(name="first_lesson_confirm", title="首课前 24 小时确认", run=first_lesson_confirmations, minute="5",
        daily=False),
    Job(name="renewals", title="课时不足：班主任续费待办", run=renewals, hour="8", minute="20"),
    Job(name="save_cases", title="挽单 10 天期限将到或已过", run=save_cases_near_deadline, hour="8", minute="40"),
    Job(name="penalty_audit", title="员工规则稽核（处罚）", run=penalty_audit, hour="2", minute="30"),
    Job(name="kpi_months", title="五大指标：保存已结算月份", run=kpi_months, hour="3", minute="0"),
    Job(name="spot_checks", title="回访抽检：上周样本", run=spot_checks, day_of_week="1", hour="7", minute="0"),
]
