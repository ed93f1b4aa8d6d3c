from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .forms import DatesInRangeForm
from .models import ApiToken, Campus, DailyReport, JobRun, Message, Staff, Subject, Todo


class ReadOnlyAdminMixin:
    """For a ModelAdmin or an inline of records that change only through their services
    (which lock, check the rules and keep the caches): hq_admin reads them, never edits."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Campus)
class CampusAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "phone"]
    search_fields = ["code", "name"]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Staff)
class StaffAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "campus", "supervisor"]
    list_filter = ["role", "campus"]
    search_fields = ["user__username", "user__first_name"]
    autocomplete_fields = ["supervisor", "subjects"]
    raw_id_fields = ["user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = DatesInRangeForm
    list_display = ["prefix", "kind", "staff", "campus", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["kind", "campus"]
    readonly_fields = ["key_hash", "prefix", "created_at", "last_used_at"]


# What the jobs record (core/jobs.py, core/todos.py, core/messaging.py, core/reports.py):
# hq_admin reads it; the jobs and their services write it.
@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["job", "day", "status", "attempts", "created", "started_at", "finished_at"]
    list_filter = ["status", "job"]


@admin.register(Todo)
class TodoAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["text", "assignee", "campus", "kind", "day", "done_at"]
    list_filter = ["kind", "campus"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["to", "channel", "status", "attempts", "last_error", "created_at", "sent_at"]
    list_filter = ["status", "channel", "campus"]
    search_fields = ["to", "key"]


@admin.register(DailyReport)
class DailyReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["campus", "day", "filed_at", "file"]
    list_filter = ["campus"]
