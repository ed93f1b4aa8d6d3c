from django.urls import path

from . import views

app_name = "cardreader"
urlpatterns = [
    path("kiosk/", views.kiosk, name="kiosk"),
    path("kiosk/ping/", views.kiosk_ping, name="ping"),
    path("kiosk/slips/<int:attendance_id>/", views.slip, name="slip"),
    path("kiosk/deduct/", views.deduct, name="deduct"),
    path("kiosk/deduct/<int:package_id>/", views.deduct_package, name="deduct_package"),
    path("cards/", views.cards, name="cards"),
    path("cards/students/<int:student_id>/issue/", views.card_issue, name="card_issue"),
    path("cards/teachers/issue/", views.teacher_card_issue, name="teacher_card_issue"),
    path("cards/<int:card_id>/lost/", views.card_lost, name="card_lost"),
    path("cards/<int:card_id>/return/", views.card_return, name="card_return"),
    path("cards/<int:card_id>/replace/", views.card_replace, name="card_replace"),
]
