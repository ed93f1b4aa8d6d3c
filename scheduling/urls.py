from django.urls import include, path

from . import views

app_name = "scheduling"
urlpatterns = [
    path("schedule/", include([
        path("", views.week, name="week"),
        path("week.pdf", views.week_pdf, name="week_pdf"),
        path("lessons/new/", views.lesson_new, name="lesson_new"),
        path("lessons/check/", views.lesson_check, name="lesson_check"),
        path("lessons/<int:pk>/", views.lesson_detail, name="lesson_detail"),
        path("lessons/<int:pk>/leave/", views.lesson_leave, name="lesson_leave"),
        path("lessons/<int:pk>/reschedule/", views.lesson_reschedule, name="lesson_reschedule"),
        path("lessons/<int:pk>/makeup/", views.lesson_makeup, name="lesson_makeup"),
        path("lessons/<int:pk>/cancel/", views.lesson_cancel, name="lesson_cancel"),
        path("lessons/<int:pk>/confirm/", views.lesson_confirm, name="lesson_confirm"),
        path("tomorrow/", views.day_ahead, name="day_ahead"),
        path("reconciliation/", views.reconciliation, name="reconciliation"),
        path("timekeeping/", views.timekeeping, name="timekeeping"),
        path("teachers/", views.teachers, name="teachers"),
        path("teachers/<int:pk>/profile/", views.teacher_profile, name="teacher_profile"),
        path("teacher-changes/", views.teacher_changes, name="teacher_changes"),
        path("groups/", views.groups, name="groups"),
        path("groups/<int:pk>/", views.group_detail, name="group_detail"),
        path("groups/<int:pk>/remove/", views.group_member_remove, name="group_member_remove"),
        path("groups/<int:pk>/sessions/<int:session_id>/", views.session_checkins, name="session_checkins"),
    ])),
    # 手工扣课 of billing's package page keeps billing's path, but a lesson used by hand is
    # a check-in (an Attendance), which only scheduling can record and billing cannot
    # import: scheduling serves that path, and the package page posts to it by this name.
    path("billing/packages/<int:package_id>/deduct/", views.package_deduct, name="package_deduct"),
]
