"""The window API: window clients (`kiosk window`, a caller pad, a window PC) and call
displays reach the terminal's queue over the station LAN.

Plain HTTP with JSON bodies (stdlib, no framework): a station's network is a switch and
a few PCs, and every caller device on the market can do an HTTP POST. A client presents
a token (Authorization: Bearer) whose SHA-256 is queue.window_token_sha256; without a
configured token only clients on this machine are served.

    GET  /v1/windows/{n}                  status of window n
    POST /v1/windows/{n}/open | close     staff arrive at / leave the window
    POST /v1/windows/{n}/next             finish the current resident, call the next
    POST /v1/windows/{n}/recall           call the current resident again
    POST /v1/windows/{n}/no-show          the current resident did not come
    POST /v1/windows/{n}/finish           the current resident is served
    POST /v1/windows/{n}/transfer         {"category": "<id>"}: send them to another queue
    GET  /v1/calls?after=<id>&wait=<s>    calls after id, waiting up to s seconds (displays)
    GET  /v1/calls?recent=<n>             today's latest n calls, oldest first
    GET  /v1/queues                       waiting counts by category
    GET  /v1/summary[?day=YYYY-MM-DD]     the day's summary so far
    POST /v1/summary/print                print today's summary on the terminal's printer
    GET  /v1/help[?seen=<v>&wait=<s>]     residents waiting for help at the terminal, oldest
                                          first; with seen, waits up to s seconds while the
                                          version is still v (displays)
    POST /v1/help/{id}/answer             {"window": <n>} or {"staff": "<id>"}: on the way

Every request gets an answer: 400 for a malformed one (an unreadable URL, a number out of
range, a Content-Length other than 0 to 64 KiB, a body that is not a JSON object), 401
without the token, 404/405 for a wrong path or method, 408 when a promised body does not
arrive within a second, 409 when the queue says no (or the help request is no longer
open), 500 (logged) for anything else.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import re
import threading
from collections.abc import Callable
from dataclasses import asdict
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from kiosk.services.help_desk import HelpDesk, HelpRequest
from kiosk.services.queue.model import DaySummary, QueueError
from kiosk.services.queue.service import QueueService

log = logging.getLogger(__name__)

WINDOW_PATH = re.compile(r"/v1/windows/(\d{1,2})(?:/(open|close|next|recall|no-show|finish|"
                         r"transfer))?")
HELP_ANSWER_PATH = re.compile(r"/v1/help/(\d{1,18})/answer")
LONGEST_WAIT_S = 30.0
MOST_RECENT_CALLS = 50
LARGEST_BODY = 65536
LARGEST_CALL_ID = 2**63 - 1     # SQLite's integer range
READ_TIMEOUT_S = 1.0


class WindowApi:
    def __init__(self, queue: QueueService, host: str, port: int, token_sha256: str,
                 print_summary: Callable[[DaySummary], bool] | None = None,
                 help_desk: HelpDesk | None = None) -> None:
        """``print_summary`` prints a summary and says whether it reached paper;
        ``help_desk`` brings residents' calls for help to the windows and displays."""
        self.queue = queue
        self.help_desk = help_desk
        self.print_summary = print_summary
        self.host = host
        self.port = port
        self.token_sha256 = token_sha256
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        api = self

        class Handler(_Handler):
            owner = api

        try:
            self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        except OSError as error:
            # Tickets are still issued at the terminal; only the windows cannot call.
            log.error("window API cannot listen on %s:%d: %s (check queue.api_host and "
                      "queue.api_port)", self.host, self.port, error.strerror)
            return
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, name="window-api",
                         daemon=True).start()
        log.info("window API listening on %s:%d", self.host, self.port)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def authorised(self, client_host: str, header: str) -> bool:
        if not self.token_sha256:
            return client_host in ("127.0.0.1", "::1")
        scheme, _, token = header.partition(" ")
        digest = hashlib.sha256(token.strip().encode()).hexdigest()
        return scheme.lower() == "bearer" and hmac.compare_digest(digest, self.token_sha256)

    def handle(self, method: str, url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The status and JSON answer to one request; never raises."""
        try:
            return self._route(method, url, body)
        except QueueError as error:
            return 409, {"error": str(error)}
        except ValueError as error:
            return 400, {"error": f"bad request: {error}"}
        except Exception:
            log.exception("window API: %s request failed", method)
            return 500, {"error": "the terminal could not answer; it has been logged"}

    def _route(self, method: str, url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        parsed = urlparse(url)
        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        match = WINDOW_PATH.fullmatch(parsed.path)
        if match:
            return self._window(method, int(match.group(1)), match.group(2), body)
        if method == "GET" and parsed.path == "/v1/calls" and "recent" in query:
            wanted = _bounded_int(query, "recent", 1, LARGEST_CALL_ID)
            recent = self.queue.recent_calls(min(wanted, MOST_RECENT_CALLS))
            return 200, {"calls": [asdict(c) for c in reversed(recent)]}
        if method == "GET" and parsed.path == "/v1/calls":
            after = _bounded_int(query, "after", 0, LARGEST_CALL_ID, default=0)
            wait = _bounded_wait(query.get("wait", "0"))
            calls = self.queue.calls_after(after, wait)
            return 200, {"calls": [asdict(c) for c in calls]}
        if parsed.path == "/v1/help" or HELP_ANSWER_PATH.fullmatch(parsed.path):
            return self._help(method, parsed.path, query, body)
        if method == "GET" and parsed.path == "/v1/queues":
            return 200, {"waiting": self.queue.waiting_counts()}
        if method == "GET" and parsed.path == "/v1/summary":
            return 200, asdict(self.queue.summary(query.get("day")))
        if method == "POST" and parsed.path == "/v1/summary/print":
            if self.print_summary is None:
                return 409, {"error": "this terminal has no printer"}
            summary = self.queue.summary()
            return 200, {"printed": self.print_summary(summary), **asdict(summary)}
        return 404, {"error": f"no such endpoint: {method} {parsed.path}"}

    def _window(self, method: str, window: int, action: str | None,
                body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        queue = self.queue
        if action is None:
            if method != "GET":
                return 405, {"error": "use GET for a window's status"}
            return 200, queue.window_status(window)
        if method != "POST":
            return 405, {"error": f"use POST for {action}"}
        if action == "open":
            queue.open_window(window)
        elif action == "close":
            queue.close_window(window)
        elif action == "next":
            call = queue.call_next(window)
            return 200, {"called": call.label if call else None,
                         **queue.window_status(window)}
        elif action == "recall":
            queue.recall(window)
        elif action == "no-show":
            queue.no_show(window)
        elif action == "finish":
            queue.finish(window)
        elif action == "transfer":
            category = body.get("category")
            if not isinstance(category, str):
                return 400, {"error": 'transfer needs {"category": "<id>"}'}
            queue.transfer(window, category)
        return 200, queue.window_status(window)

    def _help(self, method: str, path: str, query: dict[str, str],
              body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        desk = self.help_desk
        if desk is None:
            return 404, {"error": "this terminal takes no help requests"}
        match = HELP_ANSWER_PATH.fullmatch(path)
        if match is None:
            if method != "GET":
                return 405, {"error": "use GET for the help requests"}
            if "seen" in query:
                desk.wait_for_change(query["seen"], _bounded_wait(query.get("wait", "0")))
            return 200, self._help_list(desk)
        if method != "POST":
            return 405, {"error": "use POST to answer a help request"}
        request_id = int(match.group(1))
        if not 1 <= request_id <= LARGEST_CALL_ID:
            raise ValueError(f"a help request's number is 1 to {LARGEST_CALL_ID}")
        by = _answerer(body)
        answered = desk.answer(request_id, by)
        request = desk.get(request_id)
        if answered and request is not None:
            return 200, {"answered": request_id, "screen": request.screen, "by": by,
                         **self._help_list(desk)}
        if request is None:
            return 404, {"error": f"no help request {request_id}"}
        return 409, {"error": f"help request {request_id} is no longer open: "
                              f"{_help_outcome(request)}"}

    @staticmethod
    def _help_list(desk: HelpDesk) -> dict[str, Any]:
        version = desk.version       # before listing: a change meanwhile shows next time
        now = desk.now()
        return {"requests": [{"id": r.id, "screen": r.screen, "requested_at": r.requested_at,
                              "waiting_s": r.waiting_s(now)} for r in desk.open_requests()],
                "version": version}


class _Handler(BaseHTTPRequestHandler):
    owner: WindowApi
    server_version = "station-kiosk-window-api/1"
    # Socket reads give up after this long: a client that promises a body and never sends
    # it gets an answer (408) instead of holding a server thread until it hangs up.
    timeout = READ_TIMEOUT_S

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        if not self.owner.authorised(self.client_address[0],
                                     self.headers.get("Authorization", "")):
            self._reply(HTTPStatus.UNAUTHORIZED, {"error": "a valid window token is required"})
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= LARGEST_BODY:
            # Never read a body of unknown size: read(-1) would wait for the client to hang up.
            self.close_connection = True
            self._reply(HTTPStatus.BAD_REQUEST,
                        {"error": f"Content-Length must be 0 to {LARGEST_BODY}"})
            return
        body: dict[str, Any] = {}
        if length:
            try:
                data = self.rfile.read(length)
            except TimeoutError:
                data = b""
            if len(data) < length:
                self.close_connection = True
                self._reply(HTTPStatus.REQUEST_TIMEOUT,
                            {"error": f"the body did not arrive ({len(data)} of {length} bytes)"})
                return
            try:
                parsed = json.loads(data)
            except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
                self._reply(HTTPStatus.BAD_REQUEST, {"error": "the body is not JSON"})
                return
            if not isinstance(parsed, dict):
                self._reply(HTTPStatus.BAD_REQUEST, {"error": "the body must be an object"})
                return
            body = parsed
        status, reply = self.owner.handle(method, self.path, body)
        self._reply(status, reply)

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("window API: " + format, *args)


def _bounded_int(query: dict[str, str], name: str, low: int, high: int,
                 default: int | None = None) -> int:
    if name not in query and default is not None:
        return default
    value = int(query[name])
    if not low <= value <= high:
        raise ValueError(f"{name} must be {low} to {high}")
    return value


def _answerer(body: dict[str, Any]) -> str:
    """Who answers, from an answer's body: "window:<n>" or "staff:<id>"."""
    window, staff = body.get("window"), body.get("staff")
    if set(body) == {"window"} and type(window) is int and 1 <= window <= 99:
        return f"window:{window}"
    if set(body) == {"staff"} and isinstance(staff, str):
        return f"staff:{staff}"
    raise ValueError('an answer is {"window": <1-99>} or {"staff": "<staff id>"}')


def _help_outcome(request: HelpRequest) -> str:
    if request.state == "answered":
        return f"answered by {request.answered_by}"
    return "nobody answered it in time; ask the resident to press the help button again"


def _bounded_wait(text: str) -> float:
    wait = float(text)
    if not math.isfinite(wait) or wait < 0:
        raise ValueError(f"wait must be 0 to {LONGEST_WAIT_S:g} seconds")
    return min(wait, LONGEST_WAIT_S)
