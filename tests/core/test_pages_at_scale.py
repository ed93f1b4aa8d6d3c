"""Each page a campus uses all day makes as many queries at 1,000 students as at 10: no
page queries per row, so a chain's campus of 2,000 is served as fast in round trips as a
new one. The campuses are made by `generate_chain` (PostgreSQL's COPY), the pages are
`bench/pages.py`'s own."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.pagelist import first_of, pages, signed_in
from core.models import Campus
from students.models import Student

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _campus_of(students: int, seed: int) -> Campus:
    call_command("generate_chain", "--campuses", "1", "--students", str(students), "--seed", str(seed),
                 stdout=StringIO())
    return Campus.objects.get(code__startswith=f"chain{seed}-")


def _queries_per_page(campus: Campus) -> dict[str, int]:
    counts = {}
    for label, role, url in pages(campus):
        client = signed_in(first_of(campus, role))
        client.get(url)  # the first request warms the per-process caches (content types, rules)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        counts[label] = len(queries)
    return counts


def test_every_page_makes_the_same_queries_at_10_and_at_1000_students():
    small = _queries_per_page(_campus_of(10, seed=1))
    large = _queries_per_page(_campus_of(1000, seed=2))
    assert Student.objects.filter(campus__code__startswith="chain2-").count() == 1000
    assert large == small
