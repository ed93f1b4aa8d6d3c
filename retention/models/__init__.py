"""The models of retention, one module a topic: follow-ups and monthly records; order saving
and refunds."""

# --- follow-ups and monthly records ----------------------------------------------------
from .followups import NOT_REAL_CONTACT, REAL_CONTACT, FollowUp  # noqa: E402, F401
from .records import (  # noqa: E402, F401
    GrowthRecord,
    Homework,
    LearningPlan,
    MonthlyAssessment,
    SatisfactionSurvey,
    SurveyAnswer,
    SurveyQuestion,
    TeacherSummary,
)
# --- end of follow-ups and monthly records ---------------------------------------------
