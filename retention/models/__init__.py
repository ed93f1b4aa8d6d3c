"""The models of retention, one module a topic: follow-ups and monthly records; order saving
and refunds."""

from .followups import NOT_REAL_CONTACT, REAL_CONTACT, FollowUp
from .records import (
    GrowthRecord,
    Homework,
    LearningPlan,
    MonthlyAssessment,
    SatisfactionSurvey,
    SurveyAnswer,
    SurveyQuestion,
    TeacherSummary,
)
from .refunds import CampusRefundFee, Refund, RefundReason, RefundSignature, RefundStep
from .saving import SaveCase, SaveCaseEntry

__all__ = [
    "NOT_REAL_CONTACT",
    "REAL_CONTACT",
    "CampusRefundFee",
    "FollowUp",
    "GrowthRecord",
    "Homework",
    "LearningPlan",
    "MonthlyAssessment",
    "Refund",
    "RefundReason",
    "RefundSignature",
    "RefundStep",
    "SatisfactionSurvey",
    "SaveCase",
    "SaveCaseEntry",
    "SurveyAnswer",
    "SurveyQuestion",
    "TeacherSummary",
]
