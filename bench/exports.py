"""The Excel exports at chain scale: seconds per export, in-process through the whole
Django stack (the file built in full, as the person downloads it). Run on a database
filled by `generate_chain` (50 campuses, 100k students; see bench/pages.py):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/chain100k
    .venv/bin/python bench/exports.py [--runs 3]

The roster of every campus (100k rows, as head office exports it), one campus's roster
(2,000) and one campus's payment records. The target is under 20 s for 100k rows."""

import argparse
import statistics
import time
from io import BytesIO

from _setup import ROOT  # noqa: F401  (Django set up)
from django.urls import reverse
from openpyxl import load_workbook
from pagelist import chain_campus, first_of, signed_in

from core.models import Staff
from core.roles import Role
from core.services import staff_create


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    campus = chain_campus()
    head_office = Staff.objects.filter(role=Role.HQ_ADMIN).first() or staff_create(
        username="bench-hq", role=Role.HQ_ADMIN, campus=campus
    )
    principal = first_of(campus, Role.PRINCIPAL)
    exports = [
        ("roster, every campus (head office)", head_office, reverse("students:export")),
        (f"roster, one campus ({campus.code})", principal, reverse("students:export")),
        ("payment records, one campus", principal, reverse("billing:payments") + "?export=xlsx"),
    ]
    print(f"{'export':<40} {'median':>8} {'rows':>8} {'size':>9}")
    for label, staff, url in exports:
        client = signed_in(staff)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        rows = sum(1 for _ in load_workbook(BytesIO(response.content), read_only=True).active.iter_rows())
        print(f"{label:<40} {statistics.median(samples):6.1f} s {rows:>8,} {len(response.content) / 1e6:7.1f} MB")


if __name__ == "__main__":
    main()
