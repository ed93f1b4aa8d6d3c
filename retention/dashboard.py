"""Landing-page panels of retention: an advisor's calls due today, and how late each
advisor's calls run for the CS supervisor and the principal."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dashboard import Panel
from core.models import Staff
from core.roles import Role

from . import selectors

LIMIT = 10


def panels(staff: Staff) -> list[Panel]:
    result: list[Panel] = []
    day_url = reverse("retention:day")
    if staff.role == Role.ADVISOR:
        rows = selectors.due_items_for(staff)
        result.append(
            Panel(
                title=_("今日回访（%(count)s 人）") % {"count": len(rows)},
                rows=[
                    {
                        "text": f"{row.student.name}：{row.first.label}"
                        + (_("（逾期 %(days)s 天）") % {"days": row.days_late} if row.days_late else ""),
                        "url": day_url,
                    }
                    for row in rows[:LIMIT]
                ],
                empty=_("今天的回访都完成了"),
                link=day_url,
                order=5,
            )
        )
    if staff.role in (Role.CS_SUPERVISOR, Role.PRINCIPAL):
        loads = selectors.advisor_loads(selectors.advisors_of(staff.campus), timezone.now())
        result.append(
            Panel(
                title=_("班主任回访进度"),
                rows=[
                    {
                        "text": _("%(name)s：待回访 %(due)s 人，逾期 %(overdue)s 人，最久 %(days)s 天")
                        % {
                            "name": load.advisor.display_name,
                            "due": load.due,
                            "overdue": load.overdue,
                            "days": load.oldest_days_late,
                        },
                        "url": f"{day_url}?advisor={load.advisor.pk}",
                    }
                    for load in loads[:LIMIT]
                ],
                empty=_("本校区还没有班主任"),
                link=day_url,
                order=25,
            )
        )
    return result
