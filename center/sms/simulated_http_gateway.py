"""An HTTP SMS gateway on 127.0.0.1, for the tests and for `make run`: the center's real
HTTP adapter (http_gateway.py) posts to it, and it pushes signed delivery receipts to the
center's receipt view, exactly as a provider's gateway would.

It checks every request's signature as a real gateway does (unsigned, wrongly signed,
stale or replayed requests get 401), keeps every message it accepts (and appends it to a
JSON-lines record, the same shape as the simulated SMSC's, which the center's demo page
reads), and after a short delay POSTs a receipt ``{"id", "delivered", "status", "at"}`` to
the callback URL, pushing again (a few times, waiting longer each time) while the center
does not answer 200. Faults on demand: the next requests refused with a status (429
throttled, 500), a number refused as invalid (400 ``invalid_mobile``) or accepted and then
reported undeliverable, answers held back (a timeout), or the whole gateway stopped.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from center.sms.http_gateway import (
    SIGNATURE_WINDOW_S,
    Header,
    SignatureRefused,
    check_signature,
    request_target,
    signed_headers,
)
from center.sms.text import segments

SEND_PATH = "/sms/send"
MOBILE_DIGITS = 11
ERRORS = {400: "bad_request", 429: "throttled", 500: "internal_error",
          503: "unavailable"}
BODY_LIMIT = 64 * 1024


@dataclass
class SentSms:
    """A message the gateway accepted, as the handset shows it."""

    to: str
    text: str
    reference: str
    id: str
    submitted_at: str
    state: str = "sent"                     # then "delivered" or "undeliverable"


@dataclass(frozen=True)
class ReceiptPush:
    """One try at pushing a receipt: exactly what went, and the center's answer (0: none)."""

    gateway_id: str
    headers: dict[str, str]
    body: bytes
    answer: int


