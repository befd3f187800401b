"""The terminal tells systemd it is alive: sd_notify datagrams on a real AF_UNIX socket, the
supervisor that pings only while every part makes progress, and `kiosk run` end to end."""

from __future__ import annotations

import itertools
import logging
import os
import signal
import socket
import statistics
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.health import DeviceState
from devices.idcard.sam_reader import SamIdCardReader
from devices.locker.port import BoardConfig
from devices.locker.serial_bus import SerialLockerBus
from devices.printer.escpos_printer import EscposReceiptPrinter
from devices.progress import ProgressBeat
from devices.qr.camera_scanner import CameraQrScanner
from devices.qr.serial_scanner import SerialQrScanner
from devices.smartcard.pcsc_reader import PcscCardReader
from kiosk.app.systemd_notify import SystemdNotifier, watchdog_interval
from kiosk.app.watchdog import WatchdogSupervisor
from tests.fixtures.clock import FakeClock
from tests.fixtures.system import require

REPO = Path(__file__).resolve().parents[2]


class NotifySocket:
    """The receiving end systemd would hold: a bound AF_UNIX datagram socket."""

    def __init__(self, address: str | bytes, name: str) -> None:
        self.name = name        # as $NOTIFY_SOCKET spells it
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(address)
        self.socket.settimeout(0)

    def received(self) -> list[bytes]:
        datagrams = []
        while True:
            try:
                datagrams.append(self.socket.recv(4096))
            except BlockingIOError:
                return datagrams

    def next(self, timeout_s: float) -> bytes:
        self.socket.settimeout(timeout_s)
        try:
            return self.socket.recv(4096)
        finally:
            self.socket.settimeout(0)


@pytest.fixture
def path_socket(tmp_path: Path) -> Iterator[NotifySocket]:
    path = tmp_path / "notify"
    receiver = NotifySocket(str(path), str(path))
    yield receiver
    receiver.socket.close()


@pytest.fixture
def abstract_socket() -> Iterator[NotifySocket]:
    name = f"kiosk-test-notify-{uuid.uuid4().hex}"
    receiver = NotifySocket(b"\0" + name.encode(), "@" + name)
    yield receiver
    receiver.socket.close()


# The sender.

@pytest.mark.parametrize("form", ["path", "abstract"])
def test_the_sender_writes_the_exact_datagrams(form, path_socket, abstract_socket):
    receiver = path_socket if form == "path" else abstract_socket
    notifier = SystemdNotifier(receiver.name, watchdog_interval_s=15.0)

    assert notifier.ready("serving; 3 parts\nmaking progress")
    assert notifier.watchdog()
    assert notifier.status("stalled: printer silent for 121 s")
    assert notifier.stopping("stopping")

    assert receiver.received() == [
        b"READY=1\nSTATUS=serving; 3 parts making progress",
        b"WATCHDOG=1",
        b"STATUS=stalled: printer silent for 121 s",
        b"STOPPING=1\nSTATUS=stopping",
    ]


def test_without_notify_socket_nothing_is_sent():
    environ = {"WATCHDOG_USEC": "30000000"}
    notifier = SystemdNotifier.from_environment(environ, pid=100, parent_pid=1)
    assert not notifier.enabled
    assert notifier.watchdog_interval_s is None
    assert not notifier.ready("serving")
    assert not notifier.watchdog()


def test_a_vanished_socket_is_reported_not_raised(tmp_path, caplog):
    notifier = SystemdNotifier(str(tmp_path / "gone"), watchdog_interval_s=1.0)
    with caplog.at_level(logging.WARNING, logger="kiosk.app.systemd_notify"):
        assert not notifier.watchdog()
        assert not notifier.watchdog()
    assert len([r for r in caplog.records if "cannot notify systemd" in r.message]) == 1


