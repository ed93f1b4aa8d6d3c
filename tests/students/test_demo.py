import pytest

from core.demo import seed_core
from students import demo
from students.models import Lead, Student

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent():
    campus, staff_by_role, _created = seed_core()
    first = demo.seed(campus, staff_by_role)
    second = demo.seed(campus, staff_by_role)
    assert "4 created now" in first and "0 created now" in second
    assert Student.objects.filter(campus=campus).count() == 4
    assert Lead.objects.count() == 1
    assert Student.objects.filter(advisor__isnull=False).count() == 2
