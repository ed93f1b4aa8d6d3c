from django.urls import path

from .views import assessments, handover, leads, lobby, reception, roster, students

app_name = "students"
urlpatterns = [
    path("students/", students.student_list, name="list"),
    path("students/export.xlsx", roster.student_export, name="export"),
    path("students/import/", roster.roster_import, name="import"),
    path("students/new/", students.student_new, name="new"),
    path("students/phone-check/", students.phone_check, name="phone_check"),
    path("students/pick/", students.student_pick, name="pick"),
    path("students/<int:pk>/", students.student_detail, name="detail"),
    path("students/<int:pk>/edit/", students.student_edit, name="edit"),
    path("students/<int:pk>/number/", students.student_number, name="number"),
    path("students/<int:pk>/file.pdf", students.student_pdf, name="pdf"),
    path("students/<int:pk>/guardians/", students.guardian_action, name="guardians"),
    path("students/<int:pk>/assessments/", assessments.student_assessment, name="assessments"),
    path("students/handover/", handover.handover, name="handover"),
    path("students/first-call/<int:pk>/", handover.first_call_done, name="first_call"),
    path("students/leads/", leads.lead_board, name="leads"),
    path("students/leads/<int:pk>/", leads.lead_detail, name="lead"),
    path("students/leads/<int:pk>/convert/", leads.lead_convert, name="lead_convert"),
    path("students/reception/", reception.reception_log, name="reception"),
    path("students/duty/", lobby.duty_log, name="duty"),
]
