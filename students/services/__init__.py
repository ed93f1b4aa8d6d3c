"""Every business action of students/: the student file, its family, the advisor hand-over
(接档), leads and their trial lessons and assessments, the reception log and the lobby round.

Each service validates everything first and raises InvalidInput with `fields` naming each
bad field, so a refused call changes nothing. Who may do what is students/roles.py, checked in `policy.py`;
the rules of the values are in `validation.py`."""

from .handover import (
    assignment_first_call_done,
    first_call_due,
    student_assign_advisor,
    student_first_call_made,
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
from .lookups import advisor_by_username
from .policy import check_opens_files, may, may_open_files
from .students import (
    guardian_add,
    guardian_remove,
    guardian_set_primary,
    guardian_update,
    student_create,
    student_number_change,
    student_update,
)
from .validation import (
    MAX_GUARDIANS,
    MIN_GUARDIANS,
    MOBILE,
    STUDENT_TEXT_FIELDS,
    check_guardian_phone,
    check_guardians,
    check_student,
    check_student_fields,
    field_label,
    normalize_phone,
)

__all__ = [
    "DEPARTMENTS",
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
    "check_guardian_phone",
    "check_opens_files",
    "check_guardians",
    "check_student",
    "check_student_fields",
    "field_label",
    "first_call_due",
    "guardian_add",
    "guardian_remove",
    "guardian_set_primary",
    "guardian_update",
    "hygiene_finding_close",
    "hygiene_round_record",
    "lead_convert",
    "lead_create",
    "lead_update",
    "may",
    "may_open_files",
    "normalize_phone",
    "reception_entry_create",
    "student_assign_advisor",
    "student_create",
    "student_first_call_made",
    "student_number_change",
    "student_update",
    "trial_book",
    "trial_record_outcome",
]
