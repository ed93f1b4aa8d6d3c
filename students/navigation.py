from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import Role

from .roles import ROLES

ITEMS = [
    # teachers open a file from their timetable; the list is not in their bar
    NavItem(_("学员"), "students:list", ROLES["view"] - {Role.TEACHER}, 10),
    NavItem(_("意向客户"), "students:leads", ROLES["leads"], 12),
    NavItem(_("接待记录"), "students:reception", ROLES["leads"], 14),
    NavItem(_("接档"), "students:handover", ROLES["handover"], 16),
    NavItem(_("大厅巡查"), "students:duty", ROLES["lobby"], 18),
]
