"""The camera QR scanner against the camera simulator program, through a real pipe.

Each test starts the real adapter, which starts the real simulator program as its capture
program (exactly as it would start ffmpeg) and decodes the frames it writes with zbar.
"""

from __future__ import annotations

import queue
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from devices.health import DeviceHealth, DeviceState
from devices.qr.camera_scanner import CameraQrScanner
from devices.qr.camera_simulator import NOT_TEXT, CameraSimulator
from devices.qr.port import ScannedCode, UnreadableCode

APPOINTMENT = "预约 综合受理 张三"


class Watched:
    """A scanner, every code it reported and every health it went through."""

    def __init__(self, scanner: CameraQrScanner) -> None:
        self.scanner = scanner
        self.codes: queue.Queue[ScannedCode | UnreadableCode] = queue.Queue()
        self.healths: list[DeviceHealth] = []
        scanner.on_scan(self.codes.put)
        scanner.health.subscribe(self.healths.append)

    def wait_for_health(self, state: DeviceState, containing: str = "",
                        timeout_s: float = 5.0) -> DeviceHealth:
        deadline = time.monotonic() + timeout_s
        while True:
            for health in list(self.healths):
                if health.state is state and containing in health.detail:
                    return health
            assert time.monotonic() < deadline, f"no {state} with {containing!r}: {self.healths}"
            time.sleep(0.02)

    def next_code(self, timeout_s: float = 5.0) -> ScannedCode | UnreadableCode:
        return self.codes.get(timeout=timeout_s)

    def assert_no_code_for(self, seconds: float) -> None:
        with pytest.raises(queue.Empty):
            self.codes.get(timeout=seconds)


@pytest.fixture
def camera() -> Callable[..., tuple[CameraSimulator, Watched]]:
    started: list[tuple[CameraSimulator, CameraQrScanner]] = []
    # Unix socket paths are short (108 bytes): not under pytest's long tmp_path.
    directory = tempfile.TemporaryDirectory(prefix="qrcam-")

    def start(*, frame_format: str = "pgm", **options: float) -> tuple[CameraSimulator, Watched]:
        simulator = CameraSimulator(Path(directory.name) / f"camera{len(started)}.sock",
                                    frame_format=frame_format, size=(320, 240))
        simulator.start()
        settings = {"hold_s": 0.5, "restart_min_s": 0.2, "fault_clear_s": 0.5, **options}
        scanner = CameraQrScanner(simulator.command, **settings)
        watched = Watched(scanner)
        scanner.start()
        started.append((simulator, scanner))
        watched.wait_for_health(DeviceState.READY, "320x240")
        return simulator, watched

    yield start
    for simulator, scanner in started:
        scanner.stop()
        simulator.stop()
    directory.cleanup()


def test_a_code_held_up_is_reported_once_with_its_chinese_text(camera):
    simulator, watched = camera()
    simulator.show(APPOINTMENT.encode("utf-8"))
    code = watched.next_code()
    assert code == ScannedCode(APPOINTMENT, APPOINTMENT.encode("utf-8"), "utf-8")
    watched.assert_no_code_for(1.5)  # still in view, frame after frame

    simulator.show("综合受理窗口3号 A0123".encode())  # another code replaces it
    assert watched.next_code().text == "综合受理窗口3号 A0123"

    simulator.take_away()
    time.sleep(1.0)  # out of view for longer than hold_s
    simulator.show(APPOINTMENT.encode("utf-8"))
    assert watched.next_code().text == APPOINTMENT


def test_colour_frames_and_a_code_made_by_a_gbk_system(camera):
    simulator, watched = camera(frame_format="ppm")
    assert "P6 frames" in watched.scanner.health.current.detail
    simulator.perform("show_gbk", {"text": "预约号:20261121-0007", "seconds": "0"})
    code = watched.next_code()
    assert isinstance(code, ScannedCode)
    assert (code.text, code.encoding) == ("预约号:20261121-0007", "gb18030")


def test_garbage_and_a_frame_cut_short_are_survived(camera):
    simulator, watched = camera()
    simulator.inject("garbage")
    watched.wait_for_health(
        DeviceState.FAULT, "capture stream: expected 'P5' or 'P6' at the start of a frame")
    assert "skipping to the next frame" in watched.scanner.health.current.detail
    watched.healths.clear()
    watched.wait_for_health(DeviceState.READY)

    simulator.inject("truncate")
    watched.wait_for_health(DeviceState.FAULT, "capture stream: ")
    simulator.show(APPOINTMENT.encode("utf-8"))
    assert watched.next_code().text == APPOINTMENT
    assert simulator.programs_started == 1  # resynchronised, not restarted


