"""The error codes of billing. The lesson codes are the API's swipe / deduction codes
(API.md § Swipes), so the cardreader app passes them through unchanged."""

from enum import StrEnum


class BillingError(StrEnum):
    # A lesson cannot be used (409)
    NO_PACKAGE = "no_package"
    NO_LESSONS_LEFT = "no_lessons_left"
    PACKAGE_EXPIRED = "package_expired"
    PAYMENT_DUE = "payment_due"
    PACKAGE_REFUNDED = "package_refunded"
    # Money and state (409)
    PAID_IN_FULL = "paid_in_full"
    ALREADY_REVERSED = "already_reversed"
    NOT_REVERSIBLE = "not_reversible"
    NOT_EXPIRED = "not_expired"
    OUT_OF_STOCK = "out_of_stock"
    # Bad input (422)
    INVALID = "invalid"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_PURPOSE = "invalid_purpose"
