"""Prove that every package's caches equal its ledger: its counts, its sale and the moment
it reached its renewal line. Exit 1, listing each mismatch, when one does not (a cache
written outside the services, a hand-edited row)."""

from django.core.management.base import BaseCommand, CommandError

from billing.selectors import ledger_mismatches


class Command(BaseCommand):
    help = (
        "Check lessons_left == sum of the ledger, lessons_used == used − reversals, and the sale and the renewal "
        "line reached against the ledger, for every package."
    )

    def handle(self, *args, **options) -> None:
        checked, mismatches = ledger_mismatches()
        for m in mismatches:
            self.stderr.write(f"package {m.package_id} ({m.student} · {m.course}): {m.describe()}")
        if mismatches:
            raise CommandError(f"{len(mismatches)} of {checked} packages do not match their ledger")
        self.stdout.write(f"ledger ok: {checked} packages checked")
