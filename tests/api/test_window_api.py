"""Window staff call residents over the window API, from the CLI and from two windows at
once, with and without the station's window token."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest

from kiosk.api.window import WindowApi
from kiosk.api.window_client import WindowApiClient, WindowApiError
from kiosk.cli.main import main
from tests.fixtures.queue import api_url as url
from tests.fixtures.queue import issue


@pytest.fixture
def api(window_api):
    return window_api


def test_a_window_calls_recalls_and_finishes_from_the_command_line(api, queue, capsys):
    issue(queue, "general")
    issue(queue, "general")

    assert main(["window", "1", "open", "--url", url(api)]) == 0
    assert main(["window", "1", "next", "--url", url(api)]) == 0
    assert main(["window", "1", "recall", "--url", url(api)]) == 0
    assert main(["window", "1", "finish", "--url", url(api), "--json"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "window 1 (open): serving nobody; 2 waiting"
    assert lines[1] == "window 1 (open): serving A001; 1 waiting"
    assert lines[2] == "window 1 (open): serving A001; 1 waiting"
    assert json.loads(lines[3]) == {"window": 1, "open": True, "current": None,
                                    "categories": ["general", "instant"], "waiting": 1}
    assert [(c.label, c.recall) for c in queue.calls_after(0)] == [("A001", False),
                                                                   ("A001", True)]


def test_transfer_and_no_show_and_clear_errors(api, queue, capsys):
    issue(queue, "general")
    client = WindowApiClient(url(api))
    client.act(1, "next")

    assert main(["window", "1", "transfer", "--url", url(api)]) == 2
    assert "transfer needs --category" in capsys.readouterr().err
    assert main(["window", "1", "transfer", "--category", "assisted", "--url", url(api)]) == 0
    assert client.act(3, "next")["called"] == "A001"
    client.act(3, "no-show")
    with pytest.raises(WindowApiError, match="409 window 3 has nobody called"):
        client.act(3, "recall")
    with pytest.raises(WindowApiError, match="409 window 7 serves no queue category"):
        client.window(7)
    assert main(["window", "1", "next", "--url", "http://127.0.0.1:9"]) == 1
    assert "cannot reach the terminal at http://127.0.0.1:9" in capsys.readouterr().err


def test_two_windows_work_at_once_against_one_terminal(api, queue):
    for _ in range(30):
        issue(queue, "general")
    called: dict[int, list[str]] = {1: [], 2: []}

    def window(number: int) -> None:
        client = WindowApiClient(url(api))
        while (label := client.act(number, "next")["called"]) is not None:
            called[number].append(label)

    threads = [threading.Thread(target=window, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(called[1] + called[2]) == [f"A{n:03d}" for n in range(1, 31)]
    assert called[1]
    assert called[2]


def test_a_display_long_polls_for_the_next_call(api, queue):
    issue(queue, "general")
    client = WindowApiClient(url(api))
    heard: list[list[dict]] = []
    poll = threading.Thread(target=lambda: heard.append(client.calls_after(0, wait_s=10)))
    poll.start()

    client.act(2, "next")
    poll.join(timeout=5)

    assert not poll.is_alive()
    assert [(c["label"], c["window"]) for c in heard[0]] == [("A001", 2)]


def test_with_a_token_only_its_holders_are_served(queue):
    token = "window-secret-123"
    server = WindowApi(queue, "127.0.0.1", 0, hashlib.sha256(token.encode()).hexdigest())
    server.start()
    try:
        with pytest.raises(WindowApiError, match="401 a valid window token is required"):
            WindowApiClient(url(server)).window(1)
        with pytest.raises(WindowApiError, match="401"):
            WindowApiClient(url(server), "wrong").window(1)
        assert WindowApiClient(url(server), token).window(1)["window"] == 1
    finally:
        server.stop()


def test_the_day_summary_is_shown_and_printed_by_the_terminal(queue, capsys):
    printed = []
    server = WindowApi(queue, "127.0.0.1", 0, "", lambda s: printed.append(s) or True)
    server.start()
    try:
        issue(queue, "general")
        WindowApiClient(url(server)).act(1, "next")

        assert main(["window", "1", "summary", "--url", url(server)]) == 0
        assert main(["window", "1", "print-summary", "--url", url(server)]) == 0
    finally:
        server.stop()

    out = capsys.readouterr().out.splitlines()
    assert out[0] == "queue summary for 2026-11-23"
    assert out[1] == ("  综合受理: 1 issued, 0 served, 0 no-shows, 0 not called; average wait "
                      "0.0 min")
    assert out[4] == "printed"
    assert [s.day for s in printed] == ["2026-11-23"]


def test_a_missing_token_says_where_to_put_it(queue, capsys):
    server = WindowApi(queue, "127.0.0.1", 0, hashlib.sha256(b"secret").hexdigest())
    server.start()
    try:
        assert main(["window", "1", "next", "--url", url(server)]) == 1
    finally:
        server.stop()

    assert capsys.readouterr().err.strip().endswith(
        "401 a valid window token is required; set KIOSK_WINDOW_TOKEN to this station's "
        "window token")
