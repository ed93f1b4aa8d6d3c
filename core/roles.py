"""The nine staff roles of the center, and the Django group each one is.

Each app keeps one role table, `<app>/roles.py` (`ROLES`: action → the roles that may do
it), read by its pages, its API and its navigation alike. A table never lists hq_admin:
`allows` lets hq_admin do everything everywhere, on the pages (`staff_required`) and the
API (`core.apikit.require_allowed`) the same way."""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONT_DESK = "front_desk", _("前台/客服")
    ADVISOR = "advisor", _("班主任")
    CONSULTANT = "consultant", _("教育顾问")
    DEAN = "dean", _("教务长")
    CS_SUPERVISOR = "cs_supervisor", _("客服主管")
    PRINCIPAL = "principal", _("校长")
    FINANCE = "finance", _("财务")
    TEACHER = "teacher", _("教员")
    HQ_ADMIN = "hq_admin", _("总部")


# every role of a campus (hq_admin, like in every table, is let in by `allows`)
EVERY_ROLE = frozenset(Role.values) - {Role.HQ_ADMIN}


def allows(roles: Iterable[str], role: str) -> bool:
    """Whether a member of staff of `role` may do what `roles` may do (hq_admin: always)."""
    return role == Role.HQ_ADMIN or role in roles


# Model permissions each role's group holds, as "app_label.codename" or "app_label.*"
# (every permission of that app). They drive the admin and the pages' `has_perm`
# checks; the services still check the role themselves.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.FRONT_DESK: ["students.*", "cardreader.*", "billing.view_*", "billing.add_*", "scheduling.view_*"],
    Role.ADVISOR: ["students.*", "billing.view_*", "scheduling.*", "retention.*"],
    Role.CONSULTANT: ["students.*", "billing.view_*", "billing.add_*", "retention.*"],
    Role.DEAN: ["students.view_*", "billing.view_*", "scheduling.*", "retention.view_*"],
    Role.CS_SUPERVISOR: ["students.*", "billing.view_*", "scheduling.view_*", "retention.*"],
    Role.PRINCIPAL: ["students.*", "billing.*", "scheduling.*", "retention.*", "cardreader.*"],
    Role.FINANCE: ["students.view_*", "billing.*", "retention.view_*"],
    Role.TEACHER: ["students.view_*", "scheduling.view_*"],
    Role.HQ_ADMIN: ["*"],
}


def _matches(pattern: str, app_label: str, codename: str) -> bool:
    if pattern == "*":
        return True
    pattern_app, _dot, pattern_code = pattern.partition(".")
    if pattern_app != app_label:
        return False
    if pattern_code == "*":
        return True
    if pattern_code.endswith("*"):
        return codename.startswith(pattern_code[:-1])
    return codename == pattern_code


def sync_role_groups(**kwargs) -> None:
    """Create a group per role and grant it the permissions of ROLE_PERMISSIONS. Idempotent."""
    from django.contrib.auth.models import Group, Permission

    permissions = list(Permission.objects.select_related("content_type"))
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = [
            perm
            for perm in permissions
            if any(_matches(p, perm.content_type.app_label, perm.codename) for p in ROLE_PERMISSIONS[role])
        ]
        group.permissions.set(wanted)
