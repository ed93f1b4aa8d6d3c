"""The reader agent: key codes decoded without evdev, a durable outbox, and a sender that
delivers every swipe exactly once through outages, lost answers and its own restart."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from billing.models import LedgerEntry
from cardreader.agent import KeyDecoder, Outbox, Sender
from cardreader.models import Swipe
from cardreader.services import reader_register
from core.roles import Role

from .agent_helpers import Front, key_events
from .helpers import a_package, a_student_with_card


def test_key_codes_of_the_top_row_the_keypad_and_hex_letters_decode():
    decoder = KeyDecoder()
    assert list(decoder.feed_events(key_events("0012345678"))) == ["0012345678"]
    assert list(decoder.feed_events(key_events("0012345678", numpad=True))) == ["0012345678"]
    assert list(decoder.feed_events(key_events("04A1B2C3"))) == ["04A1B2C3"]
    assert list(decoder.feed_events(key_events("089,47544"))) == ["089,47544"]


def test_a_stray_key_drops_what_was_gathered_and_a_bare_enter_is_nothing():
    decoder = KeyDecoder()
    events = key_events("12")[:-2] + [(1, 42, 1)] + key_events("34")  # 42 is KEY_LEFTSHIFT
    assert list(decoder.feed_events(events)) == ["34"]
    assert list(decoder.feed_events([(1, 28, 1)])) == []
    assert list(decoder.feed_events([(1, 2, 2), (1, 28, 1)])) == []  # autorepeat is not a key-down


def test_the_outbox_keeps_its_order_and_survives_reopening(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    first = Outbox(path)
    a, b = first.add("0000000001"), first.add("0000000002")
    first.close()
    again = Outbox(path)
    assert len(again) == 2
    assert again.peek().swipe_id == a.swipe_id
    again.done(again.peek())
    assert again.peek().swipe_id == b.swipe_id


@pytest.mark.parametrize(
    ("status", "kept"),
    [
        (201, False),
        (200, False),
        (409, False),
        (422, False),
        (401, True),
        (408, True),
        (429, True),
        (500, True),
        (503, True),
    ],
)
def test_a_swipe_leaves_the_outbox_only_on_2xx_or_a_definitive_4xx(tmp_path, status, kept):
    front = Front("http://unused", status=status)
    front.start()
    try:
        outbox = Outbox(tmp_path / "o.sqlite3")
        outbox.add("0000000001")
        sender = Sender(outbox, server=front.url, token="t", backoff=0.01)
        assert sender.send_one() is (not kept)
        assert len(outbox) == (1 if kept else 0)
    finally:
        front.stop()


def test_an_unreachable_server_keeps_the_swipe_and_backs_off(tmp_path):
    front = Front("http://unused")  # never started: the port refuses
    outbox = Outbox(tmp_path / "o.sqlite3")
    outbox.add("0000000001")
    sender = Sender(outbox, server=front.url, token="t", timeout=1, backoff=0.5, max_backoff=4)
    delays = []
    for _ in range(5):
        assert sender.send_one() is False
        delays.append(sender.delay())
    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert len(outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_every_swipe_arrives_once_through_an_outage_a_lost_answer_and_a_restart(
    tmp_path, live_server, campus, make_staff
):
    desk = make_staff(Role.FRONT_DESK)
    _reader, token = reader_register(name="一号机", campus=campus)
    numbers = [f"{n:010d}" for n in range(1, 7)]
    packages = []
    for i, number in enumerate(numbers):
        student, _card = a_student_with_card(campus, desk, number=number, chip="", name=f"学员{i}")
        packages.append(a_package(student, desk))
    front = Front(live_server.url)
    front.start()
    path = tmp_path / "agent-outbox.sqlite3"
    decoder = KeyDecoder()
    base = timezone.now() - timedelta(minutes=30)

    def swiped(outbox: Outbox, number: str, minute: int) -> None:
        for card in decoder.feed_events(key_events(number)):
            outbox.add(card, at=base + timedelta(minutes=minute))

    # given: the agent sends two swipes while the server is up
    outbox = Outbox(path)
    sender = Sender(outbox, server=front.url, token=token, timeout=5, backoff=0.01, max_backoff=0.05)
    swiped(outbox, numbers[0], 0)
    swiped(outbox, numbers[1], 1)
    sender.drain()
    assert Swipe.objects.count() == 2

    # when: the server goes away, swipes keep coming and attempts fail
    front.stop()
    for minute, number in enumerate(numbers[2:], start=2):
        swiped(outbox, number, minute)
    assert sender.send_one() is False
    assert len(outbox) == 4
    # … and the agent itself is restarted (a new process opens the same outbox)
    outbox.close()
    outbox = Outbox(path)
    sender = Sender(outbox, server=front.url, token=token, timeout=5, backoff=0.01, max_backoff=0.05)
    assert len(outbox) == 4

    # then: the server comes back; the first answer is lost on its way back
    front.start()
    front.lose_next = 1
    sender.drain()

    assert len(outbox) == 0
    assert front.relayed == 2 + 4 + 1  # the swipe whose answer was lost was sent twice
    assert Swipe.objects.count() == 6
    assert sorted(Swipe.objects.values_list("card_text", flat=True)) == numbers
    assert LedgerEntry.objects.filter(kind="used").count() == 6
    for package in packages:
        assert LedgerEntry.objects.filter(package=package, kind="used").count() == 1
    # the times are the swipes' own, not the replay's
    assert Swipe.objects.get(card_text=numbers[5]).swiped_at == base + timedelta(minutes=5)
    front.stop()


@pytest.mark.django_db(transaction=True)
def test_the_command_reads_stdin_and_sends_each_card(tmp_path, live_server, campus, make_staff, monkeypatch):
    desk = make_staff(Role.FRONT_DESK)
    _reader, token = reader_register(name="二号机", campus=campus)
    student, _card = a_student_with_card(campus, desk)
    package = a_package(student, desk)
    monkeypatch.setattr("sys.stdin", io.StringIO("0012345678\n\n0099999999\n"))
    out = io.StringIO()

    call_command(
        "cardreader_agent",
        "--server",
        live_server.url,
        "--token",
        token,
        "--stdin",
        "--outbox",
        str(tmp_path / "outbox.sqlite3"),
        stdout=out,
    )

    assert out.getvalue().strip().splitlines()[-1] == "0 swipes left in the outbox"
    assert "checked_in" in out.getvalue() and "unknown_card" in out.getvalue()
    assert LedgerEntry.objects.filter(package=package, kind="used").count() == 1
    assert Swipe.objects.count() == 2


def test_the_device_mode_without_evdev_says_what_to_install(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="evdev"):
        call_command(
            "cardreader_agent",
            "--server",
            "http://127.0.0.1:9",
            "--token",
            "t",
            "--device",
            "/dev/null",
            "--outbox",
            str(tmp_path / "o.sqlite3"),
        )


class _Event:
    def __init__(self, ev_type: int, code: int, value: int) -> None:
        self.type, self.code, self.value = ev_type, code, value


class _Unplugged(OSError):
    pass


class _FakeEvdev:
    """Stands in for the python-evdev module: a reader that is absent at first, types a
    card, is unplugged halfway through the next one, comes back and types a third."""

    def __init__(self, sessions: list[list[tuple[int, int, int]] | None]) -> None:
        self.sessions = sessions
        self.opened = 0
        self.grabbed = 0
        fake = self

        class InputDevice:
            name = "USB Card Reader"

            def __init__(self, path: str) -> None:
                fake.opened += 1
                session = fake.sessions.pop(0) if fake.sessions else None
                if session is None:
                    raise FileNotFoundError(path)
                self.events = session

            def grab(self) -> None:
                fake.grabbed += 1

            def ungrab(self) -> None:
                pass

            def close(self) -> None:
                pass

            def read_loop(self):
                for triple in self.events:
                    yield _Event(*triple)
                raise _Unplugged("No such device")

        self.InputDevice = InputDevice


def test_the_device_is_grabbed_and_reopened_after_an_unplug():
    import threading

    from cardreader.agent import _device_cards

    half = key_events("0000000002")[:8]  # unplugged before the Enter
    fake = _FakeEvdev([None, key_events("0000000001") + half, key_events("0000000003")])
    stop = threading.Event()
    cards = _device_cards(fake, "/dev/input/by-id/usb-reader", stop=stop, retry=0)

    read = [next(cards), next(cards)]
    stop.set()

    assert read == ["0000000001", "0000000003"]  # the half-typed card is not invented
    assert (fake.opened, fake.grabbed) == (3, 2)
