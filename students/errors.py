"""Error codes of students/ (the `code` of the API's error envelope)."""

from enum import StrEnum


class StudentError(StrEnum):
    INVALID = "invalid"
    NOT_AN_ADVISOR = "not_an_advisor"
    SAME_ADVISOR = "same_advisor"
    LEAD_CONVERTED = "lead_converted"
    ASSESSMENT_ANALYSED = "assessment_analysed"
    FINDING_CLOSED = "finding_closed"
    LAST_GUARDIANS = "last_guardians"
    FIRST_CALL_DONE = "first_call_done"
    # a trial lesson is a lesson (the same codes as scheduling's bookings)
    WRONG_SUBJECT = "wrong_subject"
    SCHEDULE_CONFLICT = "schedule_conflict"
    NUMBER_TAKEN = "student_number_taken"
