"""Admin for hq_admin. Lessons, check-ins and their records are read-only here: they are
made by the services, which check double booking, subjects and notify the families."""

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin

from .models import (
    Attendance,
    FreeSlot,
    GroupClass,
    GroupMember,
    GroupSession,
    Lesson,
    LessonChange,
    Notification,
    Room,
    TeacherChange,
    TeacherClock,
    TeacherProfile,
)


class ReadOnly(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A record the services write: hq_admin reads it here."""


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "campus"]
    list_filter = ["campus"]
    search_fields = ["name"]


class FreeSlotInline(admin.TabularInline):
    model = FreeSlot
    extra = 1


@admin.register(TeacherProfile)
class TeacherProfileAdmin(admin.ModelAdmin):
    list_display = ["teacher", "level", "style"]
    list_filter = ["level", "style"]
    inlines = [FreeSlotInline]
    raw_id_fields = ["teacher"]


@admin.register(Lesson)
class LessonAdmin(SimpleHistoryAdmin, ReadOnly):
    list_display = ["starts_at", "ends_at", "student", "teacher", "subject", "room", "lesson_kind", "status"]
    list_filter = ["status", "lesson_kind", "campus"]
    search_fields = ["student__name", "teacher__user__username"]
    date_hierarchy = "starts_at"


@admin.register(Attendance)
class AttendanceAdmin(ReadOnly):
    list_display = ["checked_in_at", "student", "lesson", "package", "source"]
    list_filter = ["source", "campus"]
    search_fields = ["student__name"]


@admin.register(TeacherClock)
class TeacherClockAdmin(ReadOnly):
    list_display = ["at", "teacher", "kind", "source"]
    list_filter = ["kind", "campus"]


@admin.register(LessonChange)
class LessonChangeAdmin(ReadOnly):
    list_display = ["created_at", "lesson", "kind", "late_notice", "reason", "created_by"]
    list_filter = ["kind", "late_notice"]


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ["created_at", "recipient", "phone", "kind", "message", "sent_at"]
    list_filter = ["recipient", "kind", "campus"]


@admin.register(TeacherChange)
class TeacherChangeAdmin(ReadOnly):
    list_display = ["created_at", "student", "subject", "from_teacher", "to_teacher", "requested_by", "reason"]
    list_filter = ["requested_by", "campus"]


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    can_delete = False
    readonly_fields = ["student", "joined_at"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(GroupClass)
class GroupClassAdmin(ReadOnly):
    list_display = ["name", "subject", "teacher", "room", "capacity", "campus"]
    list_filter = ["campus"]
    inlines = [GroupMemberInline]
    raw_id_fields = ["teacher"]


@admin.register(GroupSession)
class GroupSessionAdmin(ReadOnly):
    list_display = ["starts_at", "ends_at", "group", "teacher", "room", "status"]
    list_filter = ["status", "campus"]
