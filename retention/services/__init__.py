"""The business actions of retention, one module a topic."""

# callers import every action from retention.services
# ruff: noqa: F401
from .audit import judged_month, judged_week, run_audit
from .followups import check_may_follow_up, follow_up_log
from .kpis import kpi_months_close, kpi_months_ensure
from .penalties import (
    incident_record,
    incident_void,
    rule_in_effect,
    rules_in_effect,
    staff_rule_edit,
    staff_statement_sign_off,
)
from .records import (
    check_keeps_records,
    growth_record_add,
    half_of,
    homework_check,
    homework_set,
    homework_show_parent,
    learning_plan_record,
    may_keep_records,
    monthly_assessment_record,
    monthly_assessment_share,
    survey_questions_ensure,
    survey_record,
    teacher_summary_write,
)
from .refunds import (
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
from .saving import (
    save_case_can_act,
    save_case_can_fail,
    save_case_escalate,
    save_case_fail,
    save_case_mark_saved,
    save_case_note,
    save_case_open,
)
from .spotchecks import spot_check_mark, spot_checks_draw, spot_checks_of, week_of
