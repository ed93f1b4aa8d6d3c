from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.navigation import NavItem

from .roles import ROLES

ITEMS = [
    # first in the bar: the advisor's landing target (工作台), the supervisors' overview of it
    NavItem(_("回访工作台"), "retention:day", ROLES["day"], 1),
    NavItem(_("回访记录"), "retention:follow_ups", ROLES["follow_ups"], 50),
    NavItem(_("月度记录"), "retention:records", ROLES["records"], 51),
    NavItem(_("月度缺漏"), "retention:record_missing", ROLES["records_missing"], 52),
    NavItem(_("挽单"), "retention:save_cases", ROLES["save_cases"], 60),
    NavItem(pgettext_lazy("refund applications", "退费"), "retention:refunds", ROLES["refunds"], 61),
    NavItem(_("退费分析"), "retention:refund_analysis", ROLES["refund_analysis"], 62),
    NavItem(_("处罚记录"), "retention:penalties", ROLES["penalties"], 70),
    NavItem(_("回访抽检"), "retention:spot_checks", ROLES["spot_checks"], 71),
    NavItem(_("员工规则"), "retention:staff_rules", ROLES["staff_rules"], 72),
    NavItem(_("五大指标"), "retention:kpis", ROLES["kpis"], 63),
]
