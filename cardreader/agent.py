"""The reader agent: reads a USB card reader without a browser and sends its swipes.

Pieces, each testable without a device:
- `KeyDecoder` turns key codes (evdev numbers) into card texts: digits, hex letters, a
  comma (Wiegand 26 "089,47544"), ended by Enter. The numbers are those of
  linux/input-event-codes.h, so python-evdev is needed only to open the device.
- `Outbox` is a durable SQLite queue: every swipe is written there (with its swipe_id and
  swiped_at) before anything is sent, so a crash or an outage loses nothing.
- `Sender` posts the queue in order to /api/v1/swipes with backoff. A swipe leaves the
  queue only on a 2xx or a definitive 4xx; 401/408/429, 5xx and network errors keep it.
  The server's swipe_id is idempotent, so a swipe sent twice (the answer lost on the way
  back) is deducted once.
- `read_device` grabs an evdev device and reopens it after an unplug."""

import json
import logging
import sqlite3
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

logger = logging.getLogger("cardreader.agent")

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Key numbers of linux/input-event-codes.h (python-evdev's ecodes), so no evdev is needed
# to decode. KEY_1..KEY_9 are 2..10, KEY_0 is 11.
KEY_CODES: dict[int, str] = {2 + i: str((i + 1) % 10) for i in range(10)}
# KEY_KP0=82, KEY_KP1..3=79..81, KEY_KP4..6=75..77, KEY_KP7..9=71..73
KEY_CODES |= dict(zip((82, 79, 80, 81, 75, 76, 77, 71, 72, 73), "0123456789", strict=True))
# KEY_A=30 KEY_B=48 KEY_C=46 KEY_D=32 KEY_E=18 KEY_F=33
KEY_CODES |= dict(zip((30, 48, 46, 32, 18, 33), "ABCDEF", strict=True))
KEY_CODES |= {51: ",", 121: ","}  # KEY_COMMA, KEY_KPCOMMA (Wiegand 26 "089,47544")
ENTER_CODES = frozenset({28, 96})  # KEY_ENTER, KEY_KPENTER
KEY_DOWN = 1
EV_KEY = 1
MAX_CARD_TEXT = 64
# 2xx and these are final answers: the swipe is done (accepted, refused or malformed).
RETRY_STATUSES = frozenset({401, 408, 429})


class KeyDecoder:
    """Key codes in, card texts out. Feed key-down codes; Enter ends a card."""

    def __init__(self) -> None:
        self.buffer: list[str] = []

    def feed(self, code: int) -> str | None:
        if code in ENTER_CODES:
            text, self.buffer = "".join(self.buffer), []
            return text or None
        char = KEY_CODES.get(code)
        if char is None:
            # a key a reader never types (Shift, Tab): whatever was gathered is not a card
            self.buffer = []
        elif len(self.buffer) < MAX_CARD_TEXT:
            self.buffer.append(char)
        return None

    def feed_events(self, events: Iterable[tuple[int, int, int]]) -> Iterator[str]:
        """(type, code, value) triples as evdev reports them; key-downs only."""
        for ev_type, code, value in events:
            if ev_type == EV_KEY and value == KEY_DOWN:
                card = self.feed(code)
                if card:
                    yield card


@dataclass(frozen=True)
class Queued:
    seq: int
    swipe_id: str
    card: str
    swiped_at: str
    attempts: int


class Outbox:
    """A durable FIFO of swipes in SQLite (WAL, synchronous=FULL: a swipe that `add`
    returned from survives a power cut)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self.db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS outbox ("
            " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
            " swipe_id TEXT NOT NULL UNIQUE,"
            " card TEXT NOT NULL,"
            " swiped_at TEXT NOT NULL,"
            " attempts INTEGER NOT NULL DEFAULT 0,"
            " last_error TEXT NOT NULL DEFAULT '')"
        )

    def add(self, card: str, *, at: datetime | None = None, swipe_id: str | None = None) -> Queued:
        at = at or datetime.now(SHANGHAI)
        swipe_id = swipe_id or str(uuid.uuid4())
        with self.lock:
            cur = self.db.execute(
                "INSERT INTO outbox (swipe_id, card, swiped_at) VALUES (?, ?, ?)",
                (swipe_id, card, at.isoformat()),
            )
        return Queued(int(cur.lastrowid or 0), swipe_id, card, at.isoformat(), 0)

    def peek(self) -> Queued | None:
        with self.lock:
            row = self.db.execute(
                "SELECT seq, swipe_id, card, swiped_at, attempts FROM outbox ORDER BY seq LIMIT 1"
            ).fetchone()
        return Queued(*row) if row else None

    def done(self, item: Queued) -> None:
        with self.lock:
            self.db.execute("DELETE FROM outbox WHERE seq = ?", (item.seq,))

    def failed(self, item: Queued, error: str) -> None:
        with self.lock:
            self.db.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?",
                (error[:500], item.seq),
            )

    def __len__(self) -> int:
        with self.lock:
            return int(self.db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])

    def close(self) -> None:
        self.db.close()


@dataclass
class Sent:
    status: int
    body: dict[str, Any]


class Sender:
    """Posts the outbox in order. One swipe at a time: a later swipe of the same card must
    not overtake an earlier one (the repeat guard and the package choice depend on order)."""

    def __init__(
        self,
        outbox: Outbox,
        *,
        server: str,
        token: str,
        timeout: float = 10.0,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        on_answer: Callable[[Queued, Sent], None] | None = None,
        lesson_kind: str | None = None,
    ) -> None:
        self.outbox = outbox
        if lesson_kind not in (None, "main", "practice"):
            raise ValueError("--lesson-kind must be main or practice")
        # sent with every swipe (a reader by the practice rooms: practice); None sends none,
        # and the server takes the scheduled lesson's kind, else main
        self.lesson_kind = lesson_kind
        if not server.startswith(("http://", "https://")):
            raise ValueError("--server must be an http:// or https:// address")
        self.url = server.rstrip("/") + "/api/v1/swipes"
        self.token = token
        self.timeout = timeout
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.on_answer = on_answer
        self.failures = 0

    def post(self, item: Queued) -> Sent:
        body = {"swipe_id": item.swipe_id, "card": item.card, "swiped_at": item.swiped_at}
        if self.lesson_kind:
            body["lesson_kind"] = self.lesson_kind
        data = json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=data,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - our server
                return Sent(response.status, _json(response.read()))
        except urllib.error.HTTPError as exc:
            return Sent(exc.code, _json(exc.read()))

    def send_one(self) -> bool | None:
        """Send the oldest swipe. True: it left the queue; False: kept, try later;
        None: the queue is empty."""
        item = self.outbox.peek()
        if item is None:
            return None
        try:
            sent = self.post(item)
        except (OSError, urllib.error.URLError) as exc:  # refused, reset, timed out
            self.outbox.failed(item, str(exc))
            self.failures += 1
            return False
        if 200 <= sent.status < 300 or (400 <= sent.status < 500 and sent.status not in RETRY_STATUSES):
            self.outbox.done(item)
            self.failures = 0
            if self.on_answer:
                self.on_answer(item, sent)
            return True
        self.outbox.failed(item, f"HTTP {sent.status}")
        self.failures += 1
        if sent.status == 401:
            logger.error("the server refused the reader token (401); check --token")
        return False

    def delay(self) -> float:
        """Seconds to wait after the current run of failures: doubling, capped."""
        if self.failures == 0:
            return 0.0
        return min(self.max_backoff, self.backoff * 2 ** (self.failures - 1))

    def drain(self, *, stop: threading.Event | None = None) -> None:
        """Send until the queue is empty or `stop` is set, waiting with backoff on failure."""
        while stop is None or not stop.is_set():
            result = self.send_one()
            if result is None:
                return
            if result is False:
                wait = self.delay()
                if stop is not None:
                    if stop.wait(wait):
                        return
                else:
                    time.sleep(wait)

    def run(self, stop: threading.Event, wake: threading.Event, idle: float = 1.0) -> None:
        """The sender thread: drain, then sleep until a new swipe (`wake`) or `idle`."""
        while not stop.is_set():
            self.drain(stop=stop)
            wake.wait(idle)
            wake.clear()


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def read_stdin(stream: Iterable[str]) -> Iterator[str]:
    """Card texts from lines (a reader in a terminal, or a test)."""
    for line in stream:
        text = line.strip()
        if text:
            yield text[:MAX_CARD_TEXT]


def read_device(path: str, *, stop: threading.Event, retry: float = 2.0) -> Iterator[str]:
    """Card texts from an evdev device, grabbed so the keystrokes go nowhere else. After an
    unplug (OSError) the device is opened again when it comes back. Raises RuntimeError at
    once (not at the first card) when python-evdev is not installed."""
    try:
        import evdev  # an optional extra: only this mode needs it
    except ImportError as exc:
        raise RuntimeError("--device needs python-evdev: pip install evdev") from exc
    return _device_cards(evdev, path, stop=stop, retry=retry)


def _device_cards(evdev: Any, path: str, *, stop: threading.Event, retry: float) -> Iterator[str]:
    decoder = KeyDecoder()
    while not stop.is_set():
        try:
            device = evdev.InputDevice(path)
        except OSError as exc:
            logger.warning("cannot open %s (%s); retrying", path, exc)
            stop.wait(retry)
            continue
        try:
            device.grab()
            logger.info("reading %s (%s)", path, device.name)
            for event in device.read_loop():
                if stop.is_set():
                    break
                yield from decoder.feed_events([(event.type, event.code, event.value)])
        except OSError as exc:
            logger.warning("%s went away (%s); waiting for it", path, exc)
            decoder = KeyDecoder()
        finally:
            try:
                device.ungrab()
                device.close()
            except OSError:
                pass
        stop.wait(retry)