def test_the_environment_is_read_then_removed(path_socket):
    environ = {"NOTIFY_SOCKET": path_socket.name, "WATCHDOG_USEC": "30000000",
               "WATCHDOG_PID": "100", "PATH": "/usr/bin"}
    notifier = SystemdNotifier.from_environment(environ, pid=100, parent_pid=1)
    assert notifier.watchdog_interval_s == 15.0
    # Children (mosquitto, pcscd, the capture program) must not notify in our name.
    assert environ == {"PATH": "/usr/bin"}
    assert notifier.watchdog()
    assert path_socket.received() == [b"WATCHDOG=1"]


@pytest.mark.parametrize(("watchdog_pid", "interval"), [
    (None, 1.5),            # not set: ours
    ("4242", 1.5),          # this process
    ("4000", 1.5),          # our parent: xinit, the unit's main process
    ("77", None),           # someone else's: a child inherited the variables
])
def test_watchdog_pid_decides_whose_watchdog_it_is(watchdog_pid, interval):
    environ = {"WATCHDOG_USEC": "3000000"}
    if watchdog_pid is not None:
        environ["WATCHDOG_PID"] = watchdog_pid
    assert watchdog_interval(environ, pid=4242, parent_pid=4000) == interval


@pytest.mark.parametrize("usec", ["", "0", "soon"])
def test_no_usable_watchdog_usec_means_no_pings(usec):
    assert watchdog_interval({"WATCHDOG_USEC": usec}, pid=1, parent_pid=0) is None


# The supervisor.

def test_ready_once_every_participant_has_beaten(path_socket):
    clock = FakeClock()
    ui = ProgressBeat("ui", 30, clock=clock.monotonic)
    scanner = ProgressBeat("qr_scanner", 30, clock=clock.monotonic)
    supervisor = WatchdogSupervisor(SystemdNotifier(path_socket.name, 15.0), [ui, scanner],
                                    clock=clock.monotonic)
    scanner.beat()
    assert not supervisor.check()
    assert path_socket.received() == [b"STATUS=starting; waiting for ui"]

    clock.advance(1)
    ui.beat()
    assert supervisor.check()
    assert supervisor.ready
    assert path_socket.received() == [b"READY=1\nSTATUS=serving; 2 parts making progress",
                                      b"WATCHDOG=1"]


def test_pings_stop_while_a_participant_stalls_and_resume_when_it_beats(path_socket, caplog):
    clock = FakeClock()
    ui = ProgressBeat("ui", 30, clock=clock.monotonic)
    printer = ProgressBeat("printer", 120, clock=clock.monotonic)
    supervisor = WatchdogSupervisor(SystemdNotifier(path_socket.name, 15.0), [ui, printer],
                                    clock=clock.monotonic)
    ui.beat()
    printer.beat()
    assert supervisor.check()
    path_socket.received()

    with caplog.at_level(logging.INFO, logger="kiosk.app.watchdog"):
        # The printer is quiet for 100 s, within its 120 s; the UI keeps beating.
        for _ in range(4):
            clock.advance(25)
            ui.beat()
            assert supervisor.check()
        assert path_socket.received() == [b"WATCHDOG=1"] * 4

        # Now it is 125 s: no pings, one log line naming it, the status says why.
        clock.advance(25)
        ui.beat()
        assert not supervisor.check()
        clock.advance(15)
        ui.beat()
        assert not supervisor.check()
        assert path_socket.received() == [b"STATUS=stalled: printer silent for 125 s",
                                          b"STATUS=stalled: printer silent for 140 s"]
        stalls = [r for r in caplog.records if "has made no progress" in r.message]
        assert [r.levelno for r in stalls] == [logging.ERROR]
        assert stalls[0].message.startswith("watchdog: printer has made no progress for 125 s")

        # It beats again: pings resume, and that is logged once too.
        printer.beat()
        assert supervisor.check()
        assert supervisor.check()
    assert path_socket.received() == [b"STATUS=serving; 2 parts making progress",
                                      b"WATCHDOG=1", b"WATCHDOG=1"]
    assert len([r for r in caplog.records if "making progress again" in r.message]) == 1


