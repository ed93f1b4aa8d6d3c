"""Billing's scheduled jobs (core/jobs.py): packages expired today written off, packages
expiring in 30 and in 7 days, goods below their warning line, the nightly ledger check.
Each asks billing's own rules (`packages_expire_due`, `packages_expiring`,
`goods_low_stock`, `ledger_mismatches`) and keys what it creates."""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.urls import reverse

from core.dates import local_day
from core.jobs import Job
from core.messaging import message_queue
from core.models import Campus, Staff
from core.roles import Role
from core.todos import staff_of, todo_raise, todos_raise
from students.models import Student

from .models import LessonPackage
from .selectors import goods_low_stock, ledger_mismatches, packages_expiring
from .services import packages_expire_due

logger = logging.getLogger("jobs")

# the reminders before a package's last day: 30 days, then 7
EXPIRY_NOTICES = (30, 7)


def caretakers(student: Student) -> Iterable[Staff]:
    """Who a to-do about `student` goes to: their advisor, or the campus's front desk when
    they have none."""
    if student.advisor_id:
        return [student.advisor]
    return staff_of(student.campus_id, [Role.FRONT_DESK])


def parent_phone(student: Student) -> str:
    guardian = student.primary_guardian or student.guardians.first()
    return guardian.phone if guardian else ""


def package_link(package: LessonPackage) -> str:
    return reverse("billing:package", args=[package.pk])


def expire_packages(at: datetime) -> int:
    """过期: every package past its validity written off by the existing service."""
    return packages_expire_due(at=at)


def remind_expiring(at: datetime) -> int:
    """30 and 7 days before a package's last day: a renewal to-do for the advisor and a
    message to the parent. A package inside 7 days gets the 7-day one only."""
    day = local_day(at)
    created = 0
    for campus in Campus.objects.all():
        notified: set[int] = set()
        for days in sorted(EXPIRY_NOTICES):
            packages = packages_expiring(campus, within_days=days, on=day).select_related("student__advisor__user")
            for package in packages.prefetch_related("student__guardians"):
                if package.pk in notified:
                    continue
                notified.add(package.pk)
                student = package.student
                text = f"{student.name} · {package.course}：剩 {package.lessons_left} 课时，{package.valid_until:%m-%d} 到期"
                key = f"package_expiring_{days}:{package.pk}"
                created += todos_raise(
                    caretakers(student), kind="package_expiring", key=key, day=day,
                    text=f"{days} 天内到期，请沟通续费：{text}", link=package_link(package),
                )
                created += message_queue(
                    to=parent_phone(student), campus=campus, key=key,
                    body=f"【{campus.name}】{student.name}的{package.course}课时包将于 {package.valid_until:%Y-%m-%d} "
                    f"到期，尚余 {package.lessons_left} 课时，请尽快安排上课。",
                ) is not None
    return created


def goods_low(at: datetime) -> int:
    """库存预警: an article at or below its warning line is a to-do for the front desk."""
    day = local_day(at)
    created = 0
    for campus in Campus.objects.all():
        desk = list(staff_of(campus, [Role.FRONT_DESK]))
        for item in goods_low_stock(campus):
            created += todos_raise(
                desk, kind="goods_low", key=f"goods_low:{item.pk}", day=day,
                text=f"库存预警：{item} 剩 {item.stock}{item.unit}（预警线 {item.warning_line}）",
                link=reverse("billing:goods_item", args=[item.pk]),
            )
    return created


def check_ledger(at: datetime) -> int:
    """The nightly ledger check (check_ledger's rule): each package whose cached counts
    differ from its ledger is an error in the log and a to-do for its campus's principal."""
    day = local_day(at)
    _checked, mismatches = ledger_mismatches()
    campuses = dict(
        LessonPackage.objects.filter(pk__in=[m.package_id for m in mismatches]).values_list("pk", "campus_id")
    )
    created = 0
    for m in mismatches:
        logger.error("ledger check: package %s (%s · %s) %s", m.package_id, m.student, m.course, m.describe())
        for principal in staff_of(campuses[m.package_id], [Role.PRINCIPAL]):
            created += todo_raise(
                assignee=principal, kind="ledger_mismatch", key=f"ledger_mismatch:{m.package_id}", day=day,
                text=f"课时账不符：{m.student} · {m.course} 剩余 {m.cached_left}，流水合计 {m.ledger_left}",
                link=reverse("billing:package", args=[m.package_id]),
            ) is not None
    return created


JOBS = [
    Job(name="packages_expire", title="过期课时包核销（写入过期流水）", run=expire_packages, hour="0", minute="10"),
    Job(name="packages_expiring", title="课时包 30 天、7 天到期提醒", run=remind_expiring, hour="8", minute="0"),
    Job(name="goods_low", title="商品库存预警", run=goods_low, hour="8", minute="10"),
    Job(name="ledger_check", title="夜间课时账核对", run=check_ledger, hour="2", minute="0"),
]
