from django.urls import path  # noqa: F401

app_name = "retention"
urlpatterns: list = []

# --- order saving (挽单) and refunds (退费) ---
from .views import refunds as refund_views  # noqa: E402
from .views import saving as saving_views  # noqa: E402

urlpatterns += [
    path("retention/save-cases/", saving_views.save_case_list, name="save_cases"),
    path("retention/save-cases/<int:case_id>/", saving_views.save_case_detail, name="save_case"),
    path("retention/packages/<int:package_id>/save-case/", saving_views.save_case_new, name="save_case_new"),
    path("retention/refunds/", refund_views.refund_list, name="refunds"),
    path("retention/refunds/analysis/", refund_views.refund_analysis_page, name="refund_analysis"),
    path("retention/refunds/settings/", refund_views.refund_settings, name="refund_settings"),
    path("retention/refunds/<int:refund_id>/", refund_views.refund_detail, name="refund"),
    path("retention/refunds/<int:refund_id>/step/", refund_views.refund_step, name="refund_step"),
    path("retention/refunds/<int:refund_id>/application.pdf", refund_views.refund_pdf, name="refund_pdf"),
]
# --- end of order saving and refunds ---
