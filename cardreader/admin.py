from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Card, Reader, Swipe


@admin.register(Reader)
class ReaderAdmin(admin.ModelAdmin):
    list_display = ["name", "campus", "is_active", "created_at"]
    list_filter = ["campus", "is_active"]
    readonly_fields = ["token"]


@admin.register(Card)
class CardAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: cards change through the front-desk pages, where the deposit is taken."""

    list_display = ["card_number", "chip_uid", "student", "teacher", "status", "deposit", "issued_at"]
    list_filter = ["campus", "status"]
    search_fields = ["card_number", "chip_uid", "student__name"]


@admin.register(Swipe)
class SwipeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit of every swipe; never edited."""

    list_display = ["swiped_at", "card_text", "result", "code", "reader", "received_at"]
    list_filter = ["campus", "result", "code"]
    search_fields = ["swipe_id", "card_text"]
    date_hierarchy = "swiped_at"
