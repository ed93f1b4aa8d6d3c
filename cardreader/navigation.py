from django.utils.translation import gettext_lazy as _

from billing.roles import ROLES as BILLING_ROLES
from core.navigation import NavItem

from .roles import ROLES

ITEMS = [
    NavItem(_("刷卡签到"), "cardreader:kiosk", ROLES["swipe"], 5),
    NavItem(_("学员卡"), "cardreader:cards", ROLES["cards"], 33),
    NavItem(_("手工扣课"), "cardreader:deduct", BILLING_ROLES["deduct"], 34),
]
