"""`kiosk doctor` checks the locker's boards and the ID-card reader, each in one line,
against their simulators on pseudo-terminals, with and without a running terminal."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devices.idcard.simulator import IdCardReaderSimulator
from devices.locker.port import BoardConfig
from devices.locker.simulator import LockerBusSimulator
from kiosk.app.terminal import build_terminal
from kiosk.config import load_config
from kiosk.store import open_store

REPO = Path(__file__).resolve().parents[2]
CENTER_PUBLIC = "ndp5TjOlRYidWNIwAS17cTcY7hO2zmQaunE4tt3As1E="


def doctor(config: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", "doctor", "--config", str(config),
                           *extra], cwd=REPO, capture_output=True, text=True, timeout=60)


def line_for(output: str, name: str) -> str:
    """The doctor's one line about ``name``: STATUS, the name, what was found."""
    found = [line for line in output.splitlines() if line[6:].split(" ", 1)[0] == name]
    assert len(found) == 1, output
    return found[0]


@pytest.fixture
def boards(tmp_path):
    simulator = LockerBusSimulator(tmp_path / "dev" / "locker", "kerong-cu16",
                                   (BoardConfig(address=0, locks=16, item_sensor=True),
                                    BoardConfig(address=1, locks=16, item_sensor=True)))
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture
def id_reader(tmp_path):
    simulator = IdCardReaderSimulator(tmp_path / "dev" / "idcard")
    simulator.start()
    yield simulator
    simulator.stop()


def locker_changes(port: str, tmp_path: Path) -> dict:
    return {
        "locker": {
            "enabled": True,
            "buses": {"main": {"protocol": "kerong-cu16", "port": port,
                               "boards": [{"address": 0, "locks": 16, "item_sensor": True},
                                          {"address": 1, "locks": 16, "item_sensor": True}]}},
            "compartments": [
                {"first_number": 1, "count": 16, "bus": "main", "board": 0, "size": "S"},
                {"first_number": 17, "count": 16, "bus": "main", "board": 1, "size": "M"}],
        },
        "security": {"center_public_key": CENTER_PUBLIC, "key_file": str(tmp_path / "key")},
    }


def locker_config(write_config, port: str, tmp_path: Path) -> Path:
    return write_config(locker_changes(port, tmp_path))


def test_every_board_answering_is_one_ok_line(write_config, boards, tmp_path):
    result = doctor(locker_config(write_config, boards.path, tmp_path))
    assert result.returncode == 0, result.stdout
    assert line_for(result.stdout, "locker") == (
        f"OK    locker       bus main: boards 0, 1 answer on {boards.path}")
    # Asked on the wire: a status request to each board.
    assert len(boards.requests()) >= 2


def test_a_board_that_does_not_answer_fails_naming_it(write_config, boards, tmp_path):
    boards.silence(1)
    result = doctor(locker_config(write_config, boards.path, tmp_path))
    assert result.returncode == 1
    line = line_for(result.stdout, "locker")
    assert line.startswith("FAIL  locker       bus main: board 1 on ")
    assert "did not answer" in line
    assert line.endswith("; board 0 answers")


def test_a_missing_locker_port_fails_once_for_the_bus(write_config, tmp_path):
    missing = tmp_path / "dev" / "ttyUSB7"
    result = doctor(locker_config(write_config, str(missing), tmp_path))
    assert result.returncode == 1
    line = line_for(result.stdout, "locker")
    assert line.startswith(f"FAIL  locker       bus main: {missing} does not exist")
    assert line.count(str(missing)) == 1


def test_the_running_terminal_is_asked_instead_of_the_line(write_config, boards, tmp_path):
    config_path = locker_config(write_config, boards.path, tmp_path)
    config = load_config(config_path)
    store = open_store(config.store.path)
    terminal = build_terminal(config, store)
    terminal.start()
    admin = terminal.admin_server()
    admin.start()
    try:
        assert terminal.locker.ready.wait(10)
        result = doctor(config_path)
        assert result.returncode == 0, result.stdout
        assert line_for(result.stdout, "locker") == (
            "OK    locker       bus main: boards 0, 1 answer (as the running terminal sees it)")

        boards.silence(1)
        deadline = time.monotonic() + 10
        while not any(a.kind == "board_offline" for a in terminal.active_alarms()):
            assert time.monotonic() < deadline, "the terminal never noticed board 1"
            time.sleep(0.1)
        result = doctor(config_path)
        assert result.returncode == 1
        line = line_for(result.stdout, "locker")
        assert line.startswith("FAIL  locker       bus main: board 1 does not answer (")
        assert line.endswith("as the running terminal sees it; board 0 answers")
    finally:
        admin.stop()
        terminal.stop()
        store.close()


def id_card_config(write_config, port: str) -> Path:
    return write_config({"devices": {"id_card": {"driver": "sam", "port": port}}})


def test_an_answering_id_card_reader_is_ok_with_its_sam_id(write_config, id_reader):
    result = doctor(id_card_config(write_config, id_reader.path))
    assert result.returncode == 0, result.stdout
    line = line_for(result.stdout, "id_card")
    assert line.startswith(f"OK    id_card      the reader on {id_reader.path} answers (SAM ")
    assert id_reader.requests_received >= 1


def test_no_id_card_reader_fails(write_config, tmp_path):
    missing = tmp_path / "dev" / "ttyUSB3"
    result = doctor(id_card_config(write_config, str(missing)))
    assert result.returncode == 1
    assert line_for(result.stdout, "id_card").startswith(
        f"FAIL  id_card      {missing} does not exist: is the ID-card reader plugged in")


def test_a_silent_id_card_reader_fails(write_config, id_reader):
    id_reader.silence()
    result = doctor(id_card_config(write_config, id_reader.path))
    assert result.returncode == 1
    assert line_for(result.stdout, "id_card").startswith(
        f"FAIL  id_card      the ID-card reader on {id_reader.path} does not answer read SAM "
        "id (12 FF) at 115200 baud")


def test_json_lists_the_device_checks_like_the_others(write_config, boards, id_reader,
                                                      tmp_path):
    config = write_config({**locker_changes(boards.path, tmp_path),
                           "devices": {"id_card": {"driver": "sam", "port": id_reader.path}}})
    result = doctor(config, "--json")
    assert result.returncode == 0, result.stdout
    checks = json.loads(result.stdout)["checks"]
    assert all(set(check) == {"name", "status", "detail"} for check in checks)
    assert [check["name"] for check in checks][-5:] == [
        "smartcard", "id_card", "printer", "locker", "mqtt"]
    by_name = {check["name"]: check for check in checks}
    assert by_name["locker"] == {"name": "locker", "status": "ok",
                                 "detail": f"bus main: boards 0, 1 answer on {boards.path}"}
    assert by_name["id_card"]["status"] == "ok"
    assert by_name["smartcard"] == {"name": "smartcard", "status": "ok",
                                    "detail": "not fitted (driver = none)"}
