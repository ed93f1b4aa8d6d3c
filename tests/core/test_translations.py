"""Every English catalogue is complete and its compiled .mo matches the .po (run
`make messages` after editing a .po)."""

import ast
import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(p for p in ROOT.glob("**/locale/en/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def po_entries(path: Path) -> list[tuple[str | None, str, str, bool]]:
    """(msgctxt, msgid, msgstr, fuzzy) of each singular entry of a .po file; the header is skipped."""
    entries: list[tuple[str | None, str, str, bool]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            match = re.match(r'^(msgid|msgstr|msgctxt|msgid_plural|msgstr\[\d+\]) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid") and "msgid_plural" not in fields:
            entries.append((fields.get("msgctxt"), fields["msgid"], fields.get("msgstr", ""), fuzzy))
    return entries


PLACEHOLDER = re.compile(r"%\(\w+\)s|%s|\{\w*\}|<[^>]+>")
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_there_are_catalogues():
    assert ROOT / "locale/en/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_has_an_english_translation(po):
    missing = [msgid for _ctx, msgid, msgstr, fuzzy in po_entries(po) if not msgstr or fuzzy]
    assert missing == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_translations_keep_their_placeholders_and_leave_no_chinese(po):
    entries = po_entries(po)
    assert [m for _c, m, s, _f in entries if sorted(PLACEHOLDER.findall(m)) != sorted(PLACEHOLDER.findall(s))] == []
    # the free-time field reads Chinese weekday names only, so its help quotes them as typed
    assert [m for _c, m, s, _f in entries if HAN.search(s.replace("周一", "").replace("周日", ""))] == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_matches_its_source(po):
    with open(po.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for ctx, msgid, msgstr, _fuzzy in po_entries(po)
        if (compiled.pgettext(ctx, msgid) if ctx else compiled.gettext(msgid)) != msgstr
    ]
    assert stale == []


def test_the_same_chinese_word_keeps_its_meaning_in_each_place():
    from django.utils import translation

    from billing.models import Payment
    from scheduling.models import Attendance
    from students.models import ReceptionEntry

    with translation.override("en"):
        assert str(Payment.Method.BANK_CARD.label) == "Bank card"
        assert str(Attendance.Source.SWIPE.label) == "Card swipe"
        assert str(Payment.Method.WECHAT.label) == "WeChat Pay"
        assert str(ReceptionEntry.Channel.WECHAT.label) == "WeChat"
    with translation.override("zh-hans"):
        assert str(Payment.Method.BANK_CARD.label) == str(Attendance.Source.SWIPE.label) == "刷卡"
