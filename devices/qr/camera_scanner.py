"""QR codes read by a camera: frames from a capture program, decoded with zbar.

The composition root gives the capture program's command. On a terminal it is ffmpeg
reading the V4L2 camera and writing grey PGM frames to its stdout; under simulation it is
the camera simulator. The program is started, watched and restarted here: a program that
exits, stalls or writes something other than netpbm frames is restarted with capped
backoff, and the health says why.

A code held in front of the camera is in many frames. It is reported once, and again only
after it has been out of view for ``hold_s`` (frames where zbar misses it for a moment do
not count as out of view unless they last that long). Out-of-view time is counted in frames
looked at: while the program restarts or stalls, nobody can tell whether a code went away.
"""

from __future__ import annotations

import logging
import os
import shlex
import time
from collections.abc import Sequence

from PIL import Image

from devices.errors import DeviceError
from devices.health import DeviceState, HealthReporter
from devices.progress import ProgressBeat
from devices.qr.capture_process import CaptureProcess, CaptureProgramMissing
from devices.qr.code_text import decode_code
from devices.qr.netpbm import NetpbmFrame, NetpbmStreamParser, StreamFault
from devices.qr.port import ScanListener, UnreadableCode
from devices.qr.zbar_reader import ZbarQrReader
from devices.traffic import log_withheld
from devices.worker import Worker

RESTART_MIN_S = 0.5
RESTART_MAX_S = 10.0
# A program that ran this long before it stopped starts again from the shortest delay.
STABLE_RUN_S = 30.0
# A stream fault stays reported until frames have been clean this long, so a camera that
# sends garbage now and then shows as faulty rather than flickering between states.
FAULT_CLEAR_S = 3.0
# This many bytes without one frame: the program writes something else than netpbm.
NOT_NETPBM_BYTES = 4 << 20
POLL_S = 0.2
# The most out-of-view time one frame can stand for (a camera slower than 4 frames a second
# holds codes a little longer).
MAX_FRAME_STEP_S = 0.25
EXAMPLE_COMMAND = ("ffmpeg -loglevel error -f v4l2 -framerate 10 -video_size 640x480 "
                   "-i /dev/video0 -vf format=gray -f image2pipe -vcodec pgm -")

log = logging.getLogger("devices.qr_scanner")


