"""Excel roster in and out (openpyxl). The import reads every row, checks it with the same
rules as student_create and reports each bad row and why; nothing is saved until the user
confirms (roster_import_confirm)."""

import io
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from openpyxl import load_workbook

from core import xlsx
from core.dates import local_day
from core.errors import InvalidInput
from core.models import Campus, Staff

from .models import Guardian, Student
from .services import check_student, field_label, student_create

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

# Column headings of the roster, in order; the first guardian is the main decision maker.
COLUMNS = [
    ("name", "姓名"),
    ("gender", "性别"),
    ("birthday", "出生日期"),
    ("address", "家庭住址"),
    ("school", "学校"),
    ("grade", "年级"),
    ("g0_name", "家长1姓名"),
    ("g0_relation", "家长1关系"),
    ("g0_phone", "家长1手机"),
    ("g1_name", "家长2姓名"),
    ("g1_relation", "家长2关系"),
    ("g1_phone", "家长2手机"),
    ("advisor", "班主任账号"),
]
HEADINGS = {label: key for key, label in COLUMNS}
COLUMN_LABELS = dict(COLUMNS)
GENDERS = {"男": "M", "女": "F", "M": "M", "F": "F", "m": "M", "f": "F"}
RELATIONS = {
    **{str(label): value for value, label in Guardian.Relation.choices},
    "妈妈": "mother",
    "爸爸": "father",
}


def problem_field(field: str) -> str:
    """A field of a refused row in the roster's own words: a guardian's field by its column
    heading ("家长1手机"), the rest as the services name them."""
    parts = field.split(".")
    if parts[0] == "guardians" and len(parts) == 3:
        return COLUMN_LABELS.get(f"g{parts[1]}_{parts[2]}", field_label(field))
    return "重复" if field == "duplicate" else field_label(field)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cell_date(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value).replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text or None


def row_arguments(row: dict[str, Any]) -> dict[str, Any]:
    """A roster row (JSON-safe strings) as student_create's arguments."""
    data = {key: row.get(key, "") for key in ("name", "address", "school", "grade")}
    data["gender"] = GENDERS.get(row.get("gender", ""), row.get("gender", ""))
    data["birthday"] = _cell_date(row.get("birthday", ""))
    guardians = [
        {
            "name": row.get(f"g{i}_name", ""),
            "relation": RELATIONS.get(row.get(f"g{i}_relation", ""), row.get(f"g{i}_relation", "")),
            "phone": row.get(f"g{i}_phone", ""),
            "is_primary": i == 0,
        }
        for i in range(2)
    ]
    return {"data": data, "guardians": guardians, "advisor": row.get("advisor") or None}


def read_roster(content: bytes) -> list[dict[str, Any]]:
    """The rows of an uploaded roster as strings keyed by column. Raises InvalidInput for a
    file that is not a workbook or has no known headings."""
    if len(content) > MAX_BYTES:
        raise InvalidInput("文件过大（最多 5 MB）", {"file": "文件过大"})
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        # openpyxl raises many kinds of error for a file that is not an .xlsx workbook
        raise InvalidInput("无法读取该文件，请上传 Excel（.xlsx）文件", {"file": "不是有效的 Excel 文件"}) from exc
    sheet = workbook.active
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    keys = [HEADINGS.get(_cell_text(h)) for h in header]
    if "name" not in keys:
        raise InvalidInput("第一行须为表头（姓名、性别、出生日期……）", {"file": "缺少表头"})
    result = []
    for number, values in enumerate(rows, start=2):
        if len(result) >= MAX_ROWS:
            raise InvalidInput(f"一次最多导入 {MAX_ROWS} 行", {"file": "行数过多"})
        if not any(v not in (None, "") for v in values):
            continue
        row: dict[str, Any] = {"row": number}
        for key, value in zip(keys, values, strict=False):
            if key == "birthday":
                parsed = _cell_date(value)
                row[key] = parsed.isoformat() if isinstance(parsed, date) else _cell_text(value)
            elif key:
                row[key] = _cell_text(value)
        result.append(row)
    workbook.close()
    return result


