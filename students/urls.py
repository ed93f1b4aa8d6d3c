from django.urls import path

from . import views, views_extra, views_leads

app_name = "students"
urlpatterns = [
    path("students/", views.student_list, name="list"),
    path("students/export.xlsx", views_extra.student_export, name="export"),
    path("students/import/", views_extra.roster_import, name="import"),
    path("students/new/", views.student_new, name="new"),
    path("students/phone-check/", views.phone_check, name="phone_check"),
    path("students/<int:pk>/", views.student_detail, name="detail"),
    path("students/<int:pk>/edit/", views.student_edit, name="edit"),
    path("students/<int:pk>/file.pdf", views_extra.student_pdf, name="pdf"),
    path("students/<int:pk>/guardians/", views.guardian_action, name="guardians"),
    path("students/<int:pk>/assessments/", views.student_assessment, name="assessments"),
    path("students/handover/", views.handover, name="handover"),
    path("students/first-call/<int:pk>/", views.first_call_done, name="first_call"),
    path("students/leads/", views_leads.lead_board, name="leads"),
    path("students/leads/<int:pk>/", views_leads.lead_detail, name="lead"),
    path("students/leads/<int:pk>/convert/", views_leads.lead_convert, name="lead_convert"),
    path("students/reception/", views_leads.reception_log, name="reception"),
    path("students/duty/", views_extra.duty_log, name="duty"),
]
