from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import Role

ITEMS: list[NavItem] = []

# --- follow-ups, the advisor's day and monthly records ---------------------------------
ITEMS += [
    # first in the bar: the advisor's landing target (工作台), the supervisors' overview of it
    NavItem(_("回访工作台"), "retention:day", frozenset({Role.ADVISOR, Role.CS_SUPERVISOR, Role.PRINCIPAL}), 1),
    NavItem(
        _("回访记录"),
        "retention:follow_ups",
        frozenset({Role.ADVISOR, Role.CONSULTANT, Role.CS_SUPERVISOR, Role.PRINCIPAL}),
        50,
    ),
    NavItem(
        _("月度记录"),
        "retention:records",
        frozenset({Role.TEACHER, Role.ADVISOR, Role.DEAN, Role.CS_SUPERVISOR, Role.PRINCIPAL}),
        51,
    ),
    NavItem(
        _("月度缺漏"),
        "retention:record_missing",
        frozenset({Role.ADVISOR, Role.DEAN, Role.CS_SUPERVISOR, Role.PRINCIPAL}),
        52,
    ),
]
# --- end of follow-ups, the advisor's day and monthly records ----------------------------
