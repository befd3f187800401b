"""One run of the camera's capture program: its stdout is the frame stream.

The program (ffmpeg on a real terminal, the camera simulator under `kiosk sim`) runs in its
own session so that stopping it also stops anything it started. Its stderr is drained on a
thread, so a chatty program never blocks on a full pipe, and its last lines are kept: they
are usually the reason it stopped ("/dev/video0: No such file or directory").
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import select
import shlex
import signal
import subprocess
import threading
from collections.abc import Sequence
from typing import IO

from devices.errors import DeviceError, DeviceNotFound

READ_BYTES = 1 << 16
STDERR_LINES_KEPT = 3

log = logging.getLogger("devices.qr_scanner")


class CaptureProgramMissing(DeviceNotFound):
    """The capture program is not installed, or the command names the wrong file."""


class CaptureProcess:
    def __init__(self, argv: Sequence[str]) -> None:
        self.argv = list(argv)
        self.command = shlex.join(self.argv)
        try:
            self._process = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, start_new_session=True,
            )
        except FileNotFoundError:
            raise CaptureProgramMissing(
                f"capture program not found: {self.argv[0]!r} (command: {self.command}); "
                "is it installed, and is the path right?") from None
        except PermissionError:
            raise CaptureProgramMissing(
                f"capture program {self.argv[0]!r} cannot be run (permission denied); "
                f"command: {self.command}") from None
        except OSError as error:
            raise DeviceError(f"capture program {self.argv[0]!r} could not start: "
                              f"{error.strerror or error}; command: {self.command}") from None
        stdout, stderr = self._process.stdout, self._process.stderr
        assert stdout is not None  # both are pipes: see Popen above
        assert stderr is not None
        self._stdout = stdout.fileno()
        self._stderr_lines: collections.deque[str] = collections.deque(maxlen=STDERR_LINES_KEPT)
        self._stderr_thread = threading.Thread(
            target=self._drain_stderr, args=(stderr,),
            name="qr-camera-stderr", daemon=True)
        self._stderr_thread.start()

    @property
    def pid(self) -> int:
        return self._process.pid

    def read(self, timeout_s: float) -> bytes | None:
        """What the program wrote next; b"" once its output has ended; None after
        ``timeout_s`` with nothing to read."""
        ready, _, _ = select.select([self._stdout], [], [], timeout_s)
        if not ready:
            return None
        try:
            return os.read(self._stdout, READ_BYTES)
        except OSError:
            return b""

    def exit_description(self, wait_s: float = 2.0) -> str:
        """How the program ended, with the last lines it wrote to stderr."""
        try:
            status = self._process.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            how = "closed its output but did not exit"
        else:
            if status < 0:
                how = f"was killed by {signal.Signals(-status).name}"
            else:
                how = f"exited with status {status}"
        self._stderr_thread.join(timeout=1)
        said = "; ".join(self._stderr_lines)
        return f"capture program {how}" + (f": {said}" if said else "")

    def stop(self, timeout_s: float = 2.0) -> None:
        """SIGTERM to the program's session, SIGKILL if it lingers; always reaped."""
        if self._process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self._process.wait()
        self._stderr_thread.join(timeout=1)
        # A stderr still being read (a grandchild that left the session holds it) is left to
        # the drain thread: closing it under a blocked read would block here instead.
        streams = [self._process.stdout]
        if not self._stderr_thread.is_alive():
            streams.append(self._process.stderr)
        for stream in streams:
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def _signal(self, number: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._process.pid, number)

    def _drain_stderr(self, stream: IO[bytes]) -> None:
        try:
            for line in stream:
                text = line.decode("utf-8", errors="replace").strip()
                if text:
                    self._stderr_lines.append(text)
                    log.debug("capture program: %s", text)
        except (OSError, ValueError):
            pass  # the pipe went away with the program
