from django.urls import path

from .views import followups, kpis, penalties, records, refunds, saving

app_name = "retention"
urlpatterns = [
    # follow-ups and the advisor's day
    path("retention/day/", followups.day, name="day"),
    path("retention/day/log/", followups.day_log, name="day_log"),
    path("retention/follow-ups/", followups.follow_up_list, name="follow_ups"),
    path("retention/students/<int:student_id>/follow-ups/new/", followups.follow_up_new, name="follow_up_new"),
    # monthly records
    path("retention/records/", records.record_list, name="records"),
    path("retention/records/missing/", records.record_missing, name="record_missing"),
    path("retention/records/students/<int:student_id>/", records.record_student, name="record_student"),
    # order saving (挽单)
    path("retention/save-cases/", saving.save_case_list, name="save_cases"),
    path("retention/save-cases/<int:case_id>/", saving.save_case_detail, name="save_case"),
    path("retention/packages/<int:package_id>/save-case/", saving.save_case_new, name="save_case_new"),
    # refunds (退费)
    path("retention/refunds/", refunds.refund_list, name="refunds"),
    path("retention/refunds/analysis/", refunds.refund_analysis_page, name="refund_analysis"),
    path("retention/refunds/settings/", refunds.refund_settings, name="refund_settings"),
    path("retention/refunds/<int:refund_id>/", refunds.refund_detail, name="refund"),
    path("retention/refunds/<int:refund_id>/step/", refunds.refund_step, name="refund_step"),
    path("retention/refunds/<int:refund_id>/application.pdf", refunds.refund_pdf, name="refund_pdf"),
    # staff rules and penalties
    path("retention/penalties/", penalties.penalty_list, name="penalties"),
    path("retention/penalties/<int:incident_id>/void/", penalties.penalty_void, name="penalty_void"),
    path("retention/penalties/statement/", penalties.statement, name="statement"),
    path("retention/penalties/statement.pdf", penalties.statement_pdf, name="statement_pdf"),
    path("retention/penalties/statement.xlsx", penalties.statement_xlsx, name="statement_xlsx"),
    path("retention/staff-rules/", penalties.rule_list, name="staff_rules"),
    path("retention/staff-rules/<str:code>/edit/", penalties.rule_edit, name="staff_rule_edit"),
    path("retention/spot-checks/", penalties.spot_checks, name="spot_checks"),
    # the five KPIs (五大指标)
    path("retention/kpis/", kpis.kpi_dashboard, name="kpis"),
    path("retention/kpis/<slug:key>/", kpis.kpi_students, name="kpi_students"),
]
