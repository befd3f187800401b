"""The window API (kiosk/api/window.py): whatever a client on the station LAN sends.

WindowApi.handle answers any method, path and body with a status it documents and a JSON
reply; over HTTP, any request line, headers and body get an HTTP answer (never a dropped
connection or a hung thread), and the token check holds for any Authorization header.
"""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from kiosk.api.window import WindowApi
from kiosk.config.schema import QueueConfig
from kiosk.services.keys import KeyedHash
from kiosk.services.queue.service import QueueService
from kiosk.store import open_store
from tests.fixtures.clock import FakeClock
from tests.fixtures.queue import CATEGORIES, MONDAY, STATION
from tests.properties.profiles import scaled
from tests.properties.strategies import any_text, nested

HANDLE_STATUSES = {200, 400, 404, 405, 409}
HTTP_STATUSES = HANDLE_STATUSES | {401, 408}   # 408: a body promised and not sent
TOKEN = "window-token-1"
REPLY_WAIT_S = 2.0

ENDPOINTS = ["/v1/windows/1", "/v1/windows/3/next", "/v1/windows/2/open",
             "/v1/windows/1/close", "/v1/windows/1/recall", "/v1/windows/1/no-show",
             "/v1/windows/1/finish", "/v1/windows/1/transfer", "/v1/windows/99/next",
             "/v1/calls", "/v1/queues", "/v1/summary", "/v1/summary/print", "/", ""]
# Text a URL can carry: any character but a lone surrogate, which has no bytes to be
# percent-encoded from (a request line off the wire is bytes; found by make fuzz).
url_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
# Query values that reach int(), float() and SQLite; "wait" is kept short so that a long
# poll cannot stall the run.
QUERY_VALUES = st.one_of(st.sampled_from(["0", "-1", "1", "50", "nan", "inf", "-inf", "1e9",
                                          "9" * 25, "١", "0x10", "", "2026-11-23"]),
                         st.integers().map(str), url_text)


@st.composite
def urls(draw: st.DrawFn) -> str:
    path = draw(st.one_of(st.sampled_from(ENDPOINTS), url_text.map(lambda t: "/" + t),
                          st.from_regex(r"/v1/windows/[0-9١]{1,3}(/[a-z-]{0,9})?",
                                        fullmatch=True)))
    keys = st.sampled_from(["after", "recent", "day", "wait", "category", "x"])
    query = draw(st.dictionaries(keys, QUERY_VALUES, max_size=3))
    if "wait" in query:
        query["wait"] = draw(st.sampled_from(["0", "-1", "nan", "abc", "0.001"]))
    pairs = "&".join(f"{key}={value}" for key, value in query.items())
    return path + ("?" + pairs if pairs else "") + draw(st.sampled_from(["", "#x"]))


json_bodies = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=6)
bodies = st.one_of(st.fixed_dictionaries({"category": st.one_of(
    st.sampled_from([c.id for c in CATEGORIES]), json_bodies)}),
    st.dictionaries(any_text, json_bodies, max_size=3))


@pytest.fixture(scope="module")
def queue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QueueService]:
    store = open_store(Path(tmp_path_factory.mktemp("window-api")) / "kiosk.db")
    service = QueueService(store, QueueConfig(enabled=True, categories=CATEGORIES),
                           STATION, KeyedHash(b"k" * 32))
    service.now = FakeClock(wall=MONDAY).now
    for category in ("general", "general", "assisted"):
        service.issue(category)
    yield service
    store.close()


# A URL whose "netloc" urlparse cannot read: the request line "GET http://[ HTTP/1.1".
@example(method="GET", url="http://[", body={})
# A call id past SQLite's 64-bit integers.
@example(method="GET", url="/v1/calls?after=" + "9" * 25, body={})
@given(method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]), url=urls(), body=bodies)
@scaled(0.7)
def test_handle_answers_any_request_with_a_documented_status(
        queue: QueueService, method: str, url: str, body: dict[str, Any]) -> None:
    api = WindowApi(queue, "127.0.0.1", 0, "")
    status, reply = api.handle(method, url, body)
    event(str(status))
    assert status in HANDLE_STATUSES
    assert isinstance(reply, dict)
    json.dumps(reply, ensure_ascii=False)
    if status >= 400:
        assert isinstance(reply.get("error"), str)


