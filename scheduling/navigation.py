from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import Role

SCHEDULERS = frozenset({Role.FRONT_DESK, Role.DEAN, Role.ADVISOR, Role.PRINCIPAL})

ITEMS = [
    NavItem(_("课表"), "scheduling:week", SCHEDULERS | {Role.TEACHER, Role.CS_SUPERVISOR, Role.CONSULTANT}, 30),
    NavItem(_("排课"), "scheduling:lesson_new", SCHEDULERS, 31),
    NavItem(_("课前确认"), "scheduling:day_ahead", SCHEDULERS, 32),
    NavItem(_("签到对账"), "scheduling:reconciliation", SCHEDULERS | {Role.CS_SUPERVISOR}, 33),
    NavItem(_("教员"), "scheduling:teachers", SCHEDULERS, 34),
    NavItem(_("大课班级"), "scheduling:groups", SCHEDULERS, 35),
    # the front desk reaches these two from the 教员 page; the nav stays short
    NavItem(_("教员考勤"), "scheduling:timekeeping", frozenset({Role.DEAN, Role.PRINCIPAL}), 36),
    NavItem(_("更换教员"), "scheduling:teacher_changes", frozenset({Role.DEAN}), 37),
]
