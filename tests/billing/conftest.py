import pytest

from students.models import Student

from .helpers import make_student


@pytest.fixture
def student(campus) -> Student:
    return make_student(campus)
