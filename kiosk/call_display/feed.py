"""Brings the terminal's calls to a call display over the window API: the latest few at
start, then each new one as it is made (long polling), reconnecting when the link drops;
and, beside them, the residents waiting for help at the self-service terminal."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.api.window_client import WindowApiClient, WindowApiError
from kiosk.services.queue.model import Call

log = logging.getLogger(__name__)

POLL_WAIT_S = 25.0
RETRY_S = (1.0, 2.0, 5.0, 10.0)
NO_HELP_DESK_RETRY_S = 300.0


class CallFeed:
    def __init__(self, client: WindowApiClient, on_calls: Callable[[list[Call], bool], None],
                 on_link: Callable[[bool], None], recent: int = 8) -> None:
        """``on_calls(calls, fresh)``: fresh is False for the calls shown at start, which
        are displayed but not announced again."""
        self.client = client
        self._on_calls = on_calls
        self._on_link = on_link
        self._recent = recent
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="call-feed", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _follow(self) -> None:
        last_id: int | None = None
        failures = 0
        while not self._stop.is_set():
            try:
                if last_id is None:
                    reply = self.client.request("GET", f"/v1/calls?recent={self._recent}")
                    calls = [Call(**c) for c in reply["calls"]]
                    last_id = max((c.id for c in calls), default=0)
                    self._on_calls(calls, False)
                else:
                    calls = [Call(**c) for c in self.client.calls_after(last_id, POLL_WAIT_S)]
                    if calls:
                        last_id = calls[-1].id
                        self._on_calls(calls, True)
                if failures:
                    log.info("call display reconnected to %s", self.client.base_url)
                failures = 0
                self._on_link(True)
            except WindowApiError as error:
                if failures == 0:
                    log.warning("call display lost the terminal: %s", error)
                self._on_link(False)
                self._stop.wait(RETRY_S[min(failures, len(RETRY_S) - 1)])
                failures += 1


@dataclass(frozen=True)
class HelpWaiting:
    """A resident waiting for help at the self-service terminal, as the window API lists
    them (kiosk/api/window.py)."""

    id: int
    screen: str
    requested_at: str
    waiting_s: int


class HelpFeed:
    """Brings the residents waiting for help to a call display: the list at start, then
    again whenever it changes (long polling the help version), reconnecting when the link
    drops. The call feed reports the link; this one only retries."""

    def __init__(self, client: WindowApiClient,
                 on_help: Callable[[list[HelpWaiting]], None]) -> None:
        """``on_help(waiting)``: oldest first; empty when nobody is waiting any more."""
        self.client = client
        self._on_help = on_help
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="help-feed", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _follow(self) -> None:
        version: str | None = None
        failures = 0
        while not self._stop.is_set():
            try:
                reply = (self.client.help_requests() if version is None
                         else self.client.help_changed(version, POLL_WAIT_S))
                failures = 0
            except WindowApiError as error:
                if error.status == 404:
                    # A terminal without a help desk (an older version): ask now and then,
                    # it may be updated.
                    self._stop.wait(NO_HELP_DESK_RETRY_S)
                    continue
                version = None      # after a failure, start again from the whole list
                self._stop.wait(RETRY_S[min(failures, len(RETRY_S) - 1)])
                failures += 1
                continue
            try:
                changed = reply["version"] != version
                waiting = [HelpWaiting(int(r["id"]), str(r["screen"]), str(r["requested_at"]),
                                       int(r["waiting_s"])) for r in reply["requests"]]
            except (KeyError, TypeError, ValueError):
                # Not what this display understands: keep the thread, try again later.
                log.warning("call display: the terminal's help list is not readable")
                version = None
                self._stop.wait(RETRY_S[-1])
                continue
            if changed:
                version = reply["version"]
                self._on_help(waiting)
