from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import Role

from .roles import ROLES

ITEMS = [
    NavItem(_("课表"), "scheduling:week", ROLES["view"], 30),
    NavItem(_("排课"), "scheduling:lesson_new", ROLES["schedule"], 31),
    NavItem(_("课前确认"), "scheduling:day_ahead", ROLES["schedule"], 32),
    NavItem(_("签到对账"), "scheduling:reconciliation", ROLES["reconcile"], 33),
    NavItem(_("教员"), "scheduling:teachers", ROLES["schedule"], 34),
    NavItem(_("大课班级"), "scheduling:groups", ROLES["schedule"], 35),
    # the front desk (and, for changes, advisor and principal) reach these two from the
    # 教员 page; the nav stays short
    NavItem(_("教员考勤"), "scheduling:timekeeping", ROLES["manage_teachers"] - {Role.FRONT_DESK}, 36),
    NavItem(_("更换教员"), "scheduling:teacher_changes", frozenset({Role.DEAN}), 37),
]
