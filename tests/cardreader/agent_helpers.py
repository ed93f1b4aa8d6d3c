"""A front for a server that the tests can take down and bring back on the same port, and
make "lose" an answer: the request reaches the server, the reply never reaches the agent."""

import http.server
import socket
import threading
import urllib.error
import urllib.request

from cardreader.agent import EV_KEY, KEY_CODES, KEY_DOWN

CODE_OF = {}
for _code, _char in KEY_CODES.items():
    CODE_OF.setdefault(_char, _code)
KEY_UP = 0
KEY_ENTER = 28


def key_events(text: str, *, numpad: bool = False) -> list[tuple[int, int, int]]:
    """The evdev events a reader makes typing `text` and Enter: key down and up per key."""
    numpad_codes = {"0": 82, "1": 79, "2": 80, "3": 81, "4": 75, "5": 76, "6": 77, "7": 71, "8": 72, "9": 73}
    events = []
    for char in text:
        code = numpad_codes[char] if numpad and char in numpad_codes else CODE_OF[char]
        events += [(EV_KEY, code, KEY_DOWN), (EV_KEY, code, KEY_UP)]
    return events + [(EV_KEY, KEY_ENTER, KEY_DOWN), (EV_KEY, KEY_ENTER, KEY_UP)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Front:
    """An HTTP relay on a fixed port to `upstream`. `stop()` makes the port refuse
    connections; `start()` brings it back; `lose_next` answers nothing after relaying."""

    def __init__(self, upstream: str, port: int | None = None, status: int | None = None) -> None:
        self.upstream = upstream.rstrip("/")
        self.port = port or free_port()
        self.fixed_status = status
        self.lose_next = 0
        self.relayed = 0
        self.server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        front = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if front.fixed_status is not None:
                    status, answer = front.fixed_status, b"{}"
                else:
                    request = urllib.request.Request(
                        front.upstream + self.path,
                        data=body,
                        method="POST",
                        headers={
                            k: v
                            for k, v in self.headers.items()
                            if k.lower() in ("content-type", "authorization", "accept")
                        },
                    )
                    try:
                        with urllib.request.urlopen(request, timeout=30) as r:
                            status, answer = r.status, r.read()
                    except urllib.error.HTTPError as exc:
                        status, answer = exc.code, exc.read()
                front.relayed += 1
                if front.lose_next:
                    front.lose_next -= 1
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        http.server.ThreadingHTTPServer.allow_reuse_address = True
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
