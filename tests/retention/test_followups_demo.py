"""The demo of retention: a call done and a call owed on the demo advisor's day; idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from core.models import Staff
from retention.models import FollowUp, MonthlyAssessment, SurveyQuestion

pytestmark = pytest.mark.django_db


def test_the_demo_shows_one_call_done_and_one_owed_and_runs_twice_without_change():
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "retention: 0 follow-ups logged now, 5 survey questions" in out.getvalue()
    assert FollowUp.objects.count() == 2 and SurveyQuestion.objects.count() == 5
    assert MonthlyAssessment.objects.count() == 1
    client = Client()
    client.force_login(Staff.objects.get(user__username="advisor").user)
    html = client.get("/retention/day/").content.decode()
    cards = {card.split('class="due-name"')[1].split(">")[1].split("<")[0]: card for card in html.split("<article")[1:]}
    # what else is owed depends on the weekday (the demo's lessons are this week's)
    # handed over today: the first call is due tomorrow, but the schedule notice was no contact
    assert "<strong>每周回访</strong>：接档后尚未联系过家长" in cards["王浩然"]
    assert "<strong>接档首次回访</strong>" not in cards.get("张子涵", "")
