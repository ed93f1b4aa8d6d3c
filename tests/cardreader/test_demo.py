import pytest
from django.core.management import call_command

from cardreader.models import Card, Reader

pytestmark = pytest.mark.django_db


def test_the_demo_gives_cards_once_and_prints_no_token(capsys):
    call_command("seed_demo")
    first = Card.objects.count()
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert first >= 2
    assert Card.objects.count() == first
    assert Reader.objects.count() == 1
    assert "tk_" not in out
