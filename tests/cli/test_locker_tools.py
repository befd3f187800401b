"""Installer and staff tools for the locker, run as commands against the simulator."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devices.locker.port import BoardConfig
from devices.locker.simulator import LockerBusSimulator
from kiosk.app.terminal import build_terminal
from kiosk.config import load_config
from kiosk.store import open_store

REPO = Path(__file__).resolve().parents[2]
CENTER_PUBLIC = "ndp5TjOlRYidWNIwAS17cTcY7hO2zmQaunE4tt3As1E="


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture
def board_sim(tmp_path):
    simulator = LockerBusSimulator(tmp_path / "dev" / "locker", "kerong-cu16",
                                   (BoardConfig(address=0, locks=16, item_sensor=True),))
    simulator.start()
    yield simulator
    simulator.stop()


def locker_config(write_config, simulator, tmp_path, **board):
    return write_config({
        "locker": {
            "enabled": True,
            "buses": {"main": {"protocol": "kerong-cu16", "port": simulator.path,
                               "boards": [{"address": 0, "locks": 16, "item_sensor": True,
                                           **board}]}},
            "compartments": [{"first_number": 1, "count": 16, "bus": "main", "board": 0,
                              "size": "S"}],
        },
        "security": {"center_public_key": CENTER_PUBLIC, "key_file": str(tmp_path / "key")},
    })


def test_doctor_locker_prints_every_door_as_json(board_sim):
    board_sim.force_open(0, 3)
    board_sim.set_door(0, 5, item=True)
    result = kiosk("doctor", "locker", "--port", board_sim.path, "--protocol", "kerong-cu16",
                   "--board", "0", "--json")
    assert result.returncode == 0, result.stderr
    doors = json.loads(result.stdout)
    assert len(doors) == 16
    assert doors[2] == {"door": 3, "open": True, "item": False}
    assert doors[4] == {"door": 5, "open": False, "item": True}


def test_doctor_locker_plain_output_is_one_door_per_line(board_sim):
    result = kiosk("doctor", "locker", "--port", board_sim.path, "--protocol", "kerong-cu16",
                   "--board", "0")
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 16
    assert json.loads(lines[0]) == {"door": 1, "open": False, "item": False}


def test_doctor_locker_names_a_silent_board(board_sim):
    board_sim.silence(0)
    result = kiosk("doctor", "locker", "--port", board_sim.path, "--protocol", "kerong-cu16",
                   "--board", "0")
    assert result.returncode == 1
    assert "board 0" in result.stderr
    assert "19200 baud" in result.stderr


def test_doctor_locker_missing_port(tmp_path):
    result = kiosk("doctor", "locker", "--port", str(tmp_path / "ttyUSB9"), "--protocol",
                   "kerong-cu16", "--board", "0")
    assert result.returncode == 1
    assert "does not exist" in result.stderr


def test_doctor_locker_checks_configured_boards(write_config, board_sim, tmp_path):
    config = locker_config(write_config, board_sim, tmp_path)
    result = kiosk("doctor", "locker", "--config", str(config), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["problems"] == []
    assert [len(b["doors"]) for b in report["boards"]] == [16]


def test_commissioning_spots_inverted_polarity(write_config, board_sim, tmp_path):
    board_sim.set_wiring(0, False)  # NC switches fitted; the config says NO
    config = locker_config(write_config, board_sim, tmp_path)
    result = kiosk("locker", "commission", "--config", str(config), "--yes")
    assert result.returncode == 1
    assert "bus main board 0 door 1: reads OPEN although it is shut" in result.stdout
    assert "Set closed_when_bit_set = false for this board." in result.stdout

    fixed = locker_config(write_config, board_sim, tmp_path, closed_when_bit_set=False)
    result = kiosk("locker", "commission", "--config", str(fixed), "--yes")
    assert result.returncode == 0, result.stdout
    assert "all 16 doors read shut. OK." in result.stdout


def test_locker_open_asks_the_running_terminal_and_is_audited(write_config, board_sim, tmp_path):
    config_path = locker_config(write_config, board_sim, tmp_path)
    config = load_config(config_path)
    store = open_store(config.store.path)
    terminal = build_terminal(config, store)
    terminal.start()
    admin = terminal.admin_server()
    admin.start()
    try:
        assert terminal.locker.ready.wait(10)
        result = kiosk("locker", "open", "4", "--config", str(config_path))
        assert result.returncode == 0, result.stderr
        assert "compartment 4 is opening" in result.stdout
        deadline = time.monotonic() + 5
        while not board_sim.door(0, 4).open:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        with store.reading() as db:
            actors = {r[0] for r in db.execute(
                "SELECT actor FROM audit_log WHERE action = 'locker.maintenance.requested'")}
        assert actors == {f"cli:{__import__('getpass').getuser()}"}
        refused = kiosk("locker", "open", "99", "--config", str(config_path))
        assert refused.returncode == 1
        assert "no compartment 99" in refused.stderr
    finally:
        admin.stop()
        terminal.stop()
        store.close()


def test_locker_open_without_a_running_terminal(write_config, board_sim, tmp_path):
    result = kiosk("locker", "open", "1", "--config",
                   str(locker_config(write_config, board_sim, tmp_path)))
    assert result.returncode == 1
    assert "is the terminal running" in result.stderr


def test_hash_pin_makes_a_hash_that_signs_in(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kiosk", "staff", "hash-pin", "--stdin"],
                            cwd=REPO, input="4321\n", capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    from kiosk.services.staff import pin_matches

    digest = json.loads(result.stdout)
    assert pin_matches("4321", digest)
    assert not pin_matches("1234", digest)
    short = subprocess.run([sys.executable, "-m", "kiosk", "staff", "hash-pin", "--stdin"],
                           cwd=REPO, input="12\n", capture_output=True, text=True, timeout=60)
    assert short.returncode == 2
