from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .forms import DatesInRangeForm
from .models import ApiToken, Campus, Staff, Subject


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
