"""The PC/SC adapter against pcscd with a virtual card behind the vpcd driver."""

from __future__ import annotations

import queue
import time

import pytest

from devices.health import DeviceState
from devices.smartcard.pcsc_reader import PcscCardReader
from devices.smartcard.port import CardPresented, CardRemoved
from devices.smartcard.simulator import SmartcardSimulator
from tests.fixtures.pcsc import vpcd_reader_name, wait_for_empty_reader


def wait_for_state(reader, state, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while reader.health.current.state is not state:
        assert time.monotonic() < deadline, f"still {reader.health.current}"
        time.sleep(0.05)


@pytest.fixture
def reader_and_card(vpcd):
    wait_for_empty_reader(vpcd_reader_name(0))
    simulator = SmartcardSimulator(vpcd.port)
    reader = PcscCardReader(vpcd_reader_name(0))
    events: queue.Queue = queue.Queue()
    reader.on_card(events.put)
    reader.start()
    wait_for_state(reader, DeviceState.READY)
    yield simulator, reader, events
    reader.stop()
    simulator.stop()


def test_badge_uid_is_read_when_presented(reader_and_card):
    simulator, _, events = reader_and_card
    simulator.perform("badge", {"uid": "04A1B2C3D4E5F6"})
    event = events.get(timeout=5)
    assert isinstance(event, CardPresented)
    assert event.uid == bytes.fromhex("04A1B2C3D4E5F6")
    assert (event.kind, event.social_security, event.error) == ("badge", None, "")
    assert event.reader == vpcd_reader_name(0)
    assert simulator.slot.apdus_seen >= 1


def test_removal_is_noticed(reader_and_card):
    simulator, _, events = reader_and_card
    simulator.perform("badge", {"uid": "04112233445566"})
    assert isinstance(events.get(timeout=5), CardPresented)
    simulator.perform("remove", {})
    assert isinstance(events.get(timeout=5), CardRemoved)


def test_a_missing_reader_is_absent_with_its_name(vpcd):
    reader = PcscCardReader("Reader That Is Not There")
    reader.start()
    try:
        wait_for_state(reader, DeviceState.ABSENT)
        assert "no card reader matching 'Reader That Is Not There'" in reader.health.current.detail
    finally:
        reader.stop()


def test_reader_survives_a_pcscd_restart(reader_and_card, vpcd):
    if not vpcd.started_here:
        pytest.fail("this test restarts pcscd and needs the private one the fixture starts; "
                    "stop the system pcscd (systemctl stop pcscd.socket pcscd)")
    simulator, reader, events = reader_and_card
    vpcd.stop()
    wait_for_state(reader, DeviceState.ABSENT)
    vpcd.start()
    wait_for_state(reader, DeviceState.READY, timeout_s=15)
    simulator.perform("badge", {"uid": "04A1B2C3D4E5F6"})
    event = events.get(timeout=5)
    while isinstance(event, CardRemoved):
        event = events.get(timeout=5)
    assert event.uid == bytes.fromhex("04A1B2C3D4E5F6")