def preview(*, campus: Campus, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with its problems (a list of "字段：原因"); empty problems = will be saved."""
    existing = set(
        Student.objects.filter(campus=campus, name__in=[r.get("name", "") for r in rows]).values_list(
            "name", "birthday"
        )
    )
    seen: set[tuple[str, Any]] = set()
    result = []
    for row in rows:
        args = row_arguments(row)
        *_ignored, errors = check_student(campus=campus, data=args["data"], guardians=args["guardians"],
                                          advisor=args["advisor"])
        key = (args["data"]["name"].strip(), args["data"]["birthday"])
        if key in existing:
            errors["duplicate"] = "本校区已有同名同生日的学员"
        elif key in seen:
            errors["duplicate"] = "与文件中前面的行重复"
        seen.add(key)
        problems = [f"{problem_field(field)}：{reason}" for field, reason in errors.items()]
        result.append({**row, "problems": problems})
    return result


@transaction.atomic
def roster_import_confirm(
    *, campus: Campus, by: Staff, rows: list[dict[str, Any]], only_valid: bool
) -> tuple[int, int]:
    """Save the previewed rows: all of them (refused if any is bad), or only the valid
    ones. Every row is checked again. Returns (saved, skipped)."""
    checked = preview(campus=campus, rows=rows)
    bad = [r for r in checked if r["problems"]]
    if bad and not only_valid:
        raise InvalidInput(f"有 {len(bad)} 行有误，未导入任何数据", {"rows": f"{len(bad)} 行有误"})
    saved = 0
    for row in checked:
        if row["problems"]:
            continue
        args = row_arguments(row)
        student_create(campus=campus, by=by, data=args["data"], guardians=args["guardians"], advisor=args["advisor"])
        saved += 1
    return saved, len(bad)


EXPORT_CHUNK = 2000


def export_workbook(students: QuerySet[Student]) -> bytes:
    """Any list of students as an .xlsx roster, in the import's own columns, then the
    student number (学生编号), the system's id and the day the file was opened (campus
    date). Rows are read as plain values a chunk at a time, the first two guardians of a
    chunk in one query: 100,000 students in seconds."""
    sheet = xlsx.ListSheet("学员")
    sheet.append([label for _key, label in COLUMNS] + ["学生编号", "系统编号", "建档日期"], bold=True)
    genders = {value: str(label) for value, label in Student.Gender.choices}
    relations = {value: str(label) for value, label in Guardian.Relation.choices}
    rows = students.values_list(
        "pk", "name", "gender", "birthday", "address", "school", "grade", "advisor__user__username", "number",
        "created_at",
    )
    chunk: list[tuple] = []
    for row in rows.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK:
            _export_rows(sheet, chunk, genders, relations)
            chunk = []
    _export_rows(sheet, chunk, genders, relations)
    return sheet.to_bytes()


def _export_rows(sheet: xlsx.ListSheet, chunk: list[tuple], genders: dict, relations: dict) -> None:
    guardians: dict[int, list[tuple]] = defaultdict(list)
    found = Guardian.objects.filter(student_id__in=[row[0] for row in chunk])  # primary first, as on the file
    for student_id, name, relation, phone in found.values_list("student_id", "name", "relation", "phone"):
        guardians[student_id].append((name, relations.get(relation, relation), phone))
    for pk, name, gender, birthday, address, school, grade, advisor, number, created_at in chunk:
        cells: list[Any] = [name, genders.get(gender, gender), birthday, address, school, grade]
        family = guardians[pk][:2]
        for guardian in family + [("", "", "")] * (2 - len(family)):
            cells += guardian
        cells += [advisor or "", number, pk, local_day(created_at)]
        sheet.append(cells)
