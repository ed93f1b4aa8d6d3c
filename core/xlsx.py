"""Every Excel export writes its rows through `append`: what a user typed comes out as
text, never as a formula, whatever it holds.

openpyxl takes a string that starts with "=" for a formula (`=HYPERLINK(...)` in a name
would be a live link in the finance office's spreadsheet), and refuses a control character
with IllegalCharacterError (one such name made the whole export fail). Here a string is
always a text cell, marked as quoted (Excel keeps it text when the cell is edited) when it
starts like a formula, and any character a workbook cannot hold is replaced.

Two writers keep that rule. openpyxl (through `append`) for the small workbooks of several
sheets (the KPIs, the refund analysis, the daily report, a statement). `ListSheet` for the
lists that grow with the campus (the roster, the payment records): one sheet written
straight as SpreadsheetML, about forty times faster than openpyxl's cells, so that a
chain's 100,000 students export well inside a request's time."""

import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import get_column_letter
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


def starts_like_formula(value: str) -> bool:
    """Whether a spreadsheet would read `value`, typed into a cell, as a formula: such a
    text cell is marked quoted."""
    return value.startswith(FORMULA_STARTS)


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
    if starts_like_formula(value):
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


# --- ListSheet: one sheet of rows, written as SpreadsheetML text ------------------------

_EPOCH = datetime(1899, 12, 30)  # day 0 of a workbook's dates (1900 system, past Excel's leap-year bug)
# the cell formats of styles.xml below, by index: what each kind of value is shown as
_PLAIN, _QUOTED, _DATE, _DATETIME, _MONEY, _BOLD, _BOLD_QUOTED = range(7)
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="166" formatCode="#,##0.00"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" quotePrefix="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
_PARTS = {
    "[Content_Types].xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>""",
    "_rels/.rels": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>""",
    "xl/_rels/workbook.xml.rels": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/></Relationships>""",
    "xl/styles.xml": _STYLES,
}
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_SHEET_NAME_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")


class ListSheet:
    """A one-sheet workbook of rows: `append` each row (bold for a heading or a total),
    then `to_bytes`. Strings are text cells (quoted where they start like a formula, with
    what a workbook cannot hold replaced, as `text` does), numbers and Decimals numbers
    (Decimals shown as money, 1,234.50), dates and times dates. Times are written as given:
    pass local times."""

    def __init__(self, title: str, *, widths: Iterable[int] = ()) -> None:
        title = _SHEET_NAME_FORBIDDEN.sub(" ", text(title))[:31] or "Sheet1"
        self._out = BytesIO()
        self._book = zipfile.ZipFile(self._out, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        for name, content in _PARTS.items():
            self._book.writestr(name, content)
        self._book.writestr("xl/workbook.xml", _WORKBOOK.format(name=escape(title, {'"': "&quot;"})))
        # rows go to the compressed sheet as they come: a long list never sits in memory as text
        self._sheet = self._book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        columns = "".join(
            f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>' for i, width in enumerate(widths, 1)
        )
        self._sheet.write(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{f'<cols>{columns}</cols>' if columns else ''}<sheetData>".encode()
        )
        self._pending: list[str] = []
        self._rows = 0

    def append(self, values: Iterable[Any], *, bold: bool = False) -> None:
        self._rows += 1
        number = self._rows
        cells = []
        for i, value in enumerate(values):
            if value is not None:
                cells.append(self._cell(f"{get_column_letter(i + 1)}{number}", value, bold))
        self._pending.append(f'<row r="{number}">{"".join(cells)}</row>')
        if len(self._pending) >= 2000:
            self._flush()

    def _flush(self) -> None:
        self._sheet.write("".join(self._pending).encode())
        self._pending.clear()

    @staticmethod
    def _cell(ref: str, value: Any, bold: bool) -> str:
        if isinstance(value, str):
            style = (_BOLD_QUOTED if bold else _QUOTED) if starts_like_formula(value) else (
                _BOLD if bold else _PLAIN)
            return (f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
                    f"{escape(text(value))}</t></is></c>")
        if isinstance(value, bool):
            return f'<c r="{ref}" s="{_BOLD if bold else _PLAIN}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, datetime):
            serial = (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
            return f'<c r="{ref}" s="{_DATETIME}"><v>{serial!r}</v></c>'
        if isinstance(value, date):
            return f'<c r="{ref}" s="{_DATE}"><v>{(value - _EPOCH.date()).days}</v></c>'
        if isinstance(value, Decimal):
            return f'<c r="{ref}" s="{_MONEY}"><v>{value}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}" s="{_BOLD if bold else _PLAIN}"><v>{value!r}</v></c>'
        return ListSheet._cell(ref, str(value), bold)

    def to_bytes(self) -> bytes:
        """The finished workbook (the sheet takes no rows after this)."""
        self._flush()
        self._sheet.write(b"</sheetData></worksheet>")
        self._sheet.close()
        self._book.close()
        return self._out.getvalue()
