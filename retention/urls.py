from django.urls import include, path

from .views import followups, kpis, penalties, records, refunds, saving

app_name = "retention"
urlpatterns = [
    path("retention/", include([
        # follow-ups and the advisor's day
        path("day/", followups.day, name="day"),
        path("day/log/", followups.day_log, name="day_log"),
        path("follow-ups/", followups.follow_up_list, name="follow_ups"),
        path("students/<int:student_id>/follow-ups/new/", followups.follow_up_new, name="follow_up_new"),
        # monthly records
        path("records/", records.record_list, name="records"),
        path("records/missing/", records.record_missing, name="record_missing"),
        path("records/students/<int:student_id>/", records.record_student, name="record_student"),
        # order saving (挽单)
        path("save-cases/", saving.save_case_list, name="save_cases"),
        path("save-cases/<int:case_id>/", saving.save_case_detail, name="save_case"),
        path("packages/<int:package_id>/save-case/", saving.save_case_new, name="save_case_new"),
        # refunds (退费)
        path("refunds/", refunds.refund_list, name="refunds"),
        path("refunds/analysis/", refunds.refund_analysis_page, name="refund_analysis"),
        path("refunds/settings/", refunds.refund_settings, name="refund_settings"),
        path("refunds/<int:refund_id>/", refunds.refund_detail, name="refund"),
        path("refunds/<int:refund_id>/step/", refunds.refund_step, name="refund_step"),
        path("refunds/<int:refund_id>/application.pdf", refunds.refund_pdf, name="refund_pdf"),
        # staff rules and penalties
        path("penalties/", penalties.penalty_list, name="penalties"),
        path("penalties/<int:incident_id>/void/", penalties.penalty_void, name="penalty_void"),
        path("penalties/statement/", penalties.statement, name="statement"),
        path("penalties/statement.pdf", penalties.statement_pdf, name="statement_pdf"),
        path("penalties/statement.xlsx", penalties.statement_xlsx, name="statement_xlsx"),
        path("staff-rules/", penalties.rule_list, name="staff_rules"),
        path("staff-rules/<str:code>/edit/", penalties.rule_edit, name="staff_rule_edit"),
        path("spot-checks/", penalties.spot_checks, name="spot_checks"),
        # the five KPIs (五大指标)
        path("kpis/", kpis.kpi_dashboard, name="kpis"),
        path("kpis/<slug:key>/", kpis.kpi_students, name="kpi_students"),
    ])),
]
