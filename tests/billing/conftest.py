import pytest

from core.models import Staff
from students.models import Student

from .helpers import make_student


@pytest.fixture
def desk(make_staff) -> Staff:
    return make_staff("front_desk")


@pytest.fixture
def student(campus) -> Student:
    return make_student(campus)
