"""Prove that every package's cached counts equal its ledger. Exit 1, listing each
mismatch, when one does not (a cache written outside the services, a hand-edited row)."""

from django.core.management.base import BaseCommand, CommandError

from billing.selectors import ledger_mismatches


class Command(BaseCommand):
    help = "Check lessons_left == sum of the ledger and lessons_used == used − reversals, for every package."

    def handle(self, *args, **options) -> None:
        checked, mismatches = ledger_mismatches()
        for m in mismatches:
            self.stderr.write(
                f"package {m.package_id} ({m.student} · {m.course}): "
                f"lessons_left {m.cached_left} ≠ ledger {m.ledger_left}; "
                f"lessons_used {m.cached_used} ≠ ledger {m.ledger_used}; "
                f"last balance_after {m.last_balance_after}"
            )
        if mismatches:
            raise CommandError(f"{len(mismatches)} of {checked} packages do not match their ledger")
        self.stdout.write(f"ledger ok: {checked} packages checked")
