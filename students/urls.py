from django.urls import include, path

from .views import assessments, handover, leads, lobby, reception, roster, students

app_name = "students"
urlpatterns = [
    path("students/", include([
        path("", students.student_list, name="list"),
        path("export.xlsx", roster.student_export, name="export"),
        path("import/", roster.roster_import, name="import"),
        path("new/", students.student_new, name="new"),
        path("phone-check/", students.phone_check, name="phone_check"),
        path("pick/", students.student_pick, name="pick"),
        path("<int:pk>/", students.student_detail, name="detail"),
        path("<int:pk>/edit/", students.student_edit, name="edit"),
        path("<int:pk>/number/", students.student_number, name="number"),
        path("<int:pk>/file.pdf", students.student_pdf, name="pdf"),
        path("<int:pk>/guardians/", students.guardian_action, name="guardians"),
        path("<int:pk>/assessments/", assessments.student_assessment, name="assessments"),
        path("handover/", handover.handover, name="handover"),
        path("first-call/<int:pk>/", handover.first_call_done, name="first_call"),
        path("leads/", leads.lead_board, name="leads"),
        path("leads/<int:pk>/", leads.lead_detail, name="lead"),
        path("leads/<int:pk>/convert/", leads.lead_convert, name="lead_convert"),
        path("reception/", reception.reception_log, name="reception"),
        path("duty/", lobby.duty_log, name="duty"),
    ])),
]
