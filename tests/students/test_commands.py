import io

import pytest
from django.core.management import CommandError, call_command

from core.roles import Role
from students.models import Student

from .test_pages import BAD_PHONE, GOOD, GOOD2, roster_file

pytestmark = pytest.mark.django_db


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("import_students", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_the_command_imports_only_valid_rows_when_asked(tmp_path, campus, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    path = tmp_path / "roster.xlsx"
    path.write_bytes(roster_file([GOOD, BAD_PHONE, GOOD2]).getvalue())
    args = (str(path), "--campus", campus.code, "--by", desk.user.username)
    with pytest.raises(CommandError):
        run(*args)
    assert not Student.objects.exists()
    lines = run(*args, "--dry-run")
    assert lines[-1] == "2" and "第 3 行" in lines[0] and not Student.objects.exists()
    assert run(*args, "--only-valid")[-1] == "2"
    assert Student.objects.filter(campus=campus, created_by=desk).count() == 2


def test_the_command_refuses_a_missing_file_or_staff(tmp_path, campus, make_staff):
    desk = make_staff(Role.FRONT_DESK)
    with pytest.raises(CommandError):
        run(str(tmp_path / "none.xlsx"), "--campus", campus.code, "--by", desk.user.username)
    with pytest.raises(CommandError):
        run(str(tmp_path / "none.xlsx"), "--campus", campus.code, "--by", "ghost")
