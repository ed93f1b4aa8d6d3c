from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("billing/", views.index, name="index"),
    path("billing/students/<int:student_id>/", views.student_billing, name="student"),
    path("billing/students/<int:student_id>/packages/new/", views.package_new, name="package_new"),
    path("billing/students/<int:student_id>/statement/", views.statement, name="statement"),
    path("billing/students/<int:student_id>/statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("billing/packages/preview/", views.package_preview, name="package_preview"),
    path("billing/packages/<int:package_id>/", views.package_detail, name="package"),
    path("billing/packages/<int:package_id>/pay/", views.package_pay, name="package_pay"),
    path("billing/packages/<int:package_id>/reverse/", views.ledger_reverse, name="ledger_reverse"),
    path("billing/packages/<int:package_id>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("billing/receipts/<int:payment_id>/", views.receipt, name="receipt"),
    path("billing/receipts/<int:payment_id>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("billing/payments/", views.payments, name="payments"),
    path("billing/due/", views.dues, name="due"),
    path("billing/goods/", views.goods, name="goods"),
    path("billing/goods/<int:item_id>/", views.goods_item, name="goods_item"),
]
