"""A database refusal the service could not foresee becomes the service's own 409."""

import pytest
from django.db import IntegrityError

from core.errors import Conflict, conflict_on_integrity, violated_constraints
from core.models import Campus

pytestmark = pytest.mark.django_db


def to_conflict(exc: IntegrityError) -> Conflict:
    return Conflict("campus_taken", "校区代码已被使用")


def test_a_unique_violation_is_the_conflict_and_the_transaction_goes_on(campus):
    with pytest.raises(Conflict) as refused, conflict_on_integrity(to_conflict):
        Campus.objects.create(code=campus.code, name="重复")
    assert refused.value.code == "campus_taken" and refused.value.status == 409
    assert Campus.objects.count() == 1  # the savepoint rolled back; the connection is usable


def test_an_unforeseen_violation_is_raised_as_it_is(campus):
    with pytest.raises(IntegrityError), conflict_on_integrity(lambda exc: None):
        Campus.objects.create(code=campus.code, name="重复")


def test_the_constraints_named_in_the_error():
    exc = IntegrityError('conflicting key value violates exclusion constraint "lesson_no_room_overlap"')
    assert violated_constraints(exc, ["lesson_no_teacher_overlap", "lesson_no_room_overlap"]) == [
        "lesson_no_room_overlap"
    ]
