from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import Role

_CASHIERS = frozenset({Role.FRONT_DESK, Role.CONSULTANT, Role.ADVISOR, Role.PRINCIPAL, Role.FINANCE})
_VIEWERS = _CASHIERS | {Role.DEAN, Role.CS_SUPERVISOR}

ITEMS = [
    NavItem(_("收费"), "billing:index", frozenset(_VIEWERS), 30),
    NavItem(_("收费记录"), "billing:payments", _CASHIERS, 31),
    NavItem(_("商品"), "billing:goods", frozenset({Role.FRONT_DESK, Role.PRINCIPAL, Role.FINANCE}), 32),
]
