"""A package's sale (`sold_at`) and the moment it first reached its renewal line
(`line_reached_at`): kept by the ledger's service in the transaction of the entry that
sets them, proved against the ledger by check_ledger, and filled from the ledger by the
migration that added them."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from billing.models import LessonPackage
from billing.selectors import ledger_mismatches
from billing.services import ledger_reverse, package_deduct

from .helpers import local, make_student, sell

pytestmark = pytest.mark.django_db


@pytest.fixture
def package(campus, desk) -> LessonPackage:
    # 8 bought + 2 bonus: the line is 3 lessons left (30% of 10)
    return sell(make_student(campus), desk, lessons=8, bonus=2, valid_until=date(2027, 12, 31),
                sold_at=local(2026, 10, 1, 9))


def use(package: LessonPackage, desk, *days: int) -> None:
    for day in days:
        package_deduct(package=package, at=local(2026, 11, day, 10), by=desk)


def reload(package: LessonPackage) -> LessonPackage:
    package.refresh_from_db()
    return package


def test_the_sale_is_the_bought_entrys_moment_a_taken_over_sale_keeping_its_own(package, campus, desk):
    assert package.renewal_line == 3
    assert reload(package).sold_at == local(2026, 10, 1, 9) == package.ledger.get(kind="bought").occurred_at


def test_the_use_that_leaves_the_line_is_when_the_package_reached_it(package, desk):
    use(package, desk, 1, 2, 3, 4, 5, 6)  # 10 → 4 left: above the line
    assert reload(package).line_reached_at is None
    use(package, desk, 7)  # 3 left: at the line
    assert reload(package).line_reached_at == local(2026, 11, 7, 10)
    use(package, desk, 8)  # further down: still when it first reached it
    assert reload(package).line_reached_at == local(2026, 11, 7, 10)


def test_a_use_dated_earlier_at_the_line_moves_the_moment_back(package, desk):
    use(package, desk, 1, 2, 3, 4, 5, 6, 9)
    assert reload(package).line_reached_at == local(2026, 11, 9, 10)
    # a reader's buffered swipe of the 7th, sent on the 10th: it too leaves 2 ≤ 3
    package_deduct(package=package, at=local(2026, 11, 7, 10), by=desk)
    assert reload(package).line_reached_at == local(2026, 11, 7, 10)
    assert ledger_mismatches()[1] == []


def test_a_reversed_use_leaves_the_moment_as_the_ledger_has_it(package, desk, make_staff):
    use(package, desk, 1, 2, 3, 4, 5, 6, 7)
    crossing = package.ledger.get(kind="used", balance_after=3)
    ledger_reverse(entry=crossing, by=make_staff("principal"), reason="误扣")
    # the package called for a renewal on the 7th; the lesson came back, the call stands
    assert reload(package).lessons_left == 4
    assert package.line_reached_at == local(2026, 11, 7, 10)
    assert ledger_mismatches()[1] == []


@pytest.mark.ledger_tampered
def test_check_ledger_catches_a_tampered_sale_or_line(package, desk, capsys):
    use(package, desk, 1, 2, 3, 4, 5, 6, 7)
    LessonPackage.objects.filter(pk=package.pk).update(sold_at=local(2026, 10, 2), line_reached_at=None)
    with pytest.raises(CommandError) as caught:
        call_command("check_ledger")
    assert "1 of 1 packages" in str(caught.value)
    err = capsys.readouterr().err
    assert f"package {package.pk}" in err and "sold_at" in err and "line_reached_at None ≠ ledger" in err


def test_the_migration_fills_both_from_the_ledger(package, campus, desk):
    use(package, desk, 1, 2, 3, 4, 5, 6, 7, 8)
    untouched = sell(make_student(campus), desk, lessons=10, sold_at=local(2026, 9, 1))
    LessonPackage.objects.update(sold_at=local(2000, 1, 1), line_reached_at=local(2000, 1, 1))
    migration = importlib.import_module("billing.migrations.0006_package_sold_at_and_line_reached_at")
    migration.from_the_ledger(apps, None)
    assert (reload(package).sold_at, package.line_reached_at) == (local(2026, 10, 1, 9), local(2026, 11, 7, 10))
    assert (reload(untouched).sold_at, untouched.line_reached_at) == (local(2026, 9, 1), None)
    assert ledger_mismatches()[1] == []


def test_the_package_page_and_the_api_read_both_moments_back(package, desk, client_as, api_as):
    page = client_as(desk)
    url = reverse("billing:package", args=[package.pk])
    html = page.get(url).content.decode()
    assert "2026-10-01 09:00" in html and "未到（剩 3 课时时）" in html
    assert api_as(desk).get(f"/api/v1/packages/{package.pk}").json()["line_reached_at"] is None
    use(package, desk, 1, 2, 3, 4, 5, 6, 7)
    assert "2026-11-07 10:00" in page.get(url).content.decode()
    body = api_as(desk).get(f"/api/v1/packages/{package.pk}").json()
    assert (body["sold_at"], body["line_reached_at"]) == ("2026-10-01T09:00:00+08:00", "2026-11-07T10:00:00+08:00")
