from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from core import views as core_views

from .api import api

urlpatterns = [
    path("", core_views.home, name="home"),
    path("todos/<int:todo_id>/done/", core_views.todo_mark_done, name="todo_done"),
    path("reports/daily/", core_views.daily_report_page, name="daily_report"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("students.urls")),
    path("", include("billing.urls")),
    path("", include("scheduling.urls")),
    path("", include("cardreader.urls")),
    path("", include("retention.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