def test_a_participant_that_never_beats_stalls_from_the_start(path_socket):
    clock = FakeClock()
    ui = ProgressBeat("ui", 30, clock=clock.monotonic)
    supervisor = WatchdogSupervisor(SystemdNotifier(path_socket.name, 15.0), [ui],
                                    clock=clock.monotonic)
    clock.advance(31)
    assert not supervisor.check()
    assert not supervisor.ready
    assert path_socket.received() == [b"STATUS=starting; waiting for ui"]


def test_stop_says_stopping(path_socket):
    supervisor = WatchdogSupervisor(SystemdNotifier(path_socket.name, 15.0), [])
    supervisor.start()
    supervisor.stop()
    datagrams = path_socket.received()
    assert datagrams[-1] == b"STOPPING=1\nSTATUS=stopping"
    assert b"READY=1\nSTATUS=serving; 0 parts making progress" in datagrams


# Device workers beat while their device is missing: a missing device is not a hung process.

def _missing_serial_qr_scanner(tmp_path: Path) -> SerialQrScanner:
    return SerialQrScanner(str(tmp_path / "no-such-tty"), 9600, "CR")


def _missing_id_card_reader(tmp_path: Path) -> SamIdCardReader:
    return SamIdCardReader(str(tmp_path / "no-such-tty"))


def _missing_locker_bus(tmp_path: Path) -> SerialLockerBus:
    return SerialLockerBus("main", str(tmp_path / "no-such-tty"), 19200, "kerong-cu16",
                           (BoardConfig(address=0, locks=16),))


def _missing_card_reader(tmp_path: Path) -> PcscCardReader:
    # Without pcscd, or with one that has no such reader: either way it retries each second.
    return PcscCardReader(f"no reader called {tmp_path.name}")


def _missing_camera(tmp_path: Path) -> CameraQrScanner:
    return CameraQrScanner([str(tmp_path / "no-such-capture-program")])


@pytest.mark.parametrize("make", [_missing_serial_qr_scanner, _missing_id_card_reader,
                                  _missing_locker_bus, _missing_card_reader, _missing_camera],
                         ids=lambda make: make.__name__.removeprefix("_missing_"))
def test_an_adapter_beats_while_its_device_is_missing(make, tmp_path):
    adapter = make(tmp_path)
    assert adapter.progress.last_beat_at is None
    adapter.start()
    try:
        first = _wait_for_beat(adapter.progress, after=0.0)
        # Reconnect and restart delays start at 1 s or less; the first retry comes soon.
        _wait_for_beat(adapter.progress, after=first, timeout_s=3.0)
        assert adapter.health.current.state is DeviceState.ABSENT
    finally:
        adapter.stop()


def test_an_idle_printer_beats_between_status_checks(monkeypatch):
    from devices.printer import escpos_printer

    monkeypatch.setattr(escpos_printer, "IDLE_BEAT_S", 0.05)

    class UnreachableTransport:
        where = "nowhere"
        can_read = True

        def ask(self, request: bytes, timeout_s: float) -> bytes:
            return b""

        def close(self) -> None:
            pass

    printer = EscposReceiptPrinter(UnreachableTransport(), None,  # type: ignore[arg-type]
                                   status_timeout_s=0.01, poll_interval_s=3600)
    printer.start()
    try:
        first = _wait_for_beat(printer.progress, after=0.0)
        _wait_for_beat(printer.progress, after=first)
        _wait_for_beat(printer.progress, after=printer.progress.last_beat_at or 0.0)
    finally:
        printer.stop()


def _wait_for_beat(beat: ProgressBeat, after: float, timeout_s: float = 2.0) -> float:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        last = beat.last_beat_at
        if last is not None and last > after:
            return last
        time.sleep(0.01)
    raise AssertionError(f"{beat.name} did not beat within {timeout_s} s")


