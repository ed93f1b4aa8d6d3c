from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import Role

ITEMS = [
    NavItem(_("刷卡签到"), "cardreader:kiosk", frozenset({Role.FRONT_DESK}), 5),
    NavItem(_("学员卡"), "cardreader:cards", frozenset({Role.FRONT_DESK, Role.PRINCIPAL}), 33),
    NavItem(_("手工扣课"), "cardreader:deduct", frozenset({Role.FRONT_DESK}), 34),
]
