"""The advisor's day on a phone (Chromium at 390 px): a call logged from the list leaves
it, a refusal stays beside its field, and the page never scrolls sideways."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from retention.models import FollowUp

from ..factories import sign_in_page
from .followup_makers import make_student

PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_advisor_logs_a_call_from_the_day_on_a_phone_and_it_leaves_the_list(page, live_server, campus, make_staff):
    advisor = make_staff(Role.ADVISOR)
    since = timezone.now() - timedelta(days=10)
    first = make_student(campus, advisor, name="张子涵", since=since)
    second = make_student(campus, advisor, name="王浩然", since=since)
    page.set_viewport_size(PHONE)
    sign_in_page(page, live_server, advisor)

    page.goto(live_server.url + reverse("retention:day"))
    assert page.locator(".due-card").count() == 2
    assert page.evaluate("window.innerWidth") == 390
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    card = page.locator(f"#due-{first.pk}")
    assert card.locator("select[name=kind]").input_value() == "first_call"
    # an empty summary is refused beside its field; the card stays, nothing is saved
    card.locator("button[type=submit]").click()
    page.wait_for_selector(f"#due-{first.pk} .field-error .errorlist:has-text('必填')")
    assert FollowUp.objects.count() == 0
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    card = page.locator(f"#due-{first.pk}")
    card.locator("textarea[name=summary]").fill("自我介绍，了解孩子练琴习惯，约好周五再联系")
    card.locator("select[name=satisfaction]").select_option("5")
    card.locator("button[type=submit]").click()
    page.wait_for_selector(f"#due-{first.pk}", state="detached")
    assert page.locator("#day-count").inner_text().startswith("待回访 1 人")
    saved = FollowUp.objects.get()
    assert (saved.student, saved.kind, saved.by, saved.satisfaction) == (first, "first_call", advisor, 5)

    page.reload()
    assert page.locator(".due-card").count() == 1
    assert page.locator(f"#due-{second.pk}").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
