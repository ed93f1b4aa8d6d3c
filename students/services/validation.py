"""The rules of the values students/ keeps: each check returns the cleaned values and the
errors by field, so a service, a form page or the roster import can show them all at once;
`refuse` turns the errors into the one refusal that names every bad field."""

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from core.errors import InvalidInput
from core.models import Campus, Staff
from core.text import clean_text
from core.validation import date_problem

from ..models import Student
from .lookups import advisor_by_username

MOBILE = re.compile(r"^1\d{10}$")
LEAD_PHONE = re.compile(r"^\d{7,11}$")
MIN_GUARDIANS = 2
MAX_GUARDIANS = 10
LONG_TEXT = 2000

# Text fields of the file beside the required ones, with their length limits.
STUDENT_TEXT_FIELDS: dict[str, int] = {
    "school": 100,
    "grade": 20,
    "class_rank": 50,
    "personality": LONG_TEXT,
    "goals": LONG_TEXT,
    "home_situation": LONG_TEXT,
    "notes": LONG_TEXT,
}


# --- checks shared by the services, the form pages and the roster import ---------------


def normalize_phone(value: Any) -> str:
    """A phone as typed at a desk: spaces and dashes dropped."""
    if not isinstance(value, str):
        return value
    return re.sub(r"[\s-]", "", value)


def check_guardian_phone(phone: Any, *, family: Mapping[str, str]) -> tuple[Any, str | None]:
    """The rule for a guardian's phone: a mainland mobile (`^1\\d{10}$`, spaces and dashes
    dropped) that no other guardian of the same family has. `family` maps the phones of the
    family's other guardians to words naming who has it ("第 1 位家长", "李梅"). Returns the
    phone as cleaned and why it is refused (None when it is fine)."""
    phone = normalize_phone(phone)
    if not isinstance(phone, str) or not MOBILE.match(phone):
        return phone, "请填写 11 位手机号（1 开头）"
    if phone in family:
        return phone, f"与{family[phone]}的号码重复，须为不同号码"
    return phone, None