class CameraQrScanner:
    def __init__(
        self,
        capture_command: str | Sequence[str],
        *,
        hold_s: float = 2.0,
        frame_timeout_s: float = 10.0,
        device: str = "qr_scanner",
        restart_min_s: float = RESTART_MIN_S,
        restart_max_s: float = RESTART_MAX_S,
        fault_clear_s: float = FAULT_CLEAR_S,
    ) -> None:
        self.health = HealthReporter(device, log)
        # Beaten by each turn of the restart loop and of the frame loop (every POLL_S at
        # most, frames or not): the longest gap is a restart, about 16 s at worst.
        self.progress = ProgressBeat(device)
        self._device = device
        self._argv = (shlex.split(capture_command) if isinstance(capture_command, str)
                      else list(capture_command))
        self._hold_s = hold_s
        self._frame_timeout_s = frame_timeout_s
        self._restart_min_s = restart_min_s
        self._restart_max_s = restart_max_s
        self._fault_clear_s = fault_clear_s
        self._reader = ZbarQrReader()
        self._listeners: list[ScanListener] = []
        # The loop sees stop() within POLL_S, then stops the program (SIGTERM, 2 s, SIGKILL).
        self._worker = Worker("qr-scanner", self._run, join_timeout_s=5)
        # When each code was last in a frame, on a clock that only runs while frames come.
        self._last_seen: dict[bytes, float] = {}
        self._view_clock = 0.0
        self._last_frame_at: float | None = None
        self._stream_fault_at: float | None = None

    def on_scan(self, listener: ScanListener) -> None:
        self._listeners.append(listener)

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        # The worker notices within POLL_S and stops the program itself: no other thread
        # ever touches the pipe it is reading.
        self._worker.stop()

    def _run(self) -> None:
        delay = self._restart_min_s
        while not self._worker.stopping.is_set():
            self.progress.beat()
            started = time.monotonic()
            outcome = self._capture_once()
            if outcome is None:
                return
            state, reason = outcome
            if time.monotonic() - started >= STABLE_RUN_S:
                delay = self._restart_min_s
            again = "trying again" if state is DeviceState.ABSENT else "restarting it"
            self.health.set(state, f"{reason}; {again} in {delay:g} s")
            self._worker.wait(delay)
            delay = min(delay * 2, self._restart_max_s)

    def _capture_once(self) -> tuple[DeviceState, str] | None:
        """Runs the program until it fails (state and reason) or we are stopped (None)."""
        if not self._argv:
            return DeviceState.ABSENT, "no capture program configured (the command is empty)"
        try:
            process = CaptureProcess(self._argv)
        except CaptureProgramMissing as error:
            return DeviceState.ABSENT, str(error)
        except DeviceError as error:
            return DeviceState.FAULT, str(error)
        log.info("%s: capture program started (pid %d): %s",
                 self._device, process.pid, process.command)
        try:
            return self._stream(process)
        finally:
            process.stop()

    def _stream(self, process: CaptureProcess) -> tuple[DeviceState, str] | None:
        parser = NetpbmStreamParser()
        first_problem = ""
        last_frame_at = time.monotonic()
        while not self._worker.stopping.is_set():
            self.progress.beat()
            data = process.read(POLL_S)
            now = time.monotonic()
            if data is None:
                if now - last_frame_at > self._frame_timeout_s:
                    return DeviceState.FAULT, (f"no frame from the capture program for "
                                               f"{self._frame_timeout_s:g} s")
                continue
            if not data:
                leftover = parser.describe_leftover()
                ended = process.exit_description()
                return DeviceState.FAULT, ended + (f" ({leftover})" if leftover else "")
            newest: NetpbmFrame | None = None
            for event in parser.feed(data + _more_if_ready(process)):
                if isinstance(event, StreamFault):
                    first_problem = first_problem or event.problem
                    self._stream_fault_at = now
                    self.health.set(DeviceState.FAULT,
                                    f"capture stream: {event.problem}; skipping to the next frame")
                else:
                    newest = event
            if parser.skipped_since_frame > NOT_NETPBM_BYTES:
                return DeviceState.FAULT, (
                    f"the capture program does not write binary PGM/PPM frames "
                    f"({first_problem}); it must write them to its stdout, e.g. "
                    f"{EXAMPLE_COMMAND}")
            if newest is not None:
                # Only the newest frame is decoded: a code is in view for many frames, and
                # falling behind the camera would only add delay.
                last_frame_at = now
                self._frame_arrived(newest, now)
                self._look_for_codes(newest.grey(), now)
        return None

    def _frame_arrived(self, frame: NetpbmFrame, now: float) -> None:
        if self._stream_fault_at is not None and now - self._stream_fault_at < self._fault_clear_s:
            return
        self.health.set(DeviceState.READY, f"{os.path.basename(self._argv[0])}: "
                                           f"{frame.width}x{frame.height} {frame.kind} frames")

    def _look_for_codes(self, image: Image.Image, now: float) -> None:
        if self._last_frame_at is not None:
            self._view_clock += min(now - self._last_frame_at, MAX_FRAME_STEP_S)
        self._last_frame_at = now
        try:
            codes = self._reader.read(image)
        except Exception:
            log.exception("%s: zbar failed on a frame", self._device)
            return
        for raw, seen in list(self._last_seen.items()):
            if self._view_clock - seen > self._hold_s:
                del self._last_seen[raw]
        for raw in codes:
            if raw and raw not in self._last_seen:
                self._deliver(raw)
            self._last_seen[raw] = self._view_clock

    def _deliver(self, raw: bytes) -> None:
        log_withheld(self._device, "<", len(raw))     # a code may be a pickup code
        result = decode_code(raw)
        if isinstance(result, UnreadableCode):
            log.warning("%s: unreadable code (%d bytes): %s", self._device, len(raw),
                        result.reason)
        else:
            log.info("%s: code read (%d bytes, %s)", self._device, len(raw), result.encoding)
        for listener in self._listeners:
            try:
                listener(result)
            except Exception:
                log.exception("%s: a scan listener failed", self._device)


def _more_if_ready(process: CaptureProcess) -> bytes:
    """Whatever else is already waiting in the pipe, so a slow decode never leaves us
    working through old frames."""
    more = bytearray()
    while len(more) < (8 << 20) and (data := process.read(0)):
        more += data
    return bytes(more)
