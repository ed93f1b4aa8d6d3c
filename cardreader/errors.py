"""The error codes of cardreader (API.md § Cards, § Swipes). The lesson refusals
(no_package, no_lessons_left, package_expired, payment_due) are billing's codes, passed
through unchanged."""

from enum import StrEnum


class CardError(StrEnum):
    # cards (409)
    CARD_IN_USE = "card_in_use"
    STUDENT_HAS_CARD = "student_has_card"
    TEACHER_HAS_CARD = "teacher_has_card"
    CARD_NOT_LOST = "card_not_lost"
    CARD_NOT_ACTIVE = "card_not_active"
    # swipes (409)
    UNKNOWN_CARD = "unknown_card"
    CARD_LOST = "card_lost"
    CARD_RETURNED = "card_returned"
    DUPLICATE_SWIPE = "duplicate_swipe"
    ALREADY_CHECKED_IN = "already_checked_in"
    SWIPE_ID_IN_USE = "swipe_id_in_use"
    # the kiosk's question (`ask_kind`): main or practice? (409, nothing deducted)
    LESSON_KIND_REQUIRED = "lesson_kind_required"
    # bad input (422)
    INVALID = "invalid"
    INVALID_CARD = "invalid_card"
    SWIPED_AT_OUT_OF_RANGE = "swiped_at_out_of_range"
