"""Every business action of billing, one function each. Callers import from here:
`from billing.services import package_deduct`."""

from .goods import goods_create, goods_sell, goods_stock_in, goods_update
from .ledger import (
    CHECKIN_REFUSAL_ORDER,
    REFUSAL_MESSAGES,
    ledger_reverse,
    lesson_refusal,
    package_deduct,
    package_expire,
    package_for_checkin,
    packages_expire_due,
    refusal_error,
)
from .packages import (
    MANAGEMENT_FEE,
    PackageTerms,
    package_create,
    package_refund,
    package_sale_plan,
    package_validate,
)
from .payments import OTHER_PURPOSES, payment_record, payment_record_other, receipt_number_take

__all__ = [
    "CHECKIN_REFUSAL_ORDER",
    "MANAGEMENT_FEE",
    "OTHER_PURPOSES",
    "REFUSAL_MESSAGES",
    "PackageTerms",
    "goods_create",
    "goods_sell",
    "goods_stock_in",
    "goods_update",
    "ledger_reverse",
    "lesson_refusal",
    "package_create",
    "package_deduct",
    "package_expire",
    "package_for_checkin",
    "packages_expire_due",
    "package_refund",
    "package_sale_plan",
    "package_validate",
    "payment_record",
    "payment_record_other",
    "receipt_number_take",
    "refusal_error",
]
