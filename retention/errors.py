"""Error codes of retention (the `code` of the API's error envelope). Each topic keeps its
codes in its own block."""

from enum import StrEnum


class RetentionError(StrEnum):
    INVALID = "invalid"

    # --- order saving (挽单) and refunds (退费) ---
    SAVE_CASE_OPEN = "save_case_open"  # the package already has an open save case
    SAVE_CASE_CLOSED = "save_case_closed"  # the case was saved or failed already
    SAVE_STAGE_MAX = "save_stage_max"  # escalating past stage 3
    SAVE_STAGE_NOT_FINAL = "save_stage_not_final"  # failing a case before the principal's stage
    REFUND_EXISTS = "refund_exists"  # the package has a refund already
    REFUND_STEP_ORDER = "refund_step_order"  # a step out of order, or signed already
    REFUND_LESSONS_CHANGED = "refund_lessons_changed"  # lessons used since the dean confirmed them
    PACKAGE_REFUNDED = "package_refunded"  # billing's code: the package was refunded
    PACKAGE_EXPIRED = "package_expired"  # billing's code: past its validity, the lessons left are void
    # --- end of order saving and refunds ---
