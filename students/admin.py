"""The admin (hq_admin) view of students/. Business changes go through the pages and the
services; here the records are read, searched and corrected."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.forms import DatesInRangeForm

from .models import (
    AdvisorAssignment,
    Assessment,
    Guardian,
    HygieneFinding,
    HygieneRound,
    Lead,
    ReceptionEntry,
    Student,
    TrialLesson,
)


class GuardianInline(admin.TabularInline):
    model = Guardian
    extra = 0


@admin.register(Student)
class StudentAdmin(SimpleHistoryAdmin):
    form = DatesInRangeForm
    list_display = ["name", "campus", "gender", "birthday", "grade", "advisor", "created_at"]
    list_filter = ["campus", "gender", "learning_type", "profile"]
    search_fields = ["name", "guardians__phone"]
    raw_id_fields = ["advisor", "referred_by", "created_by"]
    inlines = [GuardianInline]


@admin.register(AdvisorAssignment)
class AdvisorAssignmentAdmin(admin.ModelAdmin):
    form = DatesInRangeForm
    list_display = ["student", "advisor", "assigned_at", "first_call_due", "first_call_done_at", "ended_at"]
    list_filter = ["student__campus"]
    raw_id_fields = ["student", "advisor", "previous_advisor", "assigned_by"]


@admin.register(Lead)
class LeadAdmin(SimpleHistoryAdmin):
    form = DatesInRangeForm
    list_display = ["name", "phone", "campus", "source", "status", "created_at"]
    list_filter = ["campus", "source", "status"]
    search_fields = ["name", "phone"]
    raw_id_fields = ["referred_by", "student", "owner", "created_by"]


@admin.register(ReceptionEntry)
class ReceptionEntryAdmin(admin.ModelAdmin):
    form = DatesInRangeForm
    list_display = ["occurred_at", "campus", "channel", "category", "visitor", "phone"]
    list_filter = ["campus", "channel", "category"]
    raw_id_fields = ["lead", "student", "created_by"]


@admin.register(TrialLesson)
class TrialLessonAdmin(admin.ModelAdmin):
    form = DatesInRangeForm
    list_display = ["lead", "subject", "teacher", "starts_at", "minutes", "status"]
    raw_id_fields = ["lead", "teacher", "created_by"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    form = DatesInRangeForm
    list_display = ["subject", "lead", "student", "taken_at", "analysis_due", "analysed_at"]
    raw_id_fields = ["lead", "student", "analysed_by", "created_by"]


class HygieneFindingInline(admin.TabularInline):
    form = DatesInRangeForm
    model = HygieneFinding
    extra = 0
    raw_id_fields = ["closed_by"]


@admin.register(HygieneRound)
class HygieneRoundAdmin(admin.ModelAdmin):
    form = DatesInRangeForm
    list_display = ["checked_at", "campus", "checked_by", "all_ok"]
    list_filter = ["campus", "all_ok"]
    inlines = [HygieneFindingInline]
