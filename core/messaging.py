"""Outgoing messages: one way to send anything to a parent, a teacher or a member of staff.

`message_queue(...)` records a `Message` (pending) and has the worker send it once the
transaction commits; `messages_send_due` (the `messages_send` sweep, every minute) sends
what is still pending, again after a failure with a growing pause (`RETRY_BACKOFF`), and
gives up after `MAX_ATTEMPTS` (status failed, the reason kept). Each message is claimed
by a conditional UPDATE (pending → sending) before it goes, so two workers never send the
same one.

Which channel carries a message is chosen when it is queued (`channel_for`): an e-mail
address goes by e-mail (Django's mail, EMAIL_* settings); a phone number by SMS when
`SMS_API_URL` is set; a member of staff by WeChat Work when `WECHAT_WORK_WEBHOOK_URL` is
set; anything else stays in the outbox (the table and the log), which is also the default
of a center that configured nothing. Every sender has one method, `send(message)`,
raising `SendError` with the reason on failure.
"""

import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .jobs import enqueue_on_commit
from .models import Campus, Message

logger = logging.getLogger("messages")

MAX_ATTEMPTS = 5
# the pause after the n-th failure: 1, 2, 4, 8 minutes …
RETRY_BACKOFF = timedelta(minutes=1)
# a message left `sending` this long died with its worker: the sweep sends it again
STALE_SENDING = timedelta(minutes=10)
HTTP_TIMEOUT = 10


class SendError(Exception):
    """A message could not be sent; the text is the reason kept on the message."""


class Sender:
    channel: str

    def send(self, message: Message) -> None:
        raise NotImplementedError


class OutboxSender(Sender):
    """The default: the message stays on record in the outbox table and goes to the log."""

    channel = Message.Channel.OUTBOX

    def send(self, message: Message) -> None:
        logger.info("outbox → %s: %s", message.to, message.body)


class EmailSender(Sender):
    channel = Message.Channel.EMAIL

    def send(self, message: Message) -> None:
        try:
            send_mail(message.subject or settings.CENTER_NAME, message.body, None, [message.to])
        except Exception as exc:  # smtplib's and socket's errors alike
            raise SendError(f"{type(exc).__name__}: {exc}") from exc


def post_json(url: str, payload: dict, headers: dict[str, str] | None = None) -> dict:
    """POST `payload` as JSON; the JSON answer, or SendError (no answer, not 2xx, not JSON)."""
    request = urllib.request.Request(  # noqa: S310 - a configured http(s) URL
        url, data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise SendError(f"HTTP {exc.code}: {exc.read()[:200].decode(errors='replace')}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SendError(f"{type(exc).__name__}: {exc}") from exc
    try:
        return json.loads(body or b"{}")
    except ValueError as exc:
        raise SendError(f"not JSON: {body[:200]!r}") from exc


class SmsSender(Sender):
    """An SMS gateway over HTTP: POST {"to", "text", "sign"} to SMS_API_URL with the key
    as a bearer token; a 2xx answer is sent, anything else the reason of a failure."""

    channel = Message.Channel.SMS

    def send(self, message: Message) -> None:
        headers = {"Authorization": f"Bearer {settings.SMS_API_KEY}"} if settings.SMS_API_KEY else {}
        post_json(
            settings.SMS_API_URL, {"to": message.to, "text": message.body, "sign": settings.SMS_SIGN}, headers
        )


class WeChatWorkSender(Sender):
    """A WeChat Work (企业微信) group robot: POST a text to WECHAT_WORK_WEBHOOK_URL,
    mentioning the member of staff by their mobile; `errcode` 0 is sent."""

    channel = Message.Channel.WECHAT

    def send(self, message: Message) -> None:
        answer = post_json(
            settings.WECHAT_WORK_WEBHOOK_URL,
            {"msgtype": "text", "text": {"content": message.body, "mentioned_mobile_list": [message.to]}},
        )
        if answer.get("errcode", 0) != 0:
            raise SendError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


SENDERS: dict[str, type[Sender]] = {
    sender.channel: sender for sender in (OutboxSender, EmailSender, SmsSender, WeChatWorkSender)
}


def channel_for(to: str, *, staff: bool = False) -> str:
    """The channel that carries a message to `to` with this deployment's configuration."""
    if "@" in to:
        return Message.Channel.EMAIL
    if staff and settings.WECHAT_WORK_WEBHOOK_URL and to:
        return Message.Channel.WECHAT
    if settings.SMS_API_URL and to:
        return Message.Channel.SMS
    return Message.Channel.OUTBOX


def message_queue(
    *, to: str, body: str, campus: Campus | None = None, key: str | None = None, subject: str = "",
    staff: bool = False, channel: str | None = None,
) -> Message | None:
    """Record a message and send it after the commit. With `key`, a message already queued
    under it is left as it is and None returned (a job run twice sends once)."""
    from .tasks import send_message

    if key and Message.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            message = Message.objects.create(
                campus=campus, key=key, to=to[:200], subject=subject[:200], body=body,
                channel=channel or channel_for(to, staff=staff), next_attempt_at=timezone.now(),
            )
    except IntegrityError:  # the same key queued at the same moment by another worker
        return None
    enqueue_on_commit(send_message, message.pk)
    return message


def message_send(*, message_id: int, now: datetime | None = None) -> Message | None:
    """Send one message if it is due: claimed (pending → sending) by a conditional UPDATE,
    handed to its channel's sender, then sent, or pending again after the backoff, or
    failed after MAX_ATTEMPTS. None when it was not ours to send (sent, not yet due, or
    another worker has it)."""
    now = now or timezone.now()
    claimed = (
        Message.objects.filter(pk=message_id)
        .filter(
            Q(status=Message.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Message.Status.SENDING, next_attempt_at__lt=now - STALE_SENDING)
        )
        .update(status=Message.Status.SENDING, next_attempt_at=now)
    )
    if not claimed:
        return None
    message = Message.objects.get(pk=message_id)
    message.attempts += 1
    try:
        SENDERS[message.channel]().send(message)
    except Exception as exc:  # noqa: BLE001 - any failure is kept on the message, never lost
        reason = str(exc) if isinstance(exc, SendError) else f"{type(exc).__name__}: {exc}"
        message.last_error = reason[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = Message.Status.FAILED
            logger.error("message %s to %s failed for good: %s", message.pk, message.to, reason)
        else:
            message.status = Message.Status.PENDING
            message.next_attempt_at = now + RETRY_BACKOFF * 2 ** (message.attempts - 1)
            logger.warning("message %s to %s failed (attempt %s): %s", message.pk, message.to, message.attempts, reason)
    else:
        message.status, message.sent_at = Message.Status.SENT, timezone.now()
    message.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "sent_at"])
    return message


def messages_send_due(at: datetime) -> int:
    """The sweep: send every message due by `at` (new, to retry, or stale in sending).
    Returns how many went."""
    due = Message.objects.filter(
        Q(status=Message.Status.PENDING, next_attempt_at__lte=at)
        | Q(status=Message.Status.SENDING, next_attempt_at__lt=at - STALE_SENDING)
    ).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:500]
    sent = 0
    for pk in list(due):
        message = message_send(message_id=pk, now=at)
        sent += message is not None and message.status == Message.Status.SENT
    return sent
