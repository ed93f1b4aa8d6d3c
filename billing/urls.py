from django.urls import include, path

from . import views

app_name = "billing"
urlpatterns = [
    path("billing/", include([
        path("", views.index, name="index"),
        path("students/<int:student_id>/", views.student_billing, name="student"),
        path("students/<int:student_id>/packages/new/", views.package_new, name="package_new"),
        path("students/<int:student_id>/statement/", views.statement, name="statement"),
        path("students/<int:student_id>/statement.pdf", views.statement_pdf, name="statement_pdf"),
        path("packages/preview/", views.package_preview, name="package_preview"),
        path("packages/<int:package_id>/", views.package_detail, name="package"),
        path("packages/<int:package_id>/pay/", views.package_pay, name="package_pay"),
        path("packages/<int:package_id>/reverse/", views.ledger_reverse, name="ledger_reverse"),
        path("packages/<int:package_id>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
        path("receipts/<int:payment_id>/", views.receipt, name="receipt"),
        path("receipts/<int:payment_id>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
        path("payments/", views.payments, name="payments"),
        path("due/", views.dues, name="due"),
        path("goods/", views.goods, name="goods"),
        path("goods/<int:item_id>/", views.goods_item, name="goods_item"),
    ])),
]
