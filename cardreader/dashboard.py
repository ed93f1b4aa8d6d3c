"""Landing-page panel of cardreader: today's refused swipes, for the front desk to follow up
(a family to call about money due, a card to replace)."""

from django.urls import reverse
from django.utils import timezone

from core.dashboard import Panel
from core.dates import day_start
from core.models import Staff

from .errors import CardError
from .models import Swipe
from .roles import ROLES


def panels(staff: Staff) -> list[Panel]:
    if staff.role not in ROLES["cards"]:
        return []
    refused = Swipe.objects.filter(
        campus=staff.campus, result=Swipe.Result.REFUSED, swiped_at__gte=day_start(timezone.localdate())
    ).exclude(code=CardError.LESSON_KIND_REQUIRED).order_by("-swiped_at")[:10]
    rows = []
    for swipe in refused:
        who = (swipe.response.get("student") or {}).get("name") or swipe.card_text
        message = (swipe.response.get("error") or {}).get("message", swipe.code)
        rows.append({"text": f"{timezone.localtime(swipe.swiped_at):%H:%M} {who}：{message}"})
    return [
        Panel(
            title="今日刷卡未通过",
            rows=rows,
            empty="今天没有被拒绝的刷卡",
            link=reverse("cardreader:kiosk"),
            order=45,
        )
    ]
