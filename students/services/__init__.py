"""Every business action of students/: the student file, its family, the advisor hand-over
(接档), leads and their trial lessons and assessments, the reception log and the lobby round.

Each service validates everything first and raises InvalidInput with `fields` naming each
bad field, so a refused call changes nothing."""

from ._checks import (
    CREATE_ROLES,
    HANDOVER_ROLES,
    LEAD_ROLES,
    MAX_GUARDIANS,
    MIN_GUARDIANS,
    MOBILE,
    STUDENT_TEXT_FIELDS,
    advisor_by_username,
    check_guardians,
    check_student,
    check_student_fields,
    normalize_phone,
)
from .leads import (
    assessment_analyse,
    assessment_record,
    lead_convert,
    lead_create,
    lead_update,
    reception_entry_create,
    trial_book,
    trial_record_outcome,
)
from .lobby import DEPARTMENTS, LOBBY_AREAS, LOBBY_STANDARD, hygiene_finding_close, hygiene_round_record
from .students import (
    assignment_first_call_done,
    guardian_add,
    guardian_remove,
    guardian_set_primary,
    guardian_update,
    student_assign_advisor,
    student_create,
    student_update,
)

__all__ = [
    "CREATE_ROLES",
    "DEPARTMENTS",
    "HANDOVER_ROLES",
    "LEAD_ROLES",
    "LOBBY_AREAS",
    "LOBBY_STANDARD",
    "MAX_GUARDIANS",
    "MIN_GUARDIANS",
    "MOBILE",
    "STUDENT_TEXT_FIELDS",
    "advisor_by_username",
    "assessment_analyse",
    "assessment_record",
    "assignment_first_call_done",
    "check_guardians",
    "check_student",
    "check_student_fields",
    "guardian_add",
    "guardian_remove",
    "guardian_set_primary",
    "guardian_update",
    "hygiene_finding_close",
    "hygiene_round_record",
    "lead_convert",
    "lead_create",
    "lead_update",
    "normalize_phone",
    "reception_entry_create",
    "student_assign_advisor",
    "student_create",
    "student_update",
    "trial_book",
    "trial_record_outcome",
]
