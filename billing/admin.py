"""Admin for hq_admin. Everything here is read-only: packages, the ledger, payments and
stock move only through the services, which lock, check the rules and keep the caches."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin

from .models import GoodsItem, LedgerEntry, LessonPackage, Payment, ReceiptCounter, StockMovement


class LedgerInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LedgerEntry
    fk_name = "package"
    fields = ["occurred_at", "kind", "lessons", "balance_after", "reason", "created_by"]
    extra = 0


@admin.register(LessonPackage)
class LessonPackageAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["student", "course", "kind", "lessons_left", "lessons_used", "price", "paid", "valid_until", "campus"]
    list_filter = ["campus", "kind"]
    search_fields = ["student__name", "course"]
    inlines = [LedgerInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["package", "kind", "lessons", "balance_after", "occurred_at", "created_by"]
    list_filter = ["kind"]
    search_fields = ["package__student__name", "reason"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["receipt_no", "campus", "student", "purpose", "amount", "method", "paid_at", "created_by"]
    list_filter = ["campus", "purpose", "method"]
    search_fields = ["student__name", "note"]


@admin.register(ReceiptCounter)
class ReceiptCounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["campus", "last_number"]


@admin.register(GoodsItem)
class GoodsItemAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "spec", "category", "price", "stock", "warning_line", "campus"]
    list_filter = ["campus", "category"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["item", "kind", "quantity", "stock_after", "created_at", "created_by"]
    list_filter = ["kind"]
