"""`kiosk doctor idcard`'s read_one_card against the simulator."""

from __future__ import annotations

import pytest

from devices.errors import DeviceNotFound, DeviceTimeout
from devices.idcard.sam_reader import SamIdCardReader
from devices.idcard.sam_status import SamFault, SelectFailed
from devices.idcard.simulator import IdCardReaderSimulator
from devices.serial_link import PortInUse
from kiosk.cli.doctor.idcard import read_one_card
from tests.waiting import wait_until


@pytest.fixture
def sim(tmp_path):
    simulator = IdCardReaderSimulator(tmp_path / "dev" / "idcard")
    simulator.start()
    yield simulator
    simulator.stop()


def test_reads_the_card_on_the_reader(sim):
    sim.place("li_si")
    card = read_one_card(sim.path, 115200, timeout_s=2)
    assert card.text.name == "李四"
    assert card.text.valid_to is None
    assert card.raw_length == 1295


def test_no_card_within_the_timeout(sim):
    with pytest.raises(DeviceTimeout, match=r"no card on the ID-card reader on .* within 0\.3 s"):
        read_one_card(sim.path, 115200, timeout_s=0.3)


def test_missing_port(tmp_path):
    with pytest.raises(DeviceNotFound, match="does not exist: is the ID-card reader plugged in"):
        read_one_card(str(tmp_path / "nothing"), 115200, timeout_s=1)


def test_port_in_use_by_the_terminal(sim):
    reader = SamIdCardReader(sim.path)
    reader.start()
    try:
        wait_until(lambda: reader.sam_id is not None)
        with pytest.raises(PortInUse, match=r"in use by another program.*stop it"):
            read_one_card(sim.path, 115200, timeout_s=1)
    finally:
        reader.stop()


def test_a_silent_reader(sim):
    sim.silence()
    with pytest.raises(DeviceTimeout, match=r"does not answer read SAM id .* at 115200 baud"):
        read_one_card(sim.path, 115200, timeout_s=1)


def test_sw3_failures_are_named(sim):
    sim.place("zhang_san")
    sim.fail_next_select(5)
    with pytest.raises(SelectFailed, match="SW3 81"):
        read_one_card(sim.path, 115200, timeout_s=1)
    sim.set_sam_fault(0x66)
    with pytest.raises(SamFault, match=r"not authorised .*SW3 66"):
        read_one_card(sim.path, 115200, timeout_s=1)
