from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import Role

DESK = frozenset(
    {Role.FRONT_DESK, Role.ADVISOR, Role.CONSULTANT, Role.CS_SUPERVISOR, Role.PRINCIPAL, Role.DEAN, Role.FINANCE}
)
SALES = frozenset({Role.FRONT_DESK, Role.CONSULTANT, Role.ADVISOR, Role.CS_SUPERVISOR, Role.PRINCIPAL})

ITEMS = [
    NavItem(_("学员"), "students:list", DESK, 10),
    NavItem(_("意向客户"), "students:leads", SALES, 12),
    NavItem(_("接待记录"), "students:reception", SALES, 14),
    NavItem(_("接档"), "students:handover", frozenset({Role.CS_SUPERVISOR, Role.PRINCIPAL}), 16),
    NavItem(_("大厅巡查"), "students:duty", frozenset({Role.FRONT_DESK, Role.CS_SUPERVISOR, Role.PRINCIPAL}), 18),
]
