"""Who may do what in students/ (API.md § Students; SPEC: the supervisor hands over)."""

from collections.abc import Sequence

from core.errors import Forbidden
from core.models import Staff
from core.roles import Role

# Who may open and edit a student file and its family.
CREATE_ROLES = (Role.FRONT_DESK, Role.ADVISOR, Role.CONSULTANT, Role.CS_SUPERVISOR, Role.PRINCIPAL)
EDITORS = (*CREATE_ROLES, Role.HQ_ADMIN)
# Who hands a student over to an advisor (SPEC: the supervisor; the principal oversees the campus).
HANDOVER_ROLES = (Role.CS_SUPERVISOR, Role.PRINCIPAL, Role.HQ_ADMIN)
# Who registers leads, trial lessons and the reception log.
LEAD_ROLES = (
    Role.FRONT_DESK,
    Role.CONSULTANT,
    Role.ADVISOR,
    Role.CS_SUPERVISOR,
    Role.PRINCIPAL,
    Role.HQ_ADMIN,
)
# Who records and analyses assessment tests.
ASSESSMENT_ROLES = (*LEAD_ROLES, Role.TEACHER, Role.DEAN)


def require_role(by: Staff, roles: Sequence[str]) -> None:
    if by.role not in roles:
        raise Forbidden()
