import pytest

from core.models import Subject
from core.services import subject_get_or_create
from students.models import Student
from tests.factories import StudentFactory


@pytest.fixture
def piano() -> Subject:
    return subject_get_or_create(name="钢琴")


@pytest.fixture
def student(campus) -> Student:
    return StudentFactory(campus=campus, name="王小明")