class SimulatedHttpGateway:
    def __init__(self, *, key_id: str = "center", secret: str = "secret",
                 callback_url: str = "", record: Path | None = None,
                 receipt_delay_s: float = 0.1, receipt_tries: int = 5) -> None:
        self.key_id = key_id
        self.secret = secret
        self.callback_url = callback_url
        self.record = record
        self.receipt_delay_s = receipt_delay_s
        self.receipt_tries = receipt_tries
        self.messages: list[SentSms] = []
        self.pushes: list[ReceiptPush] = []
        self.answers: list[int] = []         # the status of every answer, refusals too
        self._lock = threading.Condition()
        self._refusals: list[int] = []
        self._holds: list[float] = []
        self._invalid: set[str] = set()
        self._unreachable: set[str] = set()
        self._nonces: dict[str, float] = {}
        self._next_id = 0
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """Where the center's adapter posts (CENTER_SMS_HTTP_URL)."""
        return f"http://127.0.0.1:{self.port}{SEND_PATH}"

    # -- running --------------------------------------------------------------------------

    def start(self, port: int = 0) -> None:
        gateway = self

        class Handler(_Handler):
            owner = gateway

        server = ThreadingHTTPServer(("127.0.0.1", port or self.port), Handler,
                                     bind_and_activate=False)
        server.allow_reuse_address = True
        server.daemon_threads = True
        server.server_bind()
        server.server_activate()
        self._server = server
        self.port = server.server_address[1]
        self._stopping.clear()
        threading.Thread(target=server.serve_forever, name="sms-http-gateway",
                         daemon=True).start()

    def stop(self) -> None:
        """The gateway goes down: connections are refused and no receipt is pushed."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- faults ---------------------------------------------------------------------------

    def refuse_next(self, status: int, count: int = 1) -> None:
        """The next ``count`` signed requests are answered ``status`` (429, 500...)."""
        with self._lock:
            self._refusals += [status] * count

    def hold_next(self, seconds: float) -> None:
        """The next request is answered only after ``seconds`` (then accepted)."""
        with self._lock:
            self._holds.append(seconds)

    def invalid_number(self, number: str) -> None:
        """Messages to ``number`` are refused: 400 invalid_mobile."""
        with self._lock:
            self._invalid.add(number)

    def unreachable(self, number: str) -> None:
        """Messages to ``number`` are accepted, then reported undeliverable."""
        with self._lock:
            self._unreachable.add(number)

    # -- reading what happened -----------------------------------------------------------

    def wait_for_messages(self, count: int, timeout_s: float = 15.0) -> list[SentSms]:
        self._wait(lambda: len(self.messages) >= count, timeout_s,
                   lambda: f"{len(self.messages)} of {count} messages arrived")
        return list(self.messages)

    def wait_for_pushes(self, count: int, timeout_s: float = 15.0) -> list[ReceiptPush]:
        self._wait(lambda: len(self.pushes) >= count, timeout_s,
                   lambda: f"{len(self.pushes)} of {count} receipt pushes")
        return list(self.pushes)

    def _wait(self, done: Callable[[], bool], timeout_s: float,
              what: Callable[[], str]) -> None:
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while not done():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(what())
                self._lock.wait(left)

    # -- the work, called by the request handler -----------------------------------------

    def check(self, header: Header, target: str, body: bytes) -> None:
        check_signature(header, key_id=self.key_id, secret=self.secret, method="POST",
                        target=target, body=body, now=time.time(), first_use=self._first_use)

    def _first_use(self, nonce: str) -> bool:
        now = time.monotonic()
        with self._lock:
            for old in [n for n, at in self._nonces.items()
                        if now - at > 2 * SIGNATURE_WINDOW_S]:
                del self._nonces[old]
            if nonce in self._nonces:
                return False
            self._nonces[nonce] = now
            return True

    def submit(self, body: bytes) -> tuple[int, dict[str, str]]:
        """(status, answer) for one signed request."""
        with self._lock:
            refusal = self._refusals.pop(0) if self._refusals else 0
            hold = self._holds.pop(0) if self._holds else 0.0
        if hold:
            time.sleep(hold)
        if refusal:
            return refusal, {"error": ERRORS.get(refusal, "refused")}
        try:
            data = json.loads(body)
            to, text, reference = str(data["to"]), str(data["text"]), str(data["reference"])
        except (ValueError, KeyError, TypeError):
            return 400, {"error": "bad_request"}
        with self._lock:
            if len(to) != MOBILE_DIGITS or not to.isdigit() or to in self._invalid:
                return 400, {"error": "invalid_mobile"}
            self._next_id += 1
            message = SentSms(to, text, reference, f"H{self._next_id:09d}",
                              datetime.now(UTC).isoformat(timespec="seconds"))
            self.messages.append(message)
            unreachable = to in self._unreachable
            self._lock.notify_all()
        if self.record is not None:
            # The simulated SMSC's shape too, so one demo page reads either record.
            line = {**asdict(message), "sender": "", "parts": segments(text),
                    "message_ids": [message.id]}
            with self.record.open("a", encoding="utf-8") as out:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
        if self.callback_url:
            timer = threading.Timer(self.receipt_delay_s, self._push_receipt,
                                    (message, unreachable))
            timer.daemon = True
            timer.start()
        return 200, {"id": message.id}

    def answered(self, status: int) -> None:
        with self._lock:
            self.answers.append(status)

    def _push_receipt(self, message: SentSms, unreachable: bool) -> None:
        message.state = "undeliverable" if unreachable else "delivered"
        body = json.dumps({"id": message.id, "delivered": not unreachable,
                           "status": "UNDELIV" if unreachable else "DELIVRD",
                           "at": datetime.now(UTC).isoformat(timespec="seconds")}).encode()
        wait = self.receipt_delay_s
        for _try in range(self.receipt_tries):
            if self._stopping.is_set():
                return
            headers = {"Content-Type": "application/json",
                       **signed_headers(self.key_id, self.secret, "POST",
                                        request_target(self.callback_url), body)}
            answer = _post(self.callback_url, headers, body)
            with self._lock:
                self.pushes.append(ReceiptPush(message.id, headers, body, answer))
                self._lock.notify_all()
            if 200 <= answer < 300:
                return
            self._stopping.wait(wait)
            wait *= 2


class _Handler(BaseHTTPRequestHandler):
    owner: SimulatedHttpGateway

    def do_POST(self) -> None:
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit() or int(length) > BODY_LIMIT:
            self._answer(413, {"error": "too_large"})
            return
        body = self.rfile.read(int(length))
        if self.path != SEND_PATH:
            self._answer(404, {"error": "not_found"})
            return
        try:
            self.owner.check(self.headers.get, self.path, body)
        except SignatureRefused as refused:
            self._answer(401, {"error": refused.reason})
            return
        self._answer(*self.owner.submit(body))

    def _answer(self, status: int, answer: dict[str, str]) -> None:
        self.owner.answered(status)
        data = json.dumps(answer).encode()
        # A client that gave up waiting (a held answer) is gone: nothing to tell it.
        with contextlib.suppress(OSError):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read what happened from the gateway's own lists."""


def _post(url: str, headers: dict[str, str], body: bytes) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


def main() -> None:
    """`python -m center.sms.simulated_http_gateway --port 8025 --record sms.jsonl
    --callback http://127.0.0.1:8000/sms/receipts/http/`: the demo's HTTP gateway, until
    stopped. Its key is the center's: CENTER_SMS_HTTP_KEY_ID and CENTER_SMS_HTTP_SECRET
    (read from the environment, not the command line, where any user could read it)."""
    import argparse
    import os

    from center.sms.until_stopped import wait_until_stopped

    parser = argparse.ArgumentParser(description="A simulated HTTP SMS gateway on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--record", type=Path, help="append every message to this file")
    parser.add_argument("--callback", default="", help="where to push delivery receipts")
    options = parser.parse_args()
    gateway = SimulatedHttpGateway(
        key_id=os.environ.get("CENTER_SMS_HTTP_KEY_ID", "center"),
        secret=os.environ.get("CENTER_SMS_HTTP_SECRET", "secret"),
        callback_url=options.callback, record=options.record)
    gateway.start(options.port)
    print(f"simulated HTTP SMS gateway at {gateway.url}", flush=True)
    wait_until_stopped()
    gateway.stop()


if __name__ == "__main__":
    main()
