"""The job registry, its claim, `run_job`, the beat schedule, the to-do inbox and the
daily report (core/jobs.py, core/todos.py, core/reports.py)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO, StringIO
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from core import jobs
from core.jobs import Job, all_jobs, beat_schedule, claim, job_run
from core.models import DailyReport, JobRun, Message, Todo
from core.reports import daily_report_file
from core.roles import Role
from core.todos import todo_raise
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = timezone.localdate
EXPECTED = {
    "messages_send", "daily_report", "history_clean_up", "packages_expire", "packages_expiring", "goods_low",
    "ledger_check", "day_ahead", "payments_due", "teacher_upkeep", "notifications_send", "follow_ups_due",
    "first_calls", "first_lesson_confirm", "renewals", "save_cases",
}


def test_every_job_is_registered_once_with_a_schedule_in_campus_time():
    registered = all_jobs()
    assert set(registered) >= EXPECTED
    for job in registered.values():
        assert isinstance(job.schedule, crontab)
        assert job.schedule.nowfun().utcoffset() == timedelta(hours=8)


def test_the_beat_schedule_is_the_registry():
    schedule = beat_schedule()
    assert set(schedule) == set(all_jobs())
    entry = schedule["packages_expire"]
    assert entry["task"] == "core.tasks.run_job" and entry["args"] == ["packages_expire"]
    assert entry["schedule"].hour == {0} and entry["schedule"].minute == {10}


def test_the_celery_app_takes_the_schedule_when_it_imports_its_modules():
    from tutoring.celery import app, schedule_the_jobs

    schedule_the_jobs()
    assert set(app.conf.beat_schedule) == set(all_jobs())


def counting_job(calls: list) -> Job:
    def run(at: datetime) -> int:
        calls.append(at)
        return 1

    return Job(name="counting", title="test", run=run, hour="8", minute="0")


def test_a_daily_job_is_claimed_once_a_day_and_a_failed_one_again(monkeypatch):
    calls: list = []
    job = counting_job(calls)
    monkeypatch.setattr(jobs, "all_jobs", lambda: {"counting": job})
    at = datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI)
    assert job_run("counting", at=at) == 1
    assert job_run("counting", at=at + timedelta(hours=3)) is None  # the beat sent it twice
    assert len(calls) == 1
    run = JobRun.objects.get(job="counting", day=date(2026, 3, 2))
    assert run.status == JobRun.Status.DONE and run.created == 1 and run.attempts == 1
    assert job_run("counting", at=at + timedelta(days=1)) == 1  # the next day is its own
    # by hand: run again, whatever the claim says
    assert job_run("counting", at=at, force=True) == 1 and len(calls) == 3


def test_a_failed_run_is_recorded_and_may_be_claimed_again(monkeypatch):
    def broken(at):
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "all_jobs", lambda: {"broken": Job(name="broken", title="t", run=broken, hour="1")})
    at = datetime(2026, 3, 2, 1, 0, tzinfo=SHANGHAI)
    with pytest.raises(RuntimeError):
        job_run("broken", at=at)
    run = JobRun.objects.get(job="broken")
    assert run.status == JobRun.Status.FAILED and "boom" in run.error
    assert claim("broken", date(2026, 3, 2)) is not None


def test_a_running_claim_is_taken_by_nobody_else_until_it_is_stale():
    day = date(2026, 3, 2)
    now = datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI)
    assert claim("x", day, now=now) is not None
    assert claim("x", day, now=now + timedelta(minutes=5)) is None
    assert claim("x", day, now=now + jobs.STALE_RUN + timedelta(minutes=1)) is not None
    assert JobRun.objects.get(job="x").attempts == 2


def test_run_job_list_names_every_job():
    out = StringIO()
    call_command("run_job", "--list", stdout=out)
    names = {line.split("\t")[0] for line in out.getvalue().splitlines()}
    assert names == set(all_jobs())
    assert "packages_expire\t00:10 Asia/Shanghai" in out.getvalue()


def test_run_job_runs_a_job_for_a_day_and_prints_what_it_created(campus, make_staff):
    from billing.models import GoodsItem

    desk = make_staff(Role.FRONT_DESK)
    GoodsItem.objects.create(campus=campus, category="文具", name="琴谱夹", price="10.00", stock=1, warning_line=3)
    out = StringIO()
    call_command("run_job", "goods_low", "--date", "2026-03-02", stdout=out)
    assert out.getvalue().splitlines()[-1] == "1"
    assert Todo.objects.get(assignee=desk).day == date(2026, 3, 2)
    out = StringIO()
    call_command("run_job", "goods_low", "--date", "2026-03-02", stdout=out)
    assert out.getvalue().splitlines()[-1] == "0"


@pytest.mark.parametrize("args", [["nope"], ["goods_low", "--date", "2026-13-01"], []])
def test_run_job_refuses_what_it_cannot_run(args):
    with pytest.raises(CommandError):
        call_command("run_job", *args)


def test_the_task_runs_the_job_by_name(campus, make_staff):
    from billing.models import GoodsItem
    from core.tasks import run_job

    make_staff(Role.FRONT_DESK)
    GoodsItem.objects.create(campus=campus, category="文具", name="琴谱夹", price="10.00", stock=0, warning_line=3)
    assert run_job.delay("goods_low", "2026-03-02").get() == 1
    assert run_job.delay("goods_low", "2026-03-02").get() is None  # the day is done


# --- the inbox ------------------------------------------------------------------------------


def test_a_to_do_is_raised_once_a_day_and_not_while_one_is_open(make_staff):
    desk = make_staff(Role.FRONT_DESK)
    first = todo_raise(assignee=desk, kind="k", key="k:1", day=date(2026, 3, 2), text="一")
    assert first is not None
    assert todo_raise(assignee=desk, kind="k", key="k:1", day=date(2026, 3, 2), text="一") is None
    assert todo_raise(assignee=desk, kind="k", key="k:1", day=date(2026, 3, 3), text="一") is None  # still open
    Todo.objects.filter(pk=first.pk).update(done_at=datetime(2026, 3, 2, 18, 0, tzinfo=SHANGHAI))
    assert todo_raise(assignee=desk, kind="k", key="k:1", day=date(2026, 3, 2), text="一") is None  # that day's
    assert todo_raise(assignee=desk, kind="k", key="k:1", day=date(2026, 3, 3), text="一") is not None


def test_the_landing_page_shows_the_inbox_with_a_count_and_marks_done(make_staff):
    desk = make_staff(Role.FRONT_DESK)
    other = make_staff(Role.FRONT_DESK)
    todo = todo_raise(assignee=desk, kind="k", key="k:1", day=date(2026, 3, 2), text="给钢琴谱夹补货", link="/billing/goods/")
    theirs = todo_raise(assignee=other, kind="k", key="k:1", day=date(2026, 3, 2), text="别人的待办")
    client = signed_in(desk)
    page = client.get("/").content.decode()
    assert "给钢琴谱夹补货" in page and "别人的待办" not in page
    assert f"/todos/{todo.pk}/done/" in page
    assert 'class="badge warn">1<' in page
    assert client.get(f"/todos/{todo.pk}/done/").status_code == 405
    assert client.post(f"/todos/{theirs.pk}/done/").status_code == 404
    assert Todo.objects.get(pk=theirs.pk).done_at is None
    assert client.post(f"/todos/{todo.pk}/done/").status_code == 302
    assert Todo.objects.get(pk=todo.pk).done_at is not None
    page = client.get("/").content.decode()
    assert "给钢琴谱夹补货" not in page and 'class="badge">0<' in page


# --- the daily report -------------------------------------------------------------------------


@pytest.fixture
def a_day_at_the_desk(campus, make_staff):
    """Today: a package sold for ¥3000 in cash, one lesson used, a card deposit of ¥50,
    two music folders sold at ¥12.50, a lead."""
    from billing.models import GoodsItem, Payment
    from billing.services import goods_sell, package_deduct, payment_record_other
    from students.models import Lead
    from tests.billing.helpers import make_student, sell

    desk = make_staff(Role.FRONT_DESK)
    student = make_student(campus)
    package = sell(student, desk, valid_from=timezone.localdate() - timedelta(days=1))
    package_deduct(package=package, at=timezone.now(), by=desk, reason="上课")
    payment_record_other(
        campus=campus, student=student, purpose=Payment.Purpose.CARD_DEPOSIT, amount=Decimal("50.00"), by=desk,
    )
    item = GoodsItem.objects.create(campus=campus, category="文具", name="琴谱夹", price="12.50", stock=5)
    goods_sell(item=item, quantity=2, by=desk, buyer_name="路人")
    Lead.objects.create(campus=campus, name="刘", phone="13900000000")
    return desk


def rows_of(sections) -> dict:
    return {label: value for s in sections for label, value in s.rows}


def test_the_daily_report_page_adds_up_the_day(a_day_at_the_desk):
    client = signed_in(a_day_at_the_desk)
    page = client.get("/reports/daily/", {"day": f"{TODAY():%Y-%m-%d}"})
    assert page.status_code == 200
    rows = rows_of(page.context["sections"])
    assert rows["消课节数"] == 1
    assert rows["现金"] == 3075 and rows["收入合计"] == 3075 and rows["微信"] == 0
    assert rows["学员卡押金"] == 50
    assert rows["售出件数"] == 2 and rows["销售金额"] == 25
    assert rows["新增咨询（线索）"] == 1
    assert rows_of(client.get("/reports/daily/", {"day": f"{TODAY() + timedelta(days=1):%Y-%m-%d}"}).context["sections"])["收入合计"] == 0


def test_the_daily_report_as_an_excel_file(a_day_at_the_desk):
    response = signed_in(a_day_at_the_desk).get("/reports/daily/", {"export": "xlsx"})
    assert response["Content-Disposition"].endswith(f'{TODAY():%Y%m%d}.xlsx"')
    sheet = load_workbook(BytesIO(response.content)).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["收入合计"] == 3075 and values["消课节数"] == 1


@pytest.mark.parametrize("day", ["0001-01-01", "不是日期", "2026-02-30"])
def test_a_bad_report_day_is_said_and_today_shown(a_day_at_the_desk, day):
    page = signed_in(a_day_at_the_desk).get("/reports/daily/", {"day": day})
    assert page.status_code == 200 and page.context["form"].errors


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.TEACHER, Role.DEAN])
def test_only_the_desk_the_principal_and_finance_read_the_report(make_staff, role):
    assert signed_in(make_staff(role)).get("/reports/daily/").status_code == 403


def test_the_end_of_day_job_files_each_campus_once(a_day_at_the_desk, campus, tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        at = timezone.now()
        assert job_run("daily_report", at=at) == 1
        assert job_run("daily_report", at=at, force=True) == 0
        report = DailyReport.objects.get(campus=campus, day=TODAY())
        assert rows_of_data(report.data)["收入合计"] == "3075.00"
        with report.file.open("rb") as f:
            assert load_workbook(f).active["A1"].value.endswith("日报表")
        assert daily_report_file(campus=campus, day=TODAY()) is None


def rows_of_data(data) -> dict:
    return {label: value for s in data for label, value in s["rows"]}


def test_history_clean_up_removes_only_what_is_kept_a_while(make_staff):
    desk = make_staff(Role.FRONT_DESK)
    at = datetime(2026, 3, 2, 3, 30, tzinfo=SHANGHAI)
    JobRun.objects.create(job="old", day=date(2025, 1, 1))
    JobRun.objects.create(job="recent", day=date(2026, 3, 1))
    old = Message.objects.create(channel="outbox", to="x", body="b", status=Message.Status.SENT)
    Message.objects.filter(pk=old.pk).update(created_at=at - timedelta(days=400))
    Message.objects.create(channel="outbox", to="x", body="b", status=Message.Status.PENDING)
    todo = todo_raise(assignee=desk, kind="k", key="k", day=date(2025, 1, 1), text="t")
    Todo.objects.filter(pk=todo.pk).update(done_at=at - timedelta(days=100))
    todo_raise(assignee=desk, kind="k", key="open", day=date(2025, 1, 1), text="t")
    assert job_run("history_clean_up", at=at) == 3
    assert job_run("history_clean_up", at=at, force=True) == 0
    assert set(JobRun.objects.values_list("job", flat=True)) == {"recent", "history_clean_up"}
    assert Message.objects.count() == 1 and Todo.objects.count() == 1


def test_hq_reads_what_the_jobs_recorded_in_the_admin(make_staff):
    client = signed_in(make_staff(Role.HQ_ADMIN))
    for model in ("jobrun", "todo", "message", "dailyreport"):
        assert client.get(f"/admin/core/{model}/").status_code == 200
        assert client.get(f"/admin/core/{model}/add/").status_code == 403
