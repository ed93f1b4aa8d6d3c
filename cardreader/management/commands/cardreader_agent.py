"""python manage.py cardreader_agent --server URL --token T (--device PATH | --stdin)"""

import sys
import threading
from collections.abc import Iterator

from django.core.management.base import BaseCommand, CommandError

from cardreader.agent import Outbox, Queued, Sender, Sent, read_device, read_stdin


class Command(BaseCommand):
    help = (
        "Read a card reader (evdev device or stdin) and send each swipe to the server. Swipes are "
        "kept in a local SQLite outbox until the server has answered them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--server", required=True, help="e.g. http://127.0.0.1:8000")
        parser.add_argument("--token", required=True, help="the reader's token (register_reader)")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--device", help="/dev/input/by-id/…-event-kbd (needs python-evdev)")
        source.add_argument("--stdin", action="store_true", help="one card per line on standard input")
        parser.add_argument("--outbox", default="var/agent-outbox.sqlite3", help="the durable local queue")
        parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
        parser.add_argument("--max-backoff", type=float, default=60.0)
        parser.add_argument(
            "--lesson-kind",
            choices=["main", "practice"],
            help="the lesson kind this reader's swipes are for (default: the scheduled lesson's, else main)",
        )

    def handle(self, *args, **options) -> None:
        stop, wake = threading.Event(), threading.Event()
        cards: Iterator[str]
        if options["device"]:
            try:
                cards = read_device(options["device"], stop=stop)
            except RuntimeError as exc:
                raise CommandError(str(exc))
        else:
            cards = read_stdin(sys.stdin)
        outbox = Outbox(options["outbox"])
        try:
            sender = Sender(
                outbox,
                server=options["server"],
                token=options["token"],
                timeout=options["timeout"],
                max_backoff=options["max_backoff"],
                on_answer=self.answered,
                lesson_kind=options["lesson_kind"],
            )
        except ValueError as exc:
            outbox.close()
            raise CommandError(str(exc))
        thread = threading.Thread(target=sender.run, args=(stop, wake), name="sender", daemon=True)
        thread.start()
        if len(outbox):
            self.stdout.write(f"{len(outbox)} swipes waiting from before; sending them first")
        try:
            for card in cards:
                item = outbox.add(card)
                self.stdout.write(f"queued {item.swipe_id} {card}")
                wake.set()
            # stdin closed: finish what is queued, however long the server is away
            while len(outbox) and thread.is_alive():
                thread.join(0.2)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            wake.set()
            thread.join(5)
            left = len(outbox)
            outbox.close()
        self.stdout.write(f"{left} swipes left in the outbox")

    def answered(self, item: Queued, sent: Sent) -> None:
        body = sent.body
        what = f"refused {body['error'].get('code')}" if "error" in body else body.get("result", "")
        self.stdout.write(f"sent {item.swipe_id} {item.card} → {sent.status} {what}")
