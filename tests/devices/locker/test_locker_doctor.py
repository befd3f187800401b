"""`kiosk doctor locker`'s probe against the lock-board simulator."""

from __future__ import annotations

import pytest

from devices.errors import DeviceNotFound, DeviceTimeout, ProtocolError
from devices.locker.port import BoardConfig
from devices.locker.serial_bus import SerialLockerBus
from devices.locker.simulator import LockerBusSimulator
from devices.serial_link import PortInUse
from kiosk.cli.doctor.locker import probe_board
from tests.waiting import wait_until


@pytest.fixture
def simulator(tmp_path):
    made = []

    def make(protocol, boards):
        sim = LockerBusSimulator(tmp_path / f"locker{len(made)}", protocol, boards)
        sim.start()
        made.append(sim)
        return sim

    yield make
    for sim in made:
        sim.stop()


def test_a_cu16_board_with_its_items(simulator):
    sim = simulator("kerong-cu16", (BoardConfig(2, 16, item_sensor=True),))
    sim.force_open(2, 4)
    sim.put_item(2, 4)
    sim.set_door(2, 9, item=True)
    doors = probe_board(sim.path, "kerong-cu16", 2, 19200)
    assert len(doors) == 16
    assert doors[3] == {"door": 4, "open": True, "item": True}
    assert doors[8] == {"door": 9, "open": False, "item": True}
    assert doors[0] == {"door": 1, "open": False, "item": False}
    assert sim.requests()[0].data == bytes.fromhex("02 20 30 03 55")


def test_a_cu48_board_limited_to_its_locks(simulator):
    sim = simulator("kerong-cu48", (BoardConfig(3, 24),))
    sim.force_open(3, 24)
    doors = probe_board(sim.path, "kerong-cu48", 3, 19200, locks=24)
    assert [d["door"] for d in doors if d["open"]] == [24]
    assert len(doors) == 24
    assert {d["item"] for d in doors} == {None}


def test_a_generic_board_lists_every_channel_it_reports(simulator):
    sim = simulator("generic-8a", (BoardConfig(1, 8),))
    sim.force_open(1, 8)
    doors = probe_board(sim.path, "generic-8a", 1, 9600)
    # An 8-lock board answers for 24 channels; unwired channels read open.
    assert len(doors) == 24
    assert [d["door"] for d in doors[:8] if d["open"]] == [8]


def test_the_spec_polarity_is_used_whatever_the_wiring(simulator):
    sim = simulator("kerong-cu16", (BoardConfig(0, 16, closed_when_bit_set=False),))
    doors = probe_board(sim.path, "kerong-cu16", 0, 19200)
    assert all(d["open"] for d in doors)      # all shut, read with the default polarity


def test_a_missing_port(tmp_path):
    with pytest.raises(DeviceNotFound, match=r"does not exist: is the USB RS485 adapter"):
        probe_board(str(tmp_path / "ttyUSB9"), "kerong-cu16", 0, 19200)


def test_no_reply_names_the_board_the_wait_and_the_baud(simulator):
    sim = simulator("kerong-cu16", (BoardConfig(0, 16),))
    with pytest.raises(DeviceTimeout) as caught:
        probe_board(sim.path, "kerong-cu16", 5, 115200)
    message = str(caught.value)
    assert f"board 5 on {sim.path} did not answer status 0x30 within 200 ms (3 tries)" in message
    assert "probed at 115200 baud (kerong-cu16 boards ship set to 19200)" in message
    assert len(sim.requests()) == 3


def test_bad_checksums_name_the_frame(simulator):
    sim = simulator("kerong-cu48", (BoardConfig(0, 48),))
    sim.corrupt_replies(3)
    with pytest.raises(ProtocolError, match=r"checksum .* in frame 02 00 00 65 ff ff ff ff ff ff"):
        probe_board(sim.path, "kerong-cu48", 0, 19200)


def test_a_port_the_terminal_holds_is_not_disturbed(simulator):
    boards = (BoardConfig(0, 16),)
    sim = simulator("kerong-cu16", boards)
    bus = SerialLockerBus("main", sim.path, 19200, "kerong-cu16", boards)
    bus.start()
    try:
        wait_until(lambda: bus.board_online(0), what="the terminal's bus")
        with pytest.raises(PortInUse, match="in use by another program, probably the running "
                                            "terminal: stop it"):
            probe_board(sim.path, "kerong-cu16", 0, 19200)
    finally:
        bus.stop()


@pytest.mark.parametrize(("board", "locks", "message"), [
    (16, None, "addresses are 0-15, not 16"),
    (0, 17, "1-16 locks, not 17"),
])
def test_impossible_arguments(tmp_path, board, locks, message):
    with pytest.raises(ValueError, match=message):
        probe_board(str(tmp_path / "x"), "kerong-cu16", board, 19200, locks)
