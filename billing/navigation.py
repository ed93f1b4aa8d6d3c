from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.reports import REPORT_READERS

from .roles import ROLES

ITEMS = [
    NavItem(_("收费"), "billing:index", ROLES["view"], 30),
    NavItem(_("收费记录"), "billing:payments", ROLES["pay"], 31),
    NavItem(_("商品"), "billing:goods", ROLES["shelf"], 32),
    # core's page (core/reports.py), whose figures are mostly money
    NavItem(_("日报表"), "daily_report", REPORT_READERS, 33),
]
