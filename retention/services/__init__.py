"""The business actions of retention, one module a topic."""

# --- order saving (挽单) and refunds (退费) ---
from .refunds import (  # noqa: F401 — re-exported: callers import from retention.services
    RefundQuote,
    campus_management_fee,
    campus_refund_fee_set,
    package_main_teacher,
    package_quote,
    refund_approve,
    refund_confirm_lessons,
    refund_current_quote,
    refund_documents,
    refund_draft,
    refund_handler_role,
    refund_next_step,
    refund_parent_sign,
    refund_pay,
    refund_quote,
    refund_reason_create,
    refund_reason_find,
    refund_reason_update,
    refund_reasons_for,
    refund_step_allowed,
    refund_step_role,
)
from .saving import (  # noqa: F401
    save_case_can_act,
    save_case_can_fail,
    save_case_escalate,
    save_case_fail,
    save_case_mark_saved,
    save_case_note,
    save_case_open,
)

# --- end of order saving and refunds ---