# End to end: `kiosk run` on simulated devices, as systemd would start it.

@pytest.mark.slow
def test_kiosk_run_reports_ready_then_pings_then_stopping(write_config, tmp_path,
                                                          abstract_socket):
    require("Xvfb", "xvfb")
    config = write_config({
        "devices": {"qr_scanner": {"driver": "serial"}, "id_card": {"driver": "sam"},
                    "printer": {"driver": "escpos", "transport": "serial"}},
        "locker": {"enabled": True,
                   "buses": {"main": {"protocol": "kerong-cu16", "baud": 19200, "boards": [
                       {"address": 0, "locks": 4, "closed_when_bit_set": True,
                        "item_sensor": True}]}},
                   "compartments": [{"first_number": 1, "count": 4, "bus": "main",
                                     "board": 0, "first_lock": 1, "size": "S"}]},
        "security": {"key_file": str(tmp_path / "terminal.key"),
                     "center_public_key": "ndp5TjOlRYidWNIwAS17cTcY7hO2zmQaunE4tt3As1E="},
        "simulation": {"start": True, "broker": False},
    })
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    # WatchdogSec=1s; WATCHDOG_PID is our PID, the parent of `kiosk run`, as xinit is
    # under systemd: the terminal must take the watchdog as its own.
    env.update(NOTIFY_SOCKET=abstract_socket.name, WATCHDOG_USEC="1000000",
               WATCHDOG_PID=str(os.getpid()))
    output = tmp_path / "kiosk-run.out"
    started = time.monotonic()
    with output.open("wb") as sink:
        process = subprocess.Popen([str(REPO / ".venv" / "bin" / "kiosk"), "run", "--config",
                                    str(config), "--virtual-display"], env=env, stdout=sink,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    arrivals: list[tuple[float, bytes]] = []
    try:
        while not any(m.startswith(b"READY=1") for _, m in arrivals):
            assert process.poll() is None, output.read_text(errors="replace")
            assert time.monotonic() - started < 15, f"no READY=1 within 15 s: {arrivals}"
            arrivals += _receive(abstract_socket, 0.5)
        ready_at = next(t for t, m in arrivals if m.startswith(b"READY=1"))
        while time.monotonic() - ready_at < 2.6:
            arrivals += _receive(abstract_socket, 0.5)
    finally:
        stopped_at = time.monotonic()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    arrivals += _receive(abstract_socket, 0.5)
    said = output.read_text(errors="replace")

    messages = [m for _, m in arrivals]
    # The UI, the scanner, the ID-card reader, the printer, the lock bus and the voice.
    ready = messages.index(b"READY=1\nSTATUS=serving; 6 parts making progress")
    assert all(m.startswith(b"STATUS=starting") for m in messages[:ready]), messages
    pings = [t for t, m in arrivals[ready + 1:] if m == b"WATCHDOG=1" and t < stopped_at]
    # Half of WatchdogSec: a ping every 0.5 s, so 2.6 s after READY=1 at least four, and
    # never a whole second without one while serving (systemd would have killed it).
    assert len(pings) >= 4, messages
    gaps = [later - earlier for earlier, later in itertools.pairwise(pings)]
    assert 0.4 <= statistics.median(gaps) <= 0.7, gaps
    assert max(gaps) < 1.0, gaps
    assert messages[-1] == b"STOPPING=1\nSTATUS=stopping", messages
    assert process.returncode == 0, said
    assert ("every part is making progress (ui, qr_scanner, idcard, printer, locker-main, "
            "voice)") in said


def _receive(receiver: NotifySocket, timeout_s: float) -> list[tuple[float, bytes]]:
    try:
        first = receiver.next(timeout_s)
    except TimeoutError:
        return []
    now = time.monotonic()
    return [(now, first), *((now, m) for m in receiver.received())]
