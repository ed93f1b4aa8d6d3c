import pytest

from cardreader.models import Reader
from core.models import Staff
from core.roles import Role
from tests.conftest import ApiClient

from .helpers import a_reader


@pytest.fixture
def desk(make_staff) -> Staff:
    return make_staff(Role.FRONT_DESK)


@pytest.fixture
def reader(campus) -> tuple[Reader, ApiClient]:
    return a_reader(campus)
