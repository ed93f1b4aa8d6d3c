"""The models of retention, one module a topic: follow-ups and monthly records; order saving
and refunds; staff rules and penalties."""

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
from .staff import Incident, Level, RuleCode, SpotCheck, StaffRule, StaffStatement

__all__ = [
    "NOT_REAL_CONTACT",
    "REAL_CONTACT",
    "CampusRefundFee",
    "FollowUp",
    "GrowthRecord",
    "Incident",
    "Level",
    "Homework",
    "LearningPlan",
    "MonthlyAssessment",
    "Refund",
    "RefundReason",
    "RefundSignature",
    "RefundStep",
    "RuleCode",
    "SatisfactionSurvey",
    "SaveCase",
    "SaveCaseEntry",
    "SpotCheck",
    "StaffRule",
    "StaffStatement",
    "SurveyAnswer",
    "SurveyQuestion",
    "TeacherSummary",
]
