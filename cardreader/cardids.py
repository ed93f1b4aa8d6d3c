"""What a reader types, turned into one canonical id so every format of one card matches.

Readers at the desks type one of three formats for the same 4-byte chip:

| typed            | format                                   | canonical `key` | `key24`  |
|------------------|------------------------------------------|-----------------|----------|
| ``0012345678``   | 10 decimal digits: the 32-bit UID        | ``00BC614E``    | ``BC614E`` |
| ``04A1B2C3``     | 8 hex digits: the chip UID as printed    | ``04A1B2C3``    | ``A1B2C3`` |
| ``089,47544``    | Wiegand 26: facility (8 bit), number (16 bit) | —          | ``59B9B8`` |

The canonical `key` is the 32-bit value as 8 upper-case hex digits. Wiegand 26 carries
only the low 24 bits of the UID (facility × 65536 + number), so it is matched against
`key24`, the last six hex digits of the key. Other all-digit texts up to 4294967295 (not
8 digits) are read as decimal. Anything else (a longer UID, a bigger number, a printed code
like "C-0001") is kept as its upper-case text and matched exactly. Spaces, dashes and colons between the digits are ignored."""

import re
from dataclasses import dataclass

MAX_CARD_TEXT = 64
_SEPARATORS = re.compile(r"[\s\-:]")
_HEX8 = re.compile(r"^[0-9A-F]{8}$")
_DIGITS = re.compile(r"^[0-9]{1,10}$")
_W26 = re.compile(r"^([0-9]{1,3}),([0-9]{1,5})$")
_SAFE = re.compile(r"^[0-9A-Z_.,]{1,64}$")
_HEX = re.compile(r"^[0-9A-F]+$")
# A decimal reader pads to its width: 10 digits for a 4-byte UID, more for a longer one;
# 8 digits are a hex reader's UID that happens to have no letter.
DECIMAL_WIDTHS = (8, *range(10, 21))
# the kiosk takes no shorter burst for a card
MIN_HEX = 4


@dataclass(frozen=True)
class CardId:
    """One typed card text, read. `key` None means only the 24 bits are known (W26)."""

    raw: str
    key: str | None
    key24: str | None


def parse_card_text(text: str) -> CardId | None:
    """The canonical id of what a reader typed, or None when it is not a card text."""
    raw = (text or "").strip()
    if not raw or len(raw) > MAX_CARD_TEXT:
        return None
    compact = _SEPARATORS.sub("", raw).upper()
    w26 = _W26.match(compact)
    if w26:
        facility, number = int(w26.group(1)), int(w26.group(2))
        if facility <= 0xFF and number <= 0xFFFF:
            return CardId(raw=raw, key=None, key24=f"{facility << 16 | number:06X}")
    if len(compact) == 8 and _HEX8.match(compact):
        return CardId(raw=raw, key=compact, key24=compact[2:])
    if _DIGITS.match(compact) and int(compact) <= 0xFFFFFFFF:
        key = f"{int(compact):08X}"
        return CardId(raw=raw, key=key, key24=key[2:])
    if not _SAFE.match(compact):
        return None
    return CardId(raw=raw, key=compact, key24=None)


def typed_by_reader(text: str) -> bool:
    """Whether some reader format produces `text`, so a card issued with it can be swiped.

    A reader types only hex digits and the comma (the kiosk and the agent read nothing
    else): a Wiegand 26 pair within its 8 and 16 bits; digits only, padded to a decimal
    reader's width (`0012345678`; not `12345`); or hex with a letter, at least four
    characters (a chip UID, a printed code such as `C-0001`). Separators are ignored as
    when matching. `abcdefghij` has letters no reader types."""
    compact = _SEPARATORS.sub("", (text or "").strip()).upper()
    w26 = _W26.match(compact)
    if w26:
        return int(w26.group(1)) <= 0xFF and int(w26.group(2)) <= 0xFFFF
    if not _HEX.match(compact):
        return False
    if compact.isdigit():
        return len(compact) in DECIMAL_WIDTHS
    return len(compact) >= MIN_HEX
