import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cardreader.models import Reader
from core.models import ApiToken, Campus, Staff, hash_token
from core.roles import Role
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def last_line(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_create_campus_prints_the_code():
    assert last_line("create_campus", "gz01", "广州天河校区") == "gz01"
    assert Campus.objects.get(code="gz01").name == "广州天河校区"


def test_create_campus_refuses_a_duplicate_code():
    call_command("create_campus", "gz01", "广州天河校区", stdout=StringIO())
    with pytest.raises(CommandError, match="已存在"):
        call_command("create_campus", "gz01", "又一个", stdout=StringIO())


def test_create_staff_prints_a_working_token_of_that_person():
    call_command("create_campus", "gz01", "广州天河校区", stdout=StringIO())
    call_command("create_staff", "boss", "--role", "cs_supervisor", "--campus", "gz01", stdout=StringIO())
    token = last_line(
        "create_staff", "amy", "--role", "teacher", "--campus", "gz01", "--password", "s3cret-pass",
        "--supervisor", "boss", "--subjects", "Piano, Math",
    )
    staff = Staff.objects.get(user__username="amy")
    assert staff.role == Role.TEACHER
    assert staff.supervisor.username == "boss"
    assert sorted(staff.subjects.values_list("name", flat=True)) == ["Math", "Piano"]
    assert staff.user.check_password("s3cret-pass")
    assert staff.user.groups.filter(name="teacher").exists()
    # only the hash is stored
    assert not ApiToken.objects.filter(key_hash=token).exists()
    assert ApiToken.objects.filter(key_hash=hash_token(token), staff=staff).exists()
    me = ApiClient(token).get("/api/v1/me").json()
    assert me == {"kind": "staff", "username": "amy", "role": "teacher", "campus": "gz01"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["dup", "--role", "advisor", "--campus", "gz01"], "已被占用"),
        (["new", "--role", "advisor", "--campus", "nowhere"], "没有代码为 nowhere 的校区"),
        (["new2", "--role", "advisor", "--campus", "gz01", "--supervisor", "ghost"], "ghost"),
    ],
    ids=["duplicate username", "unknown campus", "unknown supervisor"],
)
def test_create_staff_refuses_bad_input_and_creates_nothing(args, message):
    call_command("create_campus", "gz01", "广州天河校区", stdout=StringIO())
    call_command("create_staff", "dup", "--role", "advisor", "--campus", "gz01", stdout=StringIO())
    before = Staff.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("create_staff", *args, stdout=StringIO())
    assert Staff.objects.count() == before


def test_register_reader_prints_a_reader_token():
    call_command("create_campus", "gz01", "广州天河校区", stdout=StringIO())
    token = last_line("register_reader", "前台1号", "--campus", "gz01")
    reader = Reader.objects.get(name="前台1号")
    assert reader.token.key_hash == hash_token(token)
    me = ApiClient(token).get("/api/v1/me").json()
    assert me == {"kind": "reader", "username": None, "role": None, "campus": "gz01"}


def test_register_reader_refuses_an_unknown_campus():
    with pytest.raises(CommandError, match="没有代码为 xx 的校区"):
        call_command("register_reader", "前台1号", "--campus", "xx", stdout=StringIO())


def test_seed_demo_is_idempotent_and_ends_with_a_summary():
    first = last_line("seed_demo")
    assert first.startswith("demo ready")
    counts = (Campus.objects.count(), Staff.objects.count())
    second = last_line("seed_demo")
    assert "already there" in second
    assert (Campus.objects.count(), Staff.objects.count()) == counts
    assert set(Staff.objects.values_list("role", flat=True)) == set(Role.values)


def test_a_refused_command_exits_non_zero_from_the_shell(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "manage.py", *args], capture_output=True, text=True, env=env, timeout=120)

    assert manage("migrate", "-v0").returncode == 0
    assert manage("create_campus", "gz01", "广州天河校区").stdout.strip().splitlines()[-1] == "gz01"
    refused = manage("create_staff", "x", "--role", "advisor", "--campus", "none")
    assert refused.returncode != 0
    assert "没有代码为 none 的校区" in refused.stderr
    assert manage("create_campus", "gz01", "重复").returncode != 0
