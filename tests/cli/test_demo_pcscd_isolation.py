"""The demo's terminal reads the cards of its own pcscd only; `kiosk doctor` says which
pcscd it checked and what is missing there; a vpcd port the demo cannot have is named once.

"Another pcscd" here is a real pcscd with a vpcd reader and a badge in it, listening on the
default socket /run/pcscd/pcscd.comm, as another demo, a test run or a developer's reader
would. So that it disturbs nobody else on this machine, it and the commands under test
run in mount namespaces where a private directory is /run/pcscd (``ForeignPcscd.command``).
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from devices.sim.pcscd import SYSTEM_VPCD_PORT, VPCD_DRIVER, listening, with_private_run_dir
from devices.sim.process import stop_process
from devices.sim.vpcd import VpcdSlot
from devices.smartcard.pcsc_socket import ENV, daemon_pid
from devices.smartcard.virtual_cards import StaffBadge
from kiosk.simulation.broker import free_port
from tests.fixtures.system import require, require_file

REPO = Path(__file__).resolve().parents[2]
KIOSK = [sys.executable, "-m", "kiosk"]
FOREIGN_UID = "04F0F1F2F3F4F5"
DEMO_UID = "04A1B2C3D4E5F6"


@dataclass
class ForeignPcscd:
    run_dir: Path
    process: subprocess.Popen[bytes]
    slot: VpcdSlot

    @property
    def pid(self) -> int:
        return self.process.pid

    def command(self, *args: str) -> list[str]:
        """``args`` on a machine where this pcscd is the one on the default socket."""
        return with_private_run_dir(self.run_dir, list(args))

    @property
    def env(self) -> dict[str, str]:
        # Not the test run's pcscd: the machine's default socket, as on a fresh shell.
        return {k: v for k, v in os.environ.items() if k != ENV}


@pytest.fixture
def foreign_pcscd() -> Iterator[ForeignPcscd]:
    pcscd = require("pcscd", "pcscd")
    require_file(str(VPCD_DRIVER), "vsmartcard-vpcd")
    run_dir = Path(tempfile.mkdtemp(prefix="kiosk-foreign-pcscd-"))
    port = free_port()
    conf = run_dir / "conf"
    conf.mkdir()
    (conf / "vpcd").write_text(f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:0x{port:04X}\n'
                               f"LIBPATH {VPCD_DRIVER}\nCHANNELID 0x{port:04X}\n")
    process = subprocess.Popen(with_private_run_dir(run_dir, [pcscd, "--foreground", "--config",
                                                              str(conf)]),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    slot = VpcdSlot(port)
    try:
        deadline = time.monotonic() + 10
        while not ((run_dir / "pcscd.comm").exists() and listening(port)):
            assert process.poll() is None, "the other pcscd exited at start"
            assert time.monotonic() < deadline, "the other pcscd did not start"
            time.sleep(0.05)
        slot.insert(StaffBadge(bytes.fromhex(FOREIGN_UID)))
        yield ForeignPcscd(run_dir, process, slot)
    finally:
        slot.remove()
        stop_process(process)
        shutil.rmtree(run_dir, ignore_errors=True)


class Lines:
    """A child's stdout, line by line, waited for with a deadline."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stdout = process.stdout
        threading.Thread(target=lambda: [self._queue.put(line.rstrip("\n")) for line in stdout],
                         daemon=True).start()

    def wait_for(self, pattern: str, timeout_s: float = 30) -> str:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r}; got {self.seen}") from None
            self.seen.append(line)
            if re.search(pattern, line):
                return line

    def assert_none(self, pattern: str, for_s: float) -> None:
        try:
            line = self.wait_for(pattern, for_s)
        except AssertionError:
            return
        raise AssertionError(f"unexpected {line!r}; got {self.seen}")


def start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def demo_config(write_config, vpcd_port: int) -> Path:
    return write_config({
        "devices": {"smartcard": {"driver": "pcsc", "reader": "Virtual PCD"}},
        "simulation": {"start": True, "vpcd_port": vpcd_port},
    })


def doctor_json(command: list[str], env: dict[str, str] | None
                ) -> dict[str, dict[str, str]]:
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=60)
    return {check["name"]: check for check in json.loads(result.stdout)["checks"]}


def test_doctor_does_not_vouch_for_another_pcscd(write_config, foreign_pcscd, tmp_path):
    config = demo_config(write_config, free_port())
    checks = doctor_json(foreign_pcscd.command(*KIOSK, "doctor", "--config", str(config),
                                               "--json"), foreign_pcscd.env)
    own = tmp_path / "var" / "sim" / "pcscd" / "run" / "pcscd.comm"
    assert checks["smartcard"] == {
        "name": "smartcard", "status": "warn",
        "detail": f"the demo's own pcscd is not running yet (kiosk run starts it at {own}); "
                  f"the pcscd at /run/pcscd/pcscd.comm (pid {foreign_pcscd.pid}) is another "
                  "one and is not used"}