def test_a_dying_capture_program_is_restarted(camera):
    simulator, watched = camera()
    simulator.show(APPOINTMENT.encode("utf-8"))
    assert watched.next_code().text == APPOINTMENT
    simulator.inject("crash")
    watched.wait_for_health(
        DeviceState.FAULT,
        "capture program exited with status 3: camera simulator: simulated crash; "
        "restarting it in 0.2 s")
    watched.healths.clear()
    watched.wait_for_health(DeviceState.READY)
    assert simulator.programs_started == 2
    # The code was held up all along: not reported again after the restart.
    watched.assert_no_code_for(0.5)
    simulator.show("重启后 B0456".encode())
    assert watched.next_code().text == "重启后 B0456"


def test_a_frozen_camera_is_restarted(camera):
    simulator, watched = camera(frame_timeout_s=1.0)
    simulator.inject("freeze")
    watched.wait_for_health(DeviceState.FAULT, "no frame from the capture program for 1 s; "
                                               "restarting it")
    watched.healths.clear()
    watched.wait_for_health(DeviceState.READY)
    assert simulator.programs_started == 2


def test_an_unplugged_camera_says_so_until_plugged_back_in(camera):
    simulator, watched = camera()
    simulator.perform("unplug", {})
    health = watched.wait_for_health(DeviceState.FAULT, "/dev/video0: No such device")
    assert health.detail.startswith("capture program exited with status 1")
    simulator.perform("plug", {})
    watched.healths.clear()
    watched.wait_for_health(DeviceState.READY, timeout_s=8)


def test_a_damaged_code_gives_nothing_and_a_binary_code_is_unreadable(camera):
    simulator, watched = camera()
    simulator.perform("show_damaged", {"text": APPOINTMENT, "seconds": "0"})
    watched.assert_no_code_for(1.5)
    simulator.perform("show_not_text", {"seconds": "0"})
    code = watched.next_code()
    assert code == UnreadableCode(NOT_TEXT, "not printable UTF-8 or GB18030 text")


def test_a_missing_capture_program_is_named(tmp_path):
    program = str(tmp_path / "no-such-capture-program")
    scanner = CameraQrScanner([program, "-i", "/dev/video0"], restart_min_s=0.2)
    watched = Watched(scanner)
    scanner.start()
    try:
        health = watched.wait_for_health(DeviceState.ABSENT)
        assert health.detail == (
            f"capture program not found: {program!r} (command: {program} -i /dev/video0); "
            "is it installed, and is the path right?; trying again in 0.2 s")
    finally:
        scanner.stop()


def test_a_program_that_stops_mid_frame_is_described(tmp_path):
    script = ("import sys; sys.stdout.buffer.write(b'P5\\n640 480\\n255\\n' + bytes(100)); "
              "sys.stdout.flush(); print('cannot open /dev/video0', file=sys.stderr); "
              "sys.exit(1)")
    scanner = CameraQrScanner([sys.executable, "-c", script], restart_min_s=0.2)
    watched = Watched(scanner)
    scanner.start()
    try:
        watched.wait_for_health(
            DeviceState.FAULT,
            "capture program exited with status 1: cannot open /dev/video0 (the stream ended "
            "in the middle of a 640x480 P5 frame (100 of 307200 bytes)); restarting it in 0.2 s")
    finally:
        scanner.stop()


def test_a_program_that_writes_something_else_is_restarted_with_advice(tmp_path):
    script = "import sys; sys.stdout.buffer.write(b'\\xff\\xd8\\xff\\xe0' * (2 << 20))"
    scanner = CameraQrScanner([sys.executable, "-c", script], restart_min_s=0.2)
    watched = Watched(scanner)
    scanner.start()
    try:
        health = watched.wait_for_health(DeviceState.FAULT, "does not write binary PGM/PPM")
        assert "expected 'P5' or 'P6' at the start of a frame, got b'\\xff\\xd8" in health.detail
        assert "-f image2pipe -vcodec pgm -" in health.detail
    finally:
        scanner.stop()
