from django.contrib import admin

from .models import Card, Reader, Swipe


@admin.register(Reader)
class ReaderAdmin(admin.ModelAdmin):
    list_display = ["name", "campus", "is_active", "created_at"]
    list_filter = ["campus", "is_active"]
    readonly_fields = ["token"]


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    """Read-only: cards change through the front-desk pages, where the deposit is taken."""

    list_display = ["card_number", "chip_uid", "student", "teacher", "status", "deposit", "issued_at"]
    list_filter = ["campus", "status"]
    search_fields = ["card_number", "chip_uid", "student__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Swipe)
class SwipeAdmin(admin.ModelAdmin):
    """The audit of every swipe; never edited."""

    list_display = ["swiped_at", "card_text", "result", "code", "reader", "received_at"]
    list_filter = ["campus", "result", "code"]
    search_fields = ["swipe_id", "card_text"]
    date_hierarchy = "swiped_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
