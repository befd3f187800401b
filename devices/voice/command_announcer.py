"""Speaks through a text-to-speech program (espeak-ng, ekho, a vendor's TTS tool), one
announcement at a time.

A call display hears several calls within a second when two windows press "next"
together; played at once they are noise. One worker runs the program for each queued
text and waits for it to finish before the next (the FQM project learnt this the hard
way: its issue #138)."""

from __future__ import annotations

import logging
import queue
import shutil
import subprocess

from devices.health import DeviceState, HealthReporter
from devices.worker import Worker

log = logging.getLogger("devices.voice")

# Longer than any announcement; a program that hangs must not silence every later call.
SPEAK_TIMEOUT_S = 30.0
# Calls made while the voice is far behind are stale: the display already shows them.
MAX_BACKLOG = 20


class CommandAnnouncer:
    def __init__(self, command: tuple[str, ...]) -> None:
        if not command:
            raise ValueError("a text-to-speech command is needed")
        self.command = command
        self.health = HealthReporter("voice", log)
        self._texts: queue.Queue[str | None] = queue.Queue()
        # None in the queue ends the worker: what was queued before it is still said.
        self._worker = Worker("voice", self._speak_in_turn, join_timeout_s=SPEAK_TIMEOUT_S + 1,
                              wake=lambda: self._texts.put(None))

    def say(self, text: str) -> None:
        if self._texts.qsize() >= MAX_BACKLOG:
            dropped = self._texts.get_nowait()
            log.warning("voice far behind: skipped %r", dropped)
        self._texts.put(text)

    def start(self) -> None:
        if shutil.which(self.command[0]) is None:
            self.health.set(DeviceState.ABSENT,
                               f"text-to-speech program {self.command[0]!r} not found: "
                               "install it or change queue.announce_command")
        else:
            self.health.set(DeviceState.READY)
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()

    def _speak_in_turn(self) -> None:
        while (text := self._texts.get()) is not None:
            self._speak(text)

    def _speak(self, text: str) -> None:
        argv = [part.replace("{text}", text) for part in self.command]
        try:
            result = subprocess.run(argv, capture_output=True, timeout=SPEAK_TIMEOUT_S,
                                    check=False)
        except FileNotFoundError:
            self.health.set(DeviceState.ABSENT, f"text-to-speech program {argv[0]!r} not "
                                                   "found")
            return
        except subprocess.TimeoutExpired:
            self.health.set(DeviceState.FAULT, f"{argv[0]} took over {SPEAK_TIMEOUT_S:.0f} s"
                                                  " and was stopped")
            return
        if result.returncode != 0:
            error = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
            self.health.set(DeviceState.FAULT, f"{argv[0]} failed ({result.returncode}): "
                                                  f"{error[-1] if error else 'no message'}")
            return
        self.health.set(DeviceState.READY)
