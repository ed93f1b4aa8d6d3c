"""Outgoing messages (core/messaging.py) through their real adapters: SMS and WeChat Work
against a local HTTP server in a thread (http.server, answering as it is told), e-mail
through Django's mail; failures kept on the message and retried with a growing pause by
the sweep, until they go or are given up."""

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from core.messaging import (
    MAX_ATTEMPTS,
    RETRY_BACKOFF,
    channel_for,
    message_queue,
    message_send,
    messages_send_due,
)
from core.models import Message

pytestmark = pytest.mark.django_db


class FakeGateway:
    """A local HTTP server that records each request and answers from a script: a list
    of (status, JSON body), the last one repeated."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict]] = [(200, {"errcode": 0, "errmsg": "ok"})]
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                gateway.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": json.loads(self.rfile.read(length))}
                )
                status, body = gateway.answers.pop(0) if len(gateway.answers) > 1 else gateway.answers[0]
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeGateway":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    with FakeGateway() as server:
        yield server


def test_with_nothing_configured_a_message_stays_in_the_outbox_and_the_log(caplog):
    message = message_queue(to="13800000001", body="明天 10:00 钢琴课")
    assert message.channel == Message.Channel.OUTBOX and message.status == Message.Status.PENDING
    with caplog.at_level("INFO", logger="messages"):
        sent = message_send(message_id=message.pk)
    assert sent.status == Message.Status.SENT and sent.sent_at is not None and sent.attempts == 1
    assert "明天 10:00 钢琴课" in caplog.text


def test_a_key_queues_a_message_once():
    assert message_queue(to="13800000001", body="一", key="k:1") is not None
    assert message_queue(to="13800000001", body="一", key="k:1") is None
    assert Message.objects.count() == 1


def test_the_channel_follows_the_address_and_the_configuration(gateway):
    assert channel_for("parent@example.cn") == Message.Channel.EMAIL
    with override_settings(SMS_API_URL=gateway.url, WECHAT_WORK_WEBHOOK_URL=gateway.url):
        assert channel_for("13800000001") == Message.Channel.SMS
        assert channel_for("13700000001", staff=True) == Message.Channel.WECHAT
        assert channel_for("") == Message.Channel.OUTBOX
    with override_settings(WECHAT_WORK_WEBHOOK_URL=gateway.url):
        assert channel_for("13800000001") == Message.Channel.OUTBOX


def test_an_sms_goes_to_the_gateway_with_its_key(gateway):
    with override_settings(SMS_API_URL=gateway.url + "/sms", SMS_API_KEY="secret-key", SMS_SIGN="未来星"):
        message = message_queue(to="13800000001", body="明天 10:00 钢琴课")
        sent = message_send(message_id=message.pk)
    assert sent.channel == Message.Channel.SMS and sent.status == Message.Status.SENT
    [request] = gateway.requests
    assert request["path"] == "/sms"
    assert request["headers"]["Authorization"] == "Bearer secret-key"
    assert request["body"] == {"to": "13800000001", "text": "明天 10:00 钢琴课", "sign": "未来星"}


def test_a_failed_sms_is_kept_and_retried_with_a_growing_pause_until_it_goes(gateway):
    gateway.answers = [(500, {"error": "busy"}), (503, {"error": "down"}), (200, {"ok": True})]
    with override_settings(SMS_API_URL=gateway.url):
        message = message_queue(to="13800000001", body="课时包将到期")
        now = timezone.now()
        first = message_send(message_id=message.pk, now=now)
        assert first.status == Message.Status.PENDING and first.attempts == 1
        assert "HTTP 500" in first.last_error and first.next_attempt_at == now + RETRY_BACKOFF
        # not due yet: the sweep leaves it
        assert messages_send_due(now + RETRY_BACKOFF - timedelta(seconds=1)) == 0
        assert len(gateway.requests) == 1
        assert messages_send_due(now + RETRY_BACKOFF) == 0
        second = Message.objects.get(pk=message.pk)
        assert second.attempts == 2 and "HTTP 503" in second.last_error
        assert second.next_attempt_at == now + RETRY_BACKOFF + 2 * RETRY_BACKOFF
        assert messages_send_due(now + 3 * RETRY_BACKOFF) == 1
    sent = Message.objects.get(pk=message.pk)
    assert sent.status == Message.Status.SENT and sent.attempts == 3 and len(gateway.requests) == 3
    assert messages_send_due(now + timedelta(days=1)) == 0  # sent once only
    assert len(gateway.requests) == 3


def test_a_message_that_never_goes_is_given_up_with_its_reason(gateway):
    gateway.answers = [(500, {"error": "busy"})]
    with override_settings(SMS_API_URL=gateway.url):
        message = message_queue(to="13800000001", body="课时包将到期")
        now = timezone.now()
        for attempt in range(MAX_ATTEMPTS):
            message_send(message_id=message.pk, now=now + timedelta(days=attempt))
    failed = Message.objects.get(pk=message.pk)
    assert failed.status == Message.Status.FAILED and failed.attempts == MAX_ATTEMPTS
    assert "HTTP 500" in failed.last_error and failed.sent_at is None
    assert messages_send_due(now + timedelta(days=30)) == 0
    assert len(gateway.requests) == MAX_ATTEMPTS


def test_a_gateway_that_does_not_answer_is_a_failure_kept_on_the_message():
    with FakeGateway() as gone:
        url = gone.url
    with override_settings(SMS_API_URL=url):
        message = message_queue(to="13800000001", body="课时包将到期")
        failed = message_send(message_id=message.pk)
    assert failed.status == Message.Status.PENDING and failed.attempts == 1
    assert "Connection" in failed.last_error or "refused" in failed.last_error


def test_wechat_work_mentions_the_member_of_staff_and_reads_errcode(gateway):
    gateway.answers = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"}), (200, {"errcode": 0})]
    with override_settings(WECHAT_WORK_WEBHOOK_URL=gateway.url + "/cgi-bin/webhook/send?key=abc"):
        message = message_queue(to="13700000001", body="明天的课：10:00 张三 钢琴", staff=True)
        now = timezone.now()
        failed = message_send(message_id=message.pk, now=now)
        assert failed.channel == Message.Channel.WECHAT and failed.status == Message.Status.PENDING
        assert "93000" in failed.last_error
        assert messages_send_due(now + RETRY_BACKOFF) == 1
    assert gateway.requests[0]["path"] == "/cgi-bin/webhook/send?key=abc"
    assert gateway.requests[1]["body"] == {
        "msgtype": "text", "text": {"content": "明天的课：10:00 张三 钢琴", "mentioned_mobile_list": ["13700000001"]},
    }


def test_an_email_goes_through_django_mail():
    message = message_queue(to="parent@example.cn", body="本月学习报告", subject="学习报告")
    sent = message_send(message_id=message.pk)
    assert sent.status == Message.Status.SENT
    [email] = mail.outbox
    assert email.to == ["parent@example.cn"] and email.subject == "学习报告" and email.body == "本月学习报告"


def test_a_message_claimed_by_one_worker_is_not_sent_by_another(gateway):
    with override_settings(SMS_API_URL=gateway.url):
        message = message_queue(to="13800000001", body="一")
        now = timezone.now()
        Message.objects.filter(pk=message.pk).update(status=Message.Status.SENDING, next_attempt_at=now)
        assert message_send(message_id=message.pk, now=now + timedelta(minutes=1)) is None
        assert gateway.requests == []
        # its worker died: after a while the sweep sends it
        assert messages_send_due(now + timedelta(minutes=11)) == 1
    assert len(gateway.requests) == 1


def test_the_sweep_job_sends_what_is_due(gateway):
    from core.jobs import job_run

    with override_settings(SMS_API_URL=gateway.url):
        message_queue(to="13800000001", body="一")
        message_queue(to="13800000002", body="二")
        assert job_run("messages_send", at=timezone.now() + timedelta(seconds=1)) == 2
        assert job_run("messages_send", at=timezone.now() + timedelta(seconds=2)) == 0
    assert {r["body"]["to"] for r in gateway.requests} == {"13800000001", "13800000002"}


def test_a_broker_that_cannot_take_the_task_leaves_the_message_to_the_sweep(
    monkeypatch, django_capture_on_commit_callbacks
):
    from core import tasks

    def broker_down(*args):
        raise OSError("broker unreachable")

    monkeypatch.setattr(tasks.send_message, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = message_queue(to="13800000001", body="一")
    assert len(callbacks) == 1
    assert Message.objects.get(pk=message.pk).status == Message.Status.PENDING
    assert messages_send_due(timezone.now() + timedelta(seconds=1)) == 1


def test_a_message_is_sent_by_the_worker_once_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = message_queue(to="13800000001", body="一")
    assert Message.objects.get(pk=message.pk).status == Message.Status.PENDING  # not before the commit
    for callback in callbacks:
        callback()  # the commit: the (eager) task runs
    assert Message.objects.get(pk=message.pk).status == Message.Status.SENT
