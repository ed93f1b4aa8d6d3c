"""The CS supervisor's spot-check (客服部定期抽检，作弊者重罚): each ISO week a random sample
of each advisor's logged follow-ups (`SPOT_CHECK_SAMPLE_SIZE`, default 3) is drawn; the
supervisor calls the family and marks each confirmed or false. A false one no longer counts
as the week's contact (the audit's `counted_follow_ups`) and charges its caller a
`falsified_record` incident."""

import random
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.dates import day_start, local_day
from core.errors import Conflict, Forbidden, InvalidInput
from core.models import Campus, Staff
from core.roles import Role
from core.text import clean_text

from ..errors import RetentionError
from ..models import REAL_CONTACT, FollowUp, Incident, RuleCode, SpotCheck
from .penalties import _lock_person, check_may, incident_charge, rule_in_effect

_random = random.SystemRandom()


def week_of(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.isoweekday() - 1)


def spot_checks_draw(*, campus: Campus, week: date, by: Staff | None = None, size: int | None = None) -> int:
    """Draw the week's sample for every advisor of `campus` with follow-ups logged that week
    (real contacts: a schedule notice is not checked) and no sample yet; returns how many
    were drawn. Drawing again for the same week adds nothing."""
    size = settings.SPOT_CHECK_SAMPLE_SIZE if size is None else size
    monday = week_of(week)
    start, end = day_start(monday), day_start(monday + timedelta(days=7))
    drawn = 0
    with transaction.atomic():
        Campus.objects.select_for_update().filter(pk=campus.pk).first()
        done = set(SpotCheck.objects.filter(campus=campus, week=monday).values_list("advisor_id", flat=True))
        logged = FollowUp.objects.filter(
            REAL_CONTACT, campus=campus, by__role=Role.ADVISOR, contacted_at__gte=start, contacted_at__lt=end
        ).exclude(by_id__in=done)
        by_advisor: dict[int, list[int]] = {}
        for follow_up_id, advisor_id in logged.values_list("pk", "by_id"):
            by_advisor.setdefault(advisor_id, []).append(follow_up_id)
        for advisor_id, ids in sorted(by_advisor.items()):
            for follow_up_id in sorted(_random.sample(ids, min(size, len(ids)))):
                SpotCheck.objects.create(
                    campus=campus, week=monday, follow_up_id=follow_up_id, advisor_id=advisor_id, created_by=by
                )
                drawn += 1
    return drawn


def spot_checks_of(campus: Campus | None, week: date) -> QuerySet[SpotCheck]:
    checks = SpotCheck.objects.filter(week=week_of(week))
    if campus is not None:
        checks = checks.filter(campus=campus)
    return checks.select_related("advisor__user", "follow_up__student", "checked_by__user", "incident").order_by(
        "advisor__user__username", "follow_up__contacted_at", "pk"
    )


def spot_check_mark(*, check: SpotCheck, result: Any, by: Staff, note: Any = "") -> SpotCheck:
    """The supervisor's finding on one drawn follow-up: confirmed, or false — then the
    caller is charged `falsified_record`, dated the day of the follow-up (作弊者重罚)."""
    check_may(by, "spot_checks", "只有客服主管或校长可以抽检")
    if not by.sees_all_campuses and check.campus_id != by.campus_id:
        raise Forbidden("只能抽检本校区")
    errors: dict[str, str] = {}
    if result not in (SpotCheck.Result.CONFIRMED, SpotCheck.Result.FALSE):
        errors["result"] = "请选择 属实 或 不实"
    text = clean_text(note, "note", errors, max_length=500, required=result == SpotCheck.Result.FALSE)
    if errors:
        raise InvalidInput("抽检结果有误：" + "；".join(errors.values()), errors)
    with transaction.atomic():
        advisor = Staff.objects.select_related("campus", "supervisor").get(pk=check.advisor_id)
        _lock_person(advisor)
        check = SpotCheck.objects.select_for_update().select_related("follow_up").get(pk=check.pk)
        if check.result != SpotCheck.Result.PENDING:
            raise Conflict(RetentionError.SPOT_CHECK_DONE, "该回访已抽检")
        check.result, check.note, check.checked_at, check.checked_by = result, text, timezone.now(), by
        if result == SpotCheck.Result.FALSE:
            day = local_day(check.follow_up.contacted_at)
            rule = rule_in_effect(RuleCode.FALSIFIED_RECORD, advisor.campus, day)
            if rule is not None:
                check.incident = incident_charge(
                    staff=advisor, rule=rule, occurred_on=day, source=Incident.Source.MANUAL, by=by,
                    student_id=check.follow_up.student_id, audit_key=f"falsified_record:followup{check.follow_up_id}",
                    note=text,
                )[0]
        check.save()
    return check
