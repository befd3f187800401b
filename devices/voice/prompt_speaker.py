"""Speaks the terminal's prompts through a text-to-speech program, newest prompt only.

A resident who taps on before a prompt has finished must hear the new screen's prompt,
not the rest of the old one, and never a backlog of stale ones. So ``say()`` only leaves
the text for the worker and wakes it; the worker ends the program still speaking (its
whole process group: a command may be a shell pipeline such as ``espeak-ng --stdout |
aplay``) and starts the program again for the newest text. Nothing here ever waits on the
caller's thread, which is Kivy's.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from typing import IO

from devices.health import DeviceState, HealthReporter
from devices.progress import ProgressBeat
from devices.worker import Worker

log = logging.getLogger("devices.voice")

# Longer than any prompt; a program that hangs must not silence every later prompt.
SPEAK_TIMEOUT_S = 30.0
# How often the worker looks at a running program while nothing new is asked of it. A new
# prompt wakes it at once; this only bounds how late a program's own end is noticed.
POLL_S = 0.05
# The worker's idle wait: its ProgressBeat must beat well within the watchdog's stall limit.
IDLE_BEAT_S = 1.0
# Time a program gets to end on SIGTERM before its process group is killed.
TERMINATE_GRACE_S = 0.5

_PLACEHOLDER = re.compile(r"\{(text|volume)\}")


def volume_argument(percent: int, at_0: int, at_100: int) -> str:
    """The program's own volume value for ``percent`` (0-100), on a scale from ``at_0`` to
    ``at_100`` (espeak-ng's ``-a`` amplitude: 0 to 200)."""
    if not 0 <= percent <= 100:
        raise ValueError(f"volume {percent} is not a percentage")
    return str(round(at_0 + (at_100 - at_0) * percent / 100))


class PromptSpeaker:
    """A ``Speaker`` running ``command`` once per prompt, ``{text}`` and ``{volume}``
    replaced in each argument."""

    def __init__(self, command: Sequence[str], *, volume_percent: int = 70,
                 volume_at_0: int = 0, volume_at_100: int = 200,
                 command_setting: str = "voice.command",
                 timeout_s: float = SPEAK_TIMEOUT_S) -> None:
        if not command:
            raise ValueError("a text-to-speech command is needed")
        self.command = tuple(command)
        # Without {text} the program would say nothing useful (or read its own options).
        self._takes_text = any("{text}" in part for part in self.command)
        self.volume = volume_argument(volume_percent, volume_at_0, volume_at_100)
        self.timeout_s = timeout_s
        self._command_setting = command_setting  # named in health messages, for staff
        self.health = HealthReporter("voice", log)
        self.progress = ProgressBeat("voice")
        self._wake = threading.Condition()
        self._pending: str | None = None
        # Bumped by every say() and silence(): the program speaking for an older
        # generation is cut off.
        self._generation = 0
        # The worker ends its program within TERMINATE_GRACE_S plus a kill.
        self._worker = Worker("voice", self._run, join_timeout_s=TERMINATE_GRACE_S + 5,
                              wake=self._wake_to_stop)

    def say(self, text: str) -> None:
        with self._wake:
            if self._stopping:
                return
            self._pending = text
            self._generation += 1
            self._wake.notify()

    def silence(self) -> None:
        with self._wake:
            self._pending = None
            self._generation += 1
            self._wake.notify()

    def start(self) -> None:
        if not self._takes_text:
            self.health.set(DeviceState.FAULT, f"{self._command_setting} has no {{text}} "
                                               "placeholder, so no prompt could be spoken")
        elif shutil.which(self.command[0]) is None:
            self.health.set(DeviceState.ABSENT, self._missing_message())
        else:
            self.health.set(DeviceState.READY)
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()

    @property
    def _stopping(self) -> bool:
        return self._worker.stopping.is_set()

    def _wake_to_stop(self) -> None:
        # Under the condition: the worker checks _stopping under it before every wait, so
        # this notify cannot fall between its check and its wait.
        with self._wake:
            self._pending = None
            self._wake.notify()

    def argv(self, text: str) -> list[str]:
        """The command line for ``text``. Replaced in one pass, so a prompt that itself
        contains ``{volume}`` stays as it is. NUL cannot be passed in an argument."""
        values = {"text": text.replace("\0", ""), "volume": self.volume}
        return [_PLACEHOLDER.sub(lambda match: values[match.group(1)], part)
                for part in self.command]

    def _run(self) -> None:
        while True:
            self.progress.beat()
            with self._wake:
                if self._stopping:
                    return
                if self._pending is None:
                    self._wake.wait(timeout=IDLE_BEAT_S)
                    continue
                text, self._pending = self._pending, None
                generation = self._generation
            self._speak(text, generation)

    def _speak(self, text: str, generation: int) -> None:
        if not self._takes_text:
            return
        with tempfile.TemporaryFile() as stderr:
            # stderr goes to a file, not a pipe: nobody has to drain it while the program
            # speaks, and its last line names the problem when the program fails.
            try:
                process = subprocess.Popen(self.argv(text), stdin=subprocess.DEVNULL,
                                           stdout=subprocess.DEVNULL, stderr=stderr,
                                           start_new_session=True)
            except FileNotFoundError:
                self.health.set(DeviceState.ABSENT, self._missing_message())
                return
            except OSError as error:
                self.health.set(DeviceState.FAULT, f"cannot run {self.command[0]}: "
                                                   f"{error.strerror or error}")
                return
            log.debug("speaking a prompt of %d characters (pid %d)", len(text), process.pid)
            outcome = self._wait(process, generation)
            if outcome == "interrupted":
                return
            if outcome == "timed out":
                self.health.set(DeviceState.FAULT, f"{self.command[0]} took over "
                                                   f"{self.timeout_s:.0f} s and was stopped")
                return
            if process.returncode != 0:
                self.health.set(DeviceState.FAULT, f"{self.command[0]} failed "
                                                   f"({process.returncode}): "
                                                   f"{_last_line(stderr)}")
                return
            self.health.set(DeviceState.READY)

    def _wait(self, process: subprocess.Popen[bytes], generation: int) -> str:
        deadline = time.monotonic() + self.timeout_s
        while process.poll() is None:
            self.progress.beat()
            with self._wake:
                superseded = self._stopping or self._generation != generation
                if not superseded:
                    self._wake.wait(timeout=POLL_S)
                    superseded = self._stopping or self._generation != generation
            if superseded:
                _end(process)
                return "interrupted"
            if time.monotonic() > deadline:
                _end(process)
                return "timed out"
        return "finished"

    def _missing_message(self) -> str:
        return (f"text-to-speech program {self.command[0]!r} not found: install it "
                f"(apt-get install espeak-ng) or change {self._command_setting}")


def _end(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the program's whole session, SIGKILL if it lingers; always reaped."""
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=TERMINATE_GRACE_S)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.wait()


def _signal_group(process: subprocess.Popen[bytes], number: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, number)


def _last_line(stream: IO[bytes]) -> str:
    stream.seek(0)
    lines = stream.read()[-4096:].decode("utf-8", errors="replace").strip().splitlines()
    return lines[-1].strip() if lines else "no message"
