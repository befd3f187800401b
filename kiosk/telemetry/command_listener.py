"""Receives the center's commands on `.../cmd` and hands each to the command processor on
a thread of its own ("commands"): checking a signature, opening a door or installing a
catalog must never hold up paho's network thread (keep-alives would starve)."""

from __future__ import annotations

import logging
import queue
import threading

from contract.topics import Topics
from kiosk.services.commands import CommandProcessor
from kiosk.telemetry.link import BrokerLink

log = logging.getLogger("kiosk.telemetry")

# Commands come from one trusted sender and are few; more than this waiting means
# something is wrong, and dropping (with a log line) beats growing without bound.
MAX_WAITING = 100


class CommandListener:
    def __init__(self, processor: CommandProcessor, link: BrokerLink, topics: Topics) -> None:
        self._processor = processor
        self._waiting: queue.Queue[bytes | None] = queue.Queue(MAX_WAITING)
        self._thread: threading.Thread | None = None
        link.subscribe(topics.commands, self._received)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="commands", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._waiting.put(None)
            self._thread.join(timeout=30)

    def _received(self, payload: bytes) -> None:
        try:
            self._waiting.put_nowait(payload)
        except queue.Full:
            log.error("command dropped: %d commands already waiting", MAX_WAITING)

    def _run(self) -> None:
        while True:
            payload = self._waiting.get()
            if payload is None:
                return
            try:
                self._processor.handle(payload)
            except Exception:
                log.exception("a command could not be handled or recorded")