def check_student_fields(
    data: Mapping[str, Any], *, partial: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """The student's own fields, cleaned, and the errors by field. With `partial`, only
    the fields present are checked (an update)."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    today = timezone.localdate()

    def present(name: str) -> bool:
        return not partial or name in data

    if present("name"):
        clean["name"] = clean_text(data.get("name"), "name", errors, max_length=50, required=True)
    if present("address"):
        clean["address"] = clean_text(data.get("address"), "address", errors, max_length=200, required=True)
    if present("gender"):
        gender = data.get("gender")
        if gender not in Student.Gender.values:
            errors["gender"] = "请选择性别：男或女"
        clean["gender"] = gender
    if present("birthday"):
        birthday = data.get("birthday")
        if isinstance(birthday, datetime) or not isinstance(birthday, date):
            errors["birthday"] = "请填写出生日期（YYYY-MM-DD）"
        elif birthday >= today:
            errors["birthday"] = "出生日期须早于今天"
        elif problem := date_problem("birthday", birthday):
            errors["birthday"] = problem
        clean["birthday"] = birthday
    for name, limit in STUDENT_TEXT_FIELDS.items():
        if present(name):
            clean[name] = clean_text(data.get(name), name, errors, max_length=limit)
    for name, choices in (
        ("learning_type", Student.LearningType.values),
        ("profile", Student.Profile.values),
    ):
        if present(name):
            value = data.get(name) or ""
            if value and value not in choices:
                errors[name] = "可选：" + " / ".join(choices)
            clean[name] = value
    return clean, errors


def check_guardians(guardians: Any) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """At least two guardians with distinct mainland mobiles, exactly one primary whose
    relation is noted (SPEC: the main decision maker)."""
    errors: dict[str, str] = {}
    if not isinstance(guardians, Sequence) or isinstance(guardians, str):
        return [], {"guardians": "请至少填写两位家长"}
    clean: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(guardians[: MAX_GUARDIANS + 1]):
        if not isinstance(raw, Mapping):
            errors[f"guardians.{i}"] = "格式不正确"
            continue
        row = {
            "name": clean_text(raw.get("name"), f"guardians.{i}.name", errors, max_length=50),
            "relation": clean_text(raw.get("relation"), f"guardians.{i}.relation", errors, max_length=20),
            "is_primary": raw.get("is_primary") is True,
        }
        row["phone"], problem = check_guardian_phone(raw.get("phone"), family=seen)
        if problem:
            errors[f"guardians.{i}.phone"] = problem
        else:
            seen.setdefault(row["phone"], f"第 {i + 1} 位家长")
        if row["is_primary"] and not row["relation"] and f"guardians.{i}.relation" not in errors:
            errors[f"guardians.{i}.relation"] = "请注明主要决策人与学员的关系"
        clean.append(row)
    if len(guardians) < MIN_GUARDIANS:
        errors["guardians"] = "请至少填写两位家长（两个不同的手机号）"
    elif len(guardians) > MAX_GUARDIANS:
        errors["guardians"] = f"最多登记 {MAX_GUARDIANS} 位家长"
    else:
        primaries = sum(1 for row in clean if row["is_primary"])
        if primaries != 1:
            errors["guardians"] = "须指定且仅指定一位主要决策人" if primaries else "请指定一位主要决策人"
    return clean, errors


def check_student(
    *, campus: Campus, data: Mapping[str, Any], guardians: Any, advisor: Any = None
) -> tuple[dict[str, Any], list[dict[str, Any]], Staff | None, dict[str, str]]:
    """Everything student_create checks, without saving: used by the roster import preview."""
    clean, errors = check_student_fields(data)
    clean_guardians, guardian_errors = check_guardians(guardians)
    errors.update(guardian_errors)
    advisor_staff = None
    if advisor not in (None, ""):
        advisor_staff = advisor_by_username(advisor, campus)
        if advisor_staff is None:
            errors["advisor"] = "不是本校区的班主任"
    return clean, clean_guardians, advisor_staff, errors


FIELD_LABELS = {
    "number": "学生编号",
    "name": "姓名",
    "gender": "性别",
    "birthday": "出生日期",
    "address": "家庭住址",
    "school": "学校",
    "grade": "年级",
    "class_rank": "班级排名",
    "personality": "性格特点",
    "goals": "学习目标",
    "home_situation": "家庭情况",
    "notes": "备注",
    "learning_type": "学习类型",
    "profile": "学员类型",
    "advisor": "班主任",
    "guardians": "家长",
    "phone": "电话",
    "relation": "关系",
    "source": "来源",
    "referred_by": "介绍家庭",
    "teacher": "教员",
    "subject": "科目",
    "starts_at": "时间",
    "minutes": "时长",
    "taken_at": "测评时间",
    "analysis": "试卷分析",
    "teaching_plan": "教学方案",
    "channel": "方式",
    "category": "类别",
    "summary": "内容",
    "status": "状态",
    "problem": "问题",
    "area": "区域",
    "department": "责任部门",
    "fix_note": "整改说明",
    "note": "备注",
    "feedback": "反馈",
    "score": "成绩",
    "visitor": "来访人",
    "contact_name": "联系人",
    "course": "意向课程",
    "needs": "需求",
    "next_step": "下一步",
    "occurred_at": "时间",
    "checked_at": "巡查时间",
    "lead": "意向客户",
    "student": "学员",
    "rows": "导入数据",
}


def field_label(field: str) -> str:
    """A field of the error envelope in words: "guardians.1.phone" → "第 2 位家长的电话"."""
    parts = field.split(".")
    if len(parts) >= 2 and parts[1].isdigit():
        what = FIELD_LABELS.get(parts[2], parts[2]) if len(parts) > 2 else "信息"
        if parts[0] == "guardians":
            return f"第 {int(parts[1]) + 1} 位家长的{what}"
        return f"第 {int(parts[1]) + 1} 项的{what}"
    return FIELD_LABELS.get(field, field)


def refuse(errors: dict[str, str]) -> None:
    """Raise the refusal naming every bad field, if there is any."""
    if errors:
        detail = "；".join(f"{field_label(field)}：{reason}" for field, reason in errors.items())
        raise InvalidInput(f"输入有误 — {detail}", errors)


