"""Error codes of retention (the `code` of the API's error envelope), one block a topic."""

from enum import StrEnum


class RetentionError(StrEnum):
    INVALID = "invalid"

    # follow-ups and monthly records
    NOT_OWN_STUDENT = "not_own_student"  # 403: an advisor or teacher acting for someone else's student
    RECORD_EXISTS = "record_exists"  # 409: this month's record is already there
    HOMEWORK_CHECKED = "homework_checked"  # 409
    ALREADY_SHARED = "already_shared"  # 409: already shown to the parent

    # order saving (挽单) and refunds (退费)
    SAVE_CASE_OPEN = "save_case_open"  # the package already has an open save case
    SAVE_CASE_CLOSED = "save_case_closed"  # the case was saved or failed already
    SAVE_STAGE_MAX = "save_stage_max"  # escalating past stage 3
    SAVE_STAGE_NOT_FINAL = "save_stage_not_final"  # failing a case before the principal's stage
    REFUND_EXISTS = "refund_exists"  # the package has a refund already
    REFUND_STEP_ORDER = "refund_step_order"  # a step out of order, or signed already
    REFUND_LESSONS_CHANGED = "refund_lessons_changed"  # lessons used since the dean confirmed them
    PACKAGE_REFUNDED = "package_refunded"  # billing's code: the package was refunded
    PACKAGE_EXPIRED = "package_expired"  # billing's code: past its validity, the lessons left are void

    # staff rules and penalties
    INCIDENT_VOID = "incident_void"  # 409: the incident was voided already
    STATEMENT_SIGNED = "statement_signed"  # 409: the month's statement was signed off already
    SPOT_CHECK_DONE = "spot_check_done"  # 409: the follow-up was marked already