@example(recent="-1")
@given(recent=st.one_of(st.integers(-5, 200).map(str), QUERY_VALUES))
def test_recent_calls_are_at_most_fifty(queue: QueueService, recent: str) -> None:
    for _ in range(3):
        queue.call_next(3)
    api = WindowApi(queue, "127.0.0.1", 0, "")
    status, reply = api.handle("GET", f"/v1/calls?recent={quote(recent)}", {})
    try:
        asked = int(recent)
    except ValueError:
        return      # a 400, or no "recent" at all (parse_qs drops a blank value)
    if status == 200:
        assert len(reply["calls"]) <= max(0, min(50, asked))


# --- over HTTP ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(queue: QueueService) -> Iterator[WindowApi]:
    api = WindowApi(queue, "127.0.0.1", 0, hashlib.sha256(TOKEN.encode()).hexdigest())
    api.start()
    yield api
    api.stop()


def exchange(api: WindowApi, request: bytes) -> bytes:
    """Sends raw bytes and reads until the server closes, as a client does that waits for
    its answer before it hangs up (Connection: close)."""
    with socket.create_connection(("127.0.0.1", api.port), timeout=REPLY_WAIT_S) as conn:
        conn.sendall(request)
        received = b""
        try:
            while chunk := conn.recv(65536):
                received += chunk
        except TimeoutError:
            pytest.fail(f"no complete answer within {REPLY_WAIT_S} s to {request[:200]!r}")
    return received


header_values = st.one_of(st.sampled_from(["", "0", "-1", "abc", "1e3", " 5", "99999999999"]),
                          st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF),
                                  max_size=20))
raw_bodies = st.one_of(st.binary(max_size=100), json_bodies.map(
    lambda value: json.dumps(value).encode()), st.just(nested(5000)))


# Content-Length that is not a number: int() raises in the handler thread.
@example(method="GET", target="/v1/queues", authorization=f"Bearer {TOKEN}", length="abc",
         body=b"{}")
# A negative Content-Length: rfile.read(-1) reads until the client hangs up, and the client
# is waiting for the answer.
@example(method="GET", target="/v1/queues", authorization=f"Bearer {TOKEN}", length="-1",
         body=b"{}")
# A body promised and never sent: the server read until the client hung up.
@example(method="GET", target="/v1/windows/1", authorization=f"Bearer {TOKEN}", length=" 5",
         body=b"")
# Nesting past the recursion limit: json.loads raises RecursionError, uncaught.
@example(method="POST", target="/v1/windows/1/transfer", authorization=f"Bearer {TOKEN}",
         length=None, body=nested(5000))
@given(method=st.sampled_from(["GET", "POST"]),
       target=urls().map(lambda url: quote(url, safe="/?=&#")),
       authorization=st.one_of(st.just(f"Bearer {TOKEN}"), st.just(f"bearer  {TOKEN} "),
                               header_values),
       length=st.one_of(st.none(), header_values), body=raw_bodies)
@scaled(0.4)
def test_every_http_request_gets_an_http_answer(
        server: WindowApi, method: str, target: str, authorization: str,
        length: str | None, body: bytes) -> None:
    content_length = str(len(body)) if length is None else length
    request = (f"{method} {target or '/'} HTTP/1.1\r\nHost: kiosk\r\n"
               f"Authorization: {authorization}\r\nContent-Length: {content_length}\r\n"
               "Connection: close\r\n\r\n").encode("latin-1") + body
    answer = exchange(server, request)
    status_line = answer.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1."), f"no HTTP answer: {answer[:100]!r}"
    status = int(status_line.split()[1])
    event(str(status))
    assert status in HTTP_STATUSES or status == HTTPStatus.BAD_REQUEST
    token_ok = authorization.partition(" ")[0].lower() == "bearer" and (
        authorization.partition(" ")[2].strip() == TOKEN)
    assert (status == 401) == (not token_ok)
