from django.urls import path  # noqa: F401

app_name = "retention"
urlpatterns: list = []

# --- follow-ups, the advisor's day and monthly records ---------------------------------
from .views import followups as followup_views  # noqa: E402
from .views import records as record_views  # noqa: E402

urlpatterns += [
    path("retention/day/", followup_views.day, name="day"),
    path("retention/day/log/", followup_views.day_log, name="day_log"),
    path("retention/follow-ups/", followup_views.follow_up_list, name="follow_ups"),
    path("retention/students/<int:student_id>/follow-ups/new/", followup_views.follow_up_new, name="follow_up_new"),
    path("retention/records/", record_views.record_list, name="records"),
    path("retention/records/missing/", record_views.record_missing, name="record_missing"),
    path("retention/records/students/<int:student_id>/", record_views.record_student, name="record_student"),
]
# --- end of follow-ups, the advisor's day and monthly records ----------------------------
