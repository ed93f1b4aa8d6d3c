import pytest

from cardreader.models import Reader
from tests.conftest import ApiClient

from .helpers import a_reader


@pytest.fixture
def reader(campus) -> tuple[Reader, ApiClient]:
    return a_reader(campus)