def test_the_demo_terminal_reads_its_own_pcscd_and_no_other(write_config, foreign_pcscd,
                                                           tmp_path):
    config = demo_config(write_config, free_port())
    simulators = start(foreign_pcscd.command(*KIOSK, "sim", "--config", str(config)),
                       foreign_pcscd.env)
    terminal: subprocess.Popen[str] | None = None
    try:
        Lines(simulators).wait_for("^Overlay written")
        overlay = tmp_path / "var" / "sim" / "overlay.toml"
        terminal = start(foreign_pcscd.command(sys.executable, "-m",
                                               "tests.fixtures.terminal_cards", "--config",
                                               str(config), "--overlay", str(overlay)),
                         foreign_pcscd.env)
        cards = Lines(terminal)
        cards.wait_for("^health ready Virtual PCD 00 00$")
        # The other pcscd's badge lies in its reader from the start: a terminal on that
        # pcscd reports it at once.
        cards.assert_none("^card ", 1.5)
        presented = subprocess.run([*KIOSK, "sim", "--config", str(config), "do", "smartcard",
                                    "badge", f"uid={DEMO_UID}"], cwd=REPO, capture_output=True,
                                   text=True, timeout=30)
        assert presented.returncode == 0, presented.stdout + presented.stderr
        cards.wait_for("^card badge ")
        assert cards.seen[-1] == f"card badge {DEMO_UID}"
        assert not any(FOREIGN_UID in line for line in cards.seen), cards.seen

        checks = doctor_json(foreign_pcscd.command(*KIOSK, "doctor", "--config", str(config),
                                                   "--overlay", str(overlay), "--json"),
                             foreign_pcscd.env)
        own = tmp_path / "var" / "sim" / "pcscd" / "run" / "pcscd.comm"
        own_pid = daemon_pid(own)
        assert own_pid is not None
        assert own_pid != foreign_pcscd.pid
        assert checks["smartcard"] == {
            "name": "smartcard", "status": "ok",
            "detail": "Virtual PCD 00 00 on the pcscd of devices.smartcard.pcscd_socket "
                      f"(pid {own_pid}, {own})"}
    finally:
        if terminal is not None:
            stop(terminal)
        stop(simulators)


@pytest.mark.parametrize("port", [free_port(), SYSTEM_VPCD_PORT],
                         ids=["any-port", "debian-vpcd-port"])
def test_a_taken_vpcd_port_is_named_once(write_config, port):
    config = demo_config(write_config, port)
    with socket.socket() as holder:
        take_listening(holder, port)
        simulators = start([*KIOSK, "sim", "--config", str(config)])
        try:
            output = Lines(simulators)
            warning = output.wait_for("NOT STARTED  smartcard")
            output.wait_for("^Overlay written")
        finally:
            stop(simulators)
    assert warning.startswith("  NOT STARTED  smartcard simulator not started: vpcd port"), (
        warning)
    assert f" {port} " in warning
    assert "already in use by another program" in warning
    assert "set simulation.vpcd_port to a free port" in warning
    numbers = re.findall(r"\d+", warning)
    assert len(numbers) == len(set(numbers)), f"a port named twice: {warning}"


def take_listening(holder: socket.socket, port: int) -> None:
    """Listens on ``port``, unless another program listens there already (taken either way).
    A port that cannot be bound but has no listener is some connection's local end for the
    moment (other tests' clients draw ports from the same range): wait for it to pass."""
    deadline = time.monotonic() + 30
    while True:
        try:
            holder.bind(("127.0.0.1", port))
            holder.listen()
            return
        except OSError:
            if listening(port):
                return
            assert time.monotonic() < deadline, f"port {port} stayed bound without a listener"
            time.sleep(0.1)


def test_doctor_names_the_reader_its_pcscd_lacks(write_config, vpcd):
    config = write_config({"devices": {"smartcard": {
        "driver": "pcsc", "reader": "ACS ACR1281", "pcscd_socket": str(vpcd.socket_path)}}})
    checks = doctor_json([*KIOSK, "doctor", "--config", str(config), "--json"], None)
    assert checks["smartcard"] == {
        "name": "smartcard", "status": "fail",
        "detail": "no reader matching 'ACS ACR1281' on the pcscd of devices.smartcard."
                  f"pcscd_socket (pid {vpcd.pid}, {vpcd.socket_path}); it sees: "
                  "Virtual PCD 00 00, Virtual PCD 00 01"}


def test_doctor_without_any_pcscd_says_to_start_the_system_one(write_config, tmp_path):
    config = write_config({"devices": {"smartcard": {"driver": "pcsc"}}})
    nobody = Path(tempfile.mkdtemp(prefix="kiosk-no-pcscd-"))
    try:
        env = {k: v for k, v in os.environ.items() if k != ENV}
        checks = doctor_json(with_private_run_dir(nobody, [*KIOSK, "doctor", "--config",
                                                           str(config), "--json"]), env)
    finally:
        shutil.rmtree(nobody, ignore_errors=True)
    assert checks["smartcard"] == {
        "name": "smartcard", "status": "fail",
        "detail": "the system pcscd is not running: nothing answers at "
                  "/run/pcscd/pcscd.comm; systemctl start pcscd"}
