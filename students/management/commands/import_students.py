from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.models import Staff
from core.services import campus_by_code
from students import roster


class Command(BaseCommand):
    help = (
        "Import a roster (.xlsx, the columns of the import page) into a campus. Lists every bad row; "
        "saves nothing if one is bad unless --only-valid. Prints the number imported on the last line."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--campus", required=True, help="campus code")
        parser.add_argument("--by", required=True, help="username of the member of staff on record")
        parser.add_argument("--only-valid", action="store_true", help="import the valid rows, skip the bad ones")
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")

    def handle(self, *args, **options) -> None:
        by = Staff.objects.select_related("user").filter(user__username=options["by"]).first()
        if by is None:
            raise CommandError(f"没有用户名为 {options['by']} 的员工（--by）")
        try:
            campus = campus_by_code(options["campus"])
            content = Path(options["path"]).read_bytes()
            rows = roster.read_roster(content)
            checked = roster.preview(campus=campus, rows=rows)
            for row in checked:
                if row["problems"]:
                    self.stdout.write(f"第 {row['row']} 行 {row.get('name', '')}：{'；'.join(row['problems'])}")
            if options["dry_run"]:
                self.stdout.write(str(sum(1 for r in checked if not r["problems"])))
                return
            saved, _skipped = roster.roster_import_confirm(
                campus=campus, by=by, rows=rows, only_valid=options["only_valid"]
            )
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}")
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(str(saved))
