"""The pages a campus uses all day, at chain scale: median milliseconds per page, in-process
through the whole Django stack, signed in as the campus's principal (the advisor for the
advisor's own pages). Run on a database filled by `generate_chain` (50 campuses, 100k
students: 2,000 students a campus):

    createdb -h 127.0.0.1 -U postgres chain100k
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/chain100k
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py generate_chain
    .venv/bin/python bench/pages.py [--runs 20]
"""

import argparse
import statistics
import time

from _setup import ROOT  # noqa: F401  (Django set up)
from django.db import connection, reset_queries
from pagelist import chain_campus, first_of, pages, signed_in

from core.roles import Role
from students.models import Student


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    campus = chain_campus()
    clients = {role: signed_in(first_of(campus, role)) for role in (Role.PRINCIPAL, Role.ADVISOR)}
    print(f"{Student.objects.count():,} students; campus {campus.code}: "
          f"{Student.objects.filter(campus=campus).count():,} students")
    print(f"{'page':<40} {'median':>9} {'queries':>8}")
    for label, role, url in pages(campus):
        client = clients[role]
        samples = []
        for i in range(runs + 3):
            reset_queries()
            start = time.perf_counter()
            response = client.get(url)
            if i >= 3:
                samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label:<40} {statistics.median(samples):7.1f} ms {len(connection.queries):>8}")


if __name__ == "__main__":
    main()
