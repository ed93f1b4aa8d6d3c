"""Every Excel export writes its rows through `append`: what a user typed comes out as
text, never as a formula, whatever it holds.

openpyxl takes a string that starts with "=" for a formula (`=HYPERLINK(...)` in a name
would be a live link in the finance office's spreadsheet), and refuses a control character
with IllegalCharacterError (one such name made the whole export fail). Here a string is
always a text cell, marked as quoted (Excel keeps it text when the cell is edited) when it
starts like a formula, and any character a workbook cannot hold is replaced."""

import re
from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

REPLACEMENT = "\ufffd"
# Excel, LibreOffice and Google Sheets read a cell typed with one of these first as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
LONGEST_CELL = 32767  # Excel's limit on a cell's text
_SURROGATES = re.compile("[\ud800-\udfff]")


def text(value: str) -> str:
    """`value` with every character a workbook cannot hold replaced, within a cell's limit."""
    value = _SURROGATES.sub(REPLACEMENT, ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value))
    return value[:LONGEST_CELL]


def cell(sheet: Worksheet | WriteOnlyWorksheet, value: Any) -> Cell | None:
    """A cell of `sheet` holding `value`: a string as plain text, anything else as is.
    Every value is a Cell of its own: a write-only sheet reuses one cell for the plain
    values of a row, which would lose a string's text type. (Row and column are the
    sheet's to set when the row is appended.)"""
    if value is None:
        return None
    found = Cell(sheet, row=1, column=1)
    if not isinstance(value, str):
        found.value = value
        return found
    found.value = text(value)
    found.data_type = "s"  # set after the value: openpyxl made "=…" a formula
    if value.startswith(FORMULA_STARTS):
        found.quotePrefix = True
    return found


def append(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    """Append one row to `sheet` (an ordinary or a write-only sheet)."""
    sheet.append([cell(sheet, value) for value in values])


def to_bytes(book: Workbook) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, filename: str) -> HttpResponse:
    """An export handed to the browser as the file `filename`."""
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
