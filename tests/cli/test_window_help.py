"""Residents' calls for help reach the windows over the window API: listed oldest first,
answered by a window, long polled by displays, and shown by `kiosk window`."""

from __future__ import annotations

import hashlib
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from kiosk.api.window import WindowApi
from kiosk.api.window_client import WindowApiClient, WindowApiError
from kiosk.call_display.feed import HelpFeed
from kiosk.cli.main import main
from kiosk.services.help_desk import HelpDesk
from kiosk.services.queue.service import QueueService
from tests.fixtures.clock import FakeClock
from tests.fixtures.queue import api_url as url
from tests.waiting import wait_until

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)



@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(wall=START)


@pytest.fixture
def desk(queue: QueueService, clock: FakeClock) -> Iterator[HelpDesk]:
    desk = HelpDesk(queue.store, 600, clock=clock.now)
    yield desk
    desk.close()


@pytest.fixture
def api(queue: QueueService, desk: HelpDesk) -> Iterator[WindowApi]:
    server = WindowApi(queue, "127.0.0.1", 0, "", help_desk=desk)
    server.start()
    yield server
    server.stop()


def call(api: WindowApi, method: str, path: str, body: bytes | None = None,
         token: str = "") -> tuple[int, dict]:
    """The status and JSON body of one raw HTTP request."""
    request = urllib.request.Request(url(api) + path, data=body, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_open_requests_are_listed_oldest_first_with_their_wait(api, desk, clock):
    status, reply = call(api, "GET", "/v1/help")
    assert (status, reply["requests"]) == (200, [])

    desk.request("pickup")
    clock.advance(seconds=95)
    status, reply = call(api, "GET", "/v1/help")

    assert status == 200
    assert reply["requests"] == [{"id": 1, "screen": "pickup",
                                  "requested_at": "2026-11-23T01:00:00.000+00:00",
                                  "waiting_s": 95}]
    assert reply["version"] == desk.version


def test_a_window_answers_and_the_request_leaves_the_list(api, desk, clock):
    desk.request("door")
    clock.advance(seconds=40)

    status, reply = call(api, "POST", "/v1/help/1/answer", b'{"window": 2}')

    assert status == 200
    assert {k: reply[k] for k in ("answered", "screen", "by", "requests")} == {
        "answered": 1, "screen": "door", "by": "window:2", "requests": []}
    assert call(api, "POST", "/v1/help/1/answer", b'{"window": 3}') == (
        409, {"error": "help request 1 is no longer open: answered by window:2"})
    assert call(api, "POST", "/v1/help/9/answer", b'{"window": 3}') == (
        404, {"error": "no help request 9"})
    assert call(api, "POST", "/v1/help/1/answer", b'{"staff": "s01"}')[0] == 409


def test_an_expired_request_says_so_when_answered(api, desk, clock):
    desk.request("queue")
    clock.advance(seconds=601)

    status, reply = call(api, "POST", "/v1/help/1/answer", b'{"window": 1}')

    assert status == 409
    assert reply["error"].startswith("help request 1 is no longer open: nobody answered it "
                                     "in time")
    assert call(api, "GET", "/v1/help")[1]["requests"] == []


@pytest.mark.parametrize("body", [b"", b"{}", b'{"window": 0}', b'{"window": 100}',
                                  b'{"window": true}', b'{"window": "1"}',
                                  b'{"window": 1, "staff": "s01"}', b'{"staff": "Zhang San"}',
                                  b'{"staff": 5}'])
def test_a_malformed_answer_is_refused_and_changes_nothing(api, desk, body):
    desk.request("pickup")

    status, reply = call(api, "POST", "/v1/help/1/answer", body)

    assert status == 400
    assert reply["error"].startswith("bad request:")
    assert [r.id for r in desk.open_requests()] == [1]


def test_wrong_methods_and_paths(api):
    assert call(api, "POST", "/v1/help")[0] == 405
    assert call(api, "GET", "/v1/help/1/answer")[0] == 405
    assert call(api, "POST", "/v1/help/1/ignore", b"{}")[0] == 404
    assert call(api, "GET", "/v1/help?seen=x&wait=-1")[0] == 400


def test_a_terminal_without_a_help_desk_says_so(queue):
    server = WindowApi(queue, "127.0.0.1", 0, "")
    server.start()
    try:
        assert call(server, "GET", "/v1/help") == (
            404, {"error": "this terminal takes no help requests"})
    finally:
        server.stop()


def test_help_needs_the_window_token_like_every_endpoint(queue, desk):
    token = "window-secret-123"
    server = WindowApi(queue, "127.0.0.1", 0, hashlib.sha256(token.encode()).hexdigest(),
                       help_desk=desk)
    server.start()
    try:
        desk.request("pickup")
        assert call(server, "GET", "/v1/help")[0] == 401
        assert call(server, "POST", "/v1/help/1/answer", b'{"window": 1}')[0] == 401
        assert [r.id for r in desk.open_requests()] == [1]
        assert call(server, "GET", "/v1/help", token=token)[1]["requests"][0]["id"] == 1
    finally:
        server.stop()


def test_a_display_long_polls_for_the_next_help_request(api, desk):
    client = WindowApiClient(url(api))
    version = client.help_requests()["version"]
    heard: list[dict] = []
    poll = threading.Thread(target=lambda: heard.append(client.help_changed(version, 10)))
    poll.start()

    desk.request("guide_item")
    poll.join(timeout=5)

    assert not poll.is_alive()
    assert [r["screen"] for r in heard[0]["requests"]] == ["guide_item"]
    assert heard[0]["version"] != version


def test_the_window_command_shows_and_answers_help(api, desk, clock, capsys):
    assert main(["window", "1", "help", "--url", url(api)]) == 0
    desk.request("pickup")
    clock.advance(seconds=150)

    assert main(["window", "1", "status", "--url", url(api)]) == 0
    assert main(["window", "2", "help", "--url", url(api)]) == 0
    assert main(["window", "2", "answer-help", "1", "--url", url(api)]) == 0
    assert main(["window", "1", "status", "--url", url(api)]) == 0

    assert capsys.readouterr().out.splitlines() == [
        "nobody is waiting for help at the self-service terminal",
        "window 1 (closed): serving nobody; 0 waiting",
        "help wanted at the self-service terminal: request 1, 取件 (pickup), waiting 2 min; "
        "answer: kiosk window 1 answer-help 1",
        "help wanted at the self-service terminal: request 1, 取件 (pickup), waiting 2 min; "
        "answer: kiosk window 2 answer-help 1",
        "help request 1: window 2 is on the way to the self-service terminal, 取件 (pickup)",
        "window 1 (closed): serving nobody; 0 waiting",
    ]
    assert desk.get(1).answered_by == "window:2"


def test_the_window_command_explains_a_missing_or_stale_request(api, desk, capsys):
    desk.request("door")
    assert main(["window", "1", "answer-help", "--url", url(api)]) == 2
    assert "answer-help needs the help request's number" in capsys.readouterr().err

    assert main(["window", "1", "answer-help", "1", "--url", url(api), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["by"] == "window:1"
    assert main(["window", "3", "answer-help", "1", "--url", url(api)]) == 1
    assert capsys.readouterr().err.strip().endswith(
        "409 help request 1 is no longer open: answered by window:1")


def test_the_client_reports_a_refused_answer(api, desk):
    with pytest.raises(WindowApiError, match="404 no help request 5") as raised:
        WindowApiClient(url(api)).answer_help(5, 1)
    assert raised.value.status == 404


def test_the_call_displays_help_feed_hears_each_change(api, desk):
    heard: list[list[str]] = []
    feed = HelpFeed(WindowApiClient(url(api)), lambda w: heard.append([h.screen for h in w]))
    feed.start()
    try:
        wait_until(lambda: heard == [[]], "the list at start")
        desk.request("dropoff")
        wait_until(lambda: heard == [[], ["dropoff"]], "the request")
        desk.answer(1, "window:1")
        wait_until(lambda: heard == [[], ["dropoff"], []], "the answer")
    finally:
        feed.stop()
