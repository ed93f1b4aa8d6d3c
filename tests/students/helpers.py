"""Bodies and records the students tests share."""

from datetime import date
from typing import Any

from core.models import Campus, Staff
from students.models import Student
from students.services import student_create


def guardians(phone1: str = "13800000001", phone2: str = "13800000002") -> list[dict[str, Any]]:
    return [
        {"name": "李梅", "relation": "mother", "phone": phone1, "is_primary": True},
        {"name": "张伟", "relation": "father", "phone": phone2, "is_primary": False},
    ]


def student_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "张三",
        "gender": "M",
        "birthday": "2014-03-02",
        "address": "北京市朝阳区幸福路 1 号",
        "school": "朝阳实验小学",
        "grade": "初一",
        "guardians": guardians(),
    }
    body.update(overrides)
    return body


def make_student(
    campus: Campus, by: Staff, name: str = "张三", phones: tuple[str, str] | None = None, **data: Any
) -> Student:
    phones = phones or ("13800000001", "13800000002")
    fields = {
        "name": name,
        "gender": "M",
        "birthday": date(2014, 3, 2),
        "address": "北京市朝阳区幸福路 1 号",
        **data,
    }
    return student_create(campus=campus, by=by, data=fields, guardians=guardians(*phones))


def fill_new_student(
    page: Any, *, name: str, gender: str, birthday: str, address: str, mother: tuple[str, str], father: tuple[str, str]
) -> None:
    """Type a file with both parents (name, phone) into the open new-student page; not sent."""
    page.fill("#id_name", name)
    page.check(f"input[name=gender][value={gender}]")
    page.fill("#id_birthday", birthday)
    page.fill("#id_address", address)
    for i, (relation, (who, phone)) in enumerate((("mother", mother), ("father", father))):
        page.fill(f"input[name=g{i}_name]", who)
        page.select_option(f"select[name=g{i}_relation]", relation)
        page.fill(f"input[name=g{i}_phone]", phone)
