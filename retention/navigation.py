from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.navigation import NavItem
from core.roles import Role

ITEMS: list[NavItem] = []

# --- order saving (挽单) and refunds (退费) ---
# the same role sets as the pages (retention/views/saving.py, refunds.py)
_SAVE_VIEWERS = frozenset({Role.ADVISOR, Role.CONSULTANT, Role.CS_SUPERVISOR, Role.DEAN, Role.PRINCIPAL})
_REFUND_VIEWERS = _SAVE_VIEWERS | {Role.FINANCE}
_ANALYSTS = frozenset({Role.PRINCIPAL, Role.CS_SUPERVISOR, Role.FINANCE})

ITEMS += [
    NavItem(_("挽单"), "retention:save_cases", _SAVE_VIEWERS, 60),
    NavItem(pgettext_lazy("refund applications", "退费"), "retention:refunds", _REFUND_VIEWERS, 61),
    NavItem(_("退费分析"), "retention:refund_analysis", _ANALYSTS, 62),
]
# --- end of order saving and refunds ---
