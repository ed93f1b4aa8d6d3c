"""The business actions of retention, one module a topic."""

# --- follow-ups and monthly records ----------------------------------------------------
from .followups import LOG_ROLES, check_may_follow_up, follow_up_log  # noqa: E402, F401
from .records import (  # noqa: E402, F401
    ASSESSORS,
    GROWTH_WRITERS,
    HOMEWORK_CHECKERS,
    HOMEWORK_REPORTERS,
    HOMEWORK_SETTERS,
    PLANNERS,
    SHARERS,
    SUMMARY_WRITERS,
    SURVEYORS,
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
# --- end of follow-ups and monthly records ---------------------------------------------
