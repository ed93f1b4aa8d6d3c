from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.navigation import NavItem
from core.roles import Role

# the same role sets as the pages (retention/views/saving.py, refunds.py)
_SAVE_VIEWERS = frozenset({Role.ADVISOR, Role.CONSULTANT, Role.CS_SUPERVISOR, Role.DEAN, Role.PRINCIPAL})
_REFUND_VIEWERS = _SAVE_VIEWERS | {Role.FINANCE}
_ANALYSTS = frozenset({Role.PRINCIPAL, Role.CS_SUPERVISOR, Role.FINANCE})

ITEMS = [
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
    NavItem(_("挽单"), "retention:save_cases", _SAVE_VIEWERS, 60),
    NavItem(pgettext_lazy("refund applications", "退费"), "retention:refunds", _REFUND_VIEWERS, 61),
    NavItem(_("退费分析"), "retention:refund_analysis", _ANALYSTS, 62),
]
