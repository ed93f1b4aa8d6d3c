"""Campuses, staff and API tokens."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .errors import InvalidInput
from .models import ApiToken, Campus, Staff, Subject, hash_token
from .roles import Role

CAMPUS_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@transaction.atomic
def campus_create(*, code: str, name: str) -> Campus:
    code = code.strip()
    name = name.strip()
    if not CAMPUS_CODE.match(code):
        raise InvalidInput("校区代码只能包含字母、数字、下划线和连字符（最多 32 位）", {"code": "格式不正确"})
    if not name:
        raise InvalidInput("请填写校区名称", {"name": "必填"})
    if Campus.objects.filter(code=code).exists():
        raise InvalidInput(f"校区代码 {code} 已存在", {"code": "已存在"})
    return Campus.objects.create(code=code, name=name)


def campus_by_code(code: str) -> Campus:
    try:
        return Campus.objects.get(code=code)
    except Campus.DoesNotExist:
        raise InvalidInput(f"没有代码为 {code} 的校区", {"campus": "不存在"})


@transaction.atomic
def staff_create(
    *,
    username: str,
    role: str,
    campus: Campus,
    password: str | None = None,
    supervisor: Staff | None = None,
    subjects: list[str] | None = None,
    full_name: str = "",
) -> Staff:
    User = get_user_model()
    username = username.strip()
    if not username or len(username) > 150:
        raise InvalidInput("请填写用户名（最多 150 个字符）", {"username": "必填"})
    if role not in Role.values:
        raise InvalidInput(f"未知角色 {role}，可选：{' '.join(Role.values)}", {"role": "未知角色"})
    if User.objects.filter(username=username).exists():
        raise InvalidInput(f"用户名 {username} 已被占用", {"username": "已存在"})
    if supervisor is not None and supervisor.campus_id != campus.pk and supervisor.role != Role.HQ_ADMIN:
        raise InvalidInput("主管须为同一校区的员工", {"supervisor": "不在本校区"})
    user = User.objects.create_user(username=username, password=password)
    if full_name:
        user.first_name = full_name[:150]
    if role == Role.HQ_ADMIN:
        user.is_staff = True
        user.is_superuser = True
    if password is None:
        user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    staff = Staff.objects.create(user=user, role=role, campus=campus, supervisor=supervisor)
    if subjects:
        staff.subjects.set([subject_get_or_create(name=n) for n in subjects])
    return staff


def subject_get_or_create(*, name: str) -> Subject:
    name = name.strip()
    if not name or len(name) > 50:
        raise InvalidInput("科目名称须为 1–50 个字符", {"subject": "格式不正确"})
    subject, _created = Subject.objects.get_or_create(name=name)
    return subject


@transaction.atomic
def api_token_issue(*, campus: Campus, staff: Staff | None = None, name: str = "") -> tuple[ApiToken, str]:
    """A new token; the raw key is returned once and never stored."""
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        kind=ApiToken.Kind.STAFF if staff else ApiToken.Kind.READER,
        key_hash=hash_token(raw),
        prefix=raw[:10],
        staff=staff,
        campus=campus,
        name=name,
    )
    return token, raw
