"""Finding the people a service is told about by name."""

from typing import Any

from core.models import Campus, Staff
from core.roles import Role


def advisor_by_username(username: Any, campus: Campus) -> Staff | None:
    """The active advisor of `campus` with this username, or None (also for a text no
    username can be)."""
    if not isinstance(username, str) or not username.strip() or len(username) > 150:
        return None
    return (
        Staff.objects.select_related("user")
        .filter(user__username=username.strip(), campus=campus, role=Role.ADVISOR, user__is_active=True)
        .first()
    )
