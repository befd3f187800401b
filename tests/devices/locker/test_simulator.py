"""The lock-board simulator itself: its model, its actions for the panel, its wire."""

from __future__ import annotations

import time

import pytest
import serial

from devices.locker.port import BoardConfig
from devices.locker.simulator import LockerBusSimulator
from devices.sim.simulator import Simulator, UnknownAction


def h(text: str) -> bytes:
    return bytes.fromhex(text)


CU16_BOARDS = (BoardConfig(0, 16, item_sensor=True), BoardConfig(1, 8))


@pytest.fixture
def simulator(tmp_path):
    made = []

    def make(protocol="kerong-cu16", boards=CU16_BOARDS):
        sim = LockerBusSimulator(tmp_path / f"locker{len(made)}", protocol, boards)
        sim.start()
        made.append(sim)
        return sim

    yield make
    for sim in made:
        sim.stop()


def ask(sim, frame: str, size: int, baud: int = 19200, timeout_s: float = 1.0) -> bytes:
    with serial.Serial(sim.path, baud, timeout=timeout_s) as port:
        port.write(h(frame))
        return port.read(size)


def test_it_is_a_simulator_for_the_host_and_panel(simulator):
    sim: Simulator = simulator()
    names = [a.name for a in sim.actions()]
    assert names == ["close_door", "put_item", "take_item", "force_open", "jam",
                     "silence_board", "unplug_board", "corrupt", "noise", "clear_faults",
                     "unplug", "plug"]
    assert all(len(a.label) <= 30 for a in sim.actions())
    # Closing, filling and emptying apply to the doors that stand open.
    assert sim.actions()[0].presets == ()
    sim.force_open(0, 2)
    assert [a.presets for a in sim.actions()[:3]] == [("0/2",)] * 3
    assert sim.actions()[3].presets == ("0/1", "0/2", "0/3")
    with pytest.raises(UnknownAction, match="has no action 'explode'"):
        sim.perform("explode", {})


def test_door_actions_take_door_or_board_and_lock(simulator):
    sim = simulator()
    assert sim.perform("force_open", {"door": "1/3"}) == "door 1/3 forced open"
    assert sim.perform("put_item", {"board": "1", "lock": "3"}) == "door 1/3 now holds a document"
    assert sim.door(1, 3).open
    assert sim.door(1, 3).item
    assert sim.perform("close_door", {"door": "1/3"}) == "door 1/3 closed"
    assert sim.status().detail["boards"]["1"] == {"open": [], "items": [3]}
    with pytest.raises(ValueError, match="door 0/2 is shut: open it first"):
        sim.perform("put_item", {"door": "0/2"})
    with pytest.raises(ValueError, match="BOARD/LOCK"):
        sim.perform("jam", {"door": "3"})
    with pytest.raises(ValueError, match="board 1 has locks 1-8, not 9"):
        sim.perform("jam", {"door": "1/9"})


def test_faults_show_in_the_status_and_clear(simulator):
    sim = simulator()
    sim.perform("jam", {"door": "0/2"})
    sim.perform("silence_board", {"board": "1"})
    sim.perform("corrupt", {"count": "3"})
    sim.perform("noise", {})
    assert sim.status().faults == ["next 3 replies corrupted", "noise before each reply",
                                   "lock 0/2 jammed", "board 1 not answering"]
    sim.perform("clear_faults", {})
    assert sim.status().faults == []
    sim.perform("unplug", {})
    assert not sim.status().plugged
    sim.perform("plug", {})
    assert sim.status().plugged


def test_a_status_request_gets_the_spec_reply(simulator):
    sim = simulator()
    sim.set_door(0, 1, open=True, item=True)
    # Lock 1 open, the others shut (bit set), an item behind door 1.
    assert ask(sim, "02 00 30 03 35", 9) == h("02 00 35 FE FF 01 00 03 38")
    assert [f.direction for f in sim.traffic] == ["request", "reply"]
    assert sim.traffic[0].data == h("02 00 30 03 35")


def test_all_boards_answer_0x32_in_address_order(simulator):
    sim = simulator()
    assert ask(sim, "02 F0 32 03 27", 18) == h("02 00 36 FF FF 00 00 03 39"
                                               "02 10 36 FF 00 00 00 03 4A")


def test_unlock_time_is_kept_and_reported(simulator):
    sim = simulator()
    assert ask(sim, "02 00 37 03 3C", 9) == h("02 00 38 FF FF 00 37 03 72")
    # The spec shows no reply to a "set".
    assert ask(sim, "02 00 37 00 64 03 A0", 9, timeout_s=0.2) == b""
    assert ask(sim, "02 00 37 03 3C", 9)[5:7] == h("00 64")


def test_a_request_with_a_bad_checksum_is_ignored(simulator):
    sim = simulator()
    assert ask(sim, "02 10 30 03 3E", 9, timeout_s=0.2) == b""
    assert "02 10 30 03 3e" in sim.rejected[0]


def test_an_unlock_pulse_springs_the_door_open_after_the_delay(simulator):
    sim = simulator()
    sim.open_delay_s = 0.2
    ask(sim, "02 02 31 03 38", 0)
    sim.wait_for_request(lambda f: f.data == h("02 02 31 03 38"))
    assert not sim.door(0, 3).open
    assert not sim.door(0, 3).latched
    time.sleep(0.25)
    door = sim.door(0, 3)
    assert door.open
    assert door.pulses == 1


def test_an_8a_board_answers_query_all_with_more_bytes_than_it_has_locks(simulator):
    sim = simulator("generic-8a", (BoardConfig(1, 8),))
    sim.force_open(1, 2)
    assert ask(sim, "80 01 00 33 B2", 7, 9600) == h("80 01 00 00 FD 33 4F")
    sim.set_status_locks(1, 8)
    assert ask(sim, "80 01 00 33 B2", 5, 9600) == h("80 01 FD 33 4F")
    assert ask(sim, "80 01 02 33 B0", 5, 9600) == h("80 01 02 00 83")   # door 2 reads 00


def test_noise_comes_before_the_reply(simulator):
    sim = simulator("generic-8a", (BoardConfig(1, 8),))
    sim.send_noise()
    assert ask(sim, "8A 01 01 11 9B", 9, 9600) == h("FA FD 99 99 8A 01 01 00 8A")
