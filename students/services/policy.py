"""Who may do what in students/: the role table is students/roles.py; the services check
it here, with the one rule of hq_admin the table cannot say."""

from core.errors import Forbidden
from core.models import Staff
from core.roles import allows

from ..roles import ROLES


def may(by: Staff, action: str) -> bool:
    """Whether `by` may do `action` of students/roles.py (hq_admin: always)."""
    return allows(ROLES[action], by.role)


def require_allowed(by: Staff, action: str) -> None:
    if not may(by, action):
        raise Forbidden()


def may_open_files(by: Staff) -> bool:
    """A file is opened at the opener's own campus: hq_admin, of every campus, has none of
    its own and opens no file."""
    return may(by, "open_file") and not by.sees_all_campuses


def check_opens_files(by: Staff) -> None:
    require_allowed(by, "open_file")
    if not may_open_files(by):
        raise Forbidden("学员档案由校区建立：总部账号不属于任何一个校区，不能建档")
