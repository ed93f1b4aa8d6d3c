from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from retention.services.audit import judged_month, judged_week, run_audit


class Command(BaseCommand):
    help = (
        "The penalty audit for a day (default today): the last full ISO week and the last full month "
        "that ended before it. Idempotent. Prints the number of incidents created (joint ones included) "
        "on the last line."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD, the day the audit runs for (default today)")

    def handle(self, *args, **options) -> None:
        day = timezone.localdate()
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"].strip())
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['date']}")
            if day.year < 2000 or day.year > 9000:
                raise CommandError(f"日期不合理：{options['date']}")
        week, month = judged_week(day), judged_month(day)
        self.stdout.write(f"稽核 {day}：周 {week.first}–{week.last}，月 {month.key}")
        self.stdout.write(str(run_audit(day=day)))
