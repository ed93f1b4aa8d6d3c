"""Every business action of cardreader, one keyword-only function per action. Callers
import from here: `from cardreader.services import card_issue`.

A lesson used by hand at the desk (手工扣课) is scheduling's `checkin_manual`: the same
service as billing's package page and the API."""

from .cards import (
    CARD_DEPOSIT,
    REPLACEMENT_FEE,
    card_issue,
    card_issue_teacher,
    card_replace,
    card_report_lost,
    card_return,
    cards_matching,
)
from .swipes import (
    REPEAT_GUARD,
    SwipeAnswer,
    is_repeat_swipe,
    reader_register,
    swipe_record,
    swipe_validate,
)

__all__ = [
    "CARD_DEPOSIT",
    "REPEAT_GUARD",
    "REPLACEMENT_FEE",
    "SwipeAnswer",
    "card_issue",
    "card_issue_teacher",
    "card_replace",
    "card_report_lost",
    "card_return",
    "cards_matching",
    "is_repeat_swipe",
    "reader_register",
    "swipe_record",
    "swipe_validate",
]
