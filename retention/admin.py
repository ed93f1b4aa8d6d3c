"""Admin of retention for hq_admin, one block a topic. The log and the monthly records
are written through the services (who may, which month, once); the admin reads them."""

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ReadOnlyAdminMixin

# --- follow-ups and monthly records ----------------------------------------------------
from .models import FollowUp, records


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["contacted_at", "student", "kind", "contact", "channel", "satisfaction", "by", "campus"]
    list_filter = ["campus", "kind", "channel"]
    search_fields = ["student__name", "summary"]
    date_hierarchy = "contacted_at"


@admin.register(records.MonthlyAssessment)
class MonthlyAssessmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["month", "student", "subject", "score", "shared_with_parent_at", "by"]
    list_filter = ["campus", "subject"]
    search_fields = ["student__name"]


@admin.register(records.LearningPlan, records.GrowthRecord)
class MonthlyRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["month", "student", "by", "created_at"]
    list_filter = ["campus"]
    search_fields = ["student__name", "content"]


@admin.register(records.Homework)
class HomeworkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["set_at", "student", "subject", "due_on", "result", "shown_to_parent_at", "set_by"]
    list_filter = ["campus", "result"]
    search_fields = ["student__name", "content"]


@admin.register(records.TeacherSummary)
class TeacherSummaryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["period_start", "period_end", "student", "subject", "kind", "by"]
    list_filter = ["campus", "kind"]
    search_fields = ["student__name", "content"]


class SurveyAnswerInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = records.SurveyAnswer
    extra = 0


@admin.register(records.SatisfactionSurvey)
class SatisfactionSurveyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["month", "student", "respondent", "by"]
    list_filter = ["campus", "respondent"]
    search_fields = ["student__name", "comment"]
    inlines = [SurveyAnswerInline]


@admin.register(records.SurveyQuestion)
class SurveyQuestionAdmin(admin.ModelAdmin):
    """Headquarters words the survey: add, reorder, retire (a retired question keeps its answers)."""

    list_display = ["text", "order", "active"]
    list_editable = ["order", "active"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# --- end of follow-ups and monthly records ---------------------------------------------


# --- staff rules and penalties: written through the services (ladder, joint, restating) --
from .models import Incident, SpotCheck, StaffRule  # noqa: E402


@admin.register(StaffRule)
class StaffRuleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "campus", "effective_from", "supervisor_amount", "principal_amount", "changed_by"]
    list_filter = ["campus", "code"]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["occurred_on", "staff", "rule_code", "level", "amount", "source", "student", "voided_at", "campus"]
    list_filter = ["campus", "rule_code", "level", "source"]
    search_fields = ["staff__user__username", "student__name", "note"]
    date_hierarchy = "occurred_on"


@admin.register(SpotCheck)
class SpotCheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["week", "advisor", "follow_up", "result", "checked_by", "campus"]
    list_filter = ["campus", "result"]
