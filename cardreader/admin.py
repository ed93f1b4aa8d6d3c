from django.contrib import admin

from .models import Reader


@admin.register(Reader)
class ReaderAdmin(admin.ModelAdmin):
    list_display = ["name", "campus", "is_active", "created_at"]
    list_filter = ["campus", "is_active"]
    readonly_fields = ["token"]
