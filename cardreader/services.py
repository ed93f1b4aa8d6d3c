"""Readers, cards and swipes."""

from django.db import transaction

from core.errors import InvalidInput
from core.models import Campus
from core.services import api_token_issue

from .models import Reader


@transaction.atomic
def reader_register(*, name: str, campus: Campus) -> tuple[Reader, str]:
    """A reader of `campus` with its own token; the raw token is returned once."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("读卡器名称须为 1–100 个字符", {"name": "格式不正确"})
    if Reader.objects.filter(campus=campus, name=name).exists():
        raise InvalidInput(f"本校区已有名为 {name} 的读卡器", {"name": "已存在"})
    token, raw = api_token_issue(campus=campus, name=f"reader {name}")
    return Reader.objects.create(name=name, campus=campus, token=token), raw
