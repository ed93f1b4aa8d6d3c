"""Landing-page panels of retention: how late each advisor's calls run, for the CS
supervisor and the principal. (An advisor's calls due and the save cases near their
deadline are to-dos: retention/contributions.py.)"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dashboard import Panel
from core.models import Staff

from . import selectors
from .roles import SUPERVISORS

LIMIT = 10


def panels(staff: Staff) -> list[Panel]:
    if staff.role not in SUPERVISORS:
        return []
    day_url = reverse("retention:day")
    loads = selectors.advisor_loads(selectors.advisors_of(staff.campus), timezone.now())
    return [
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
    ]
