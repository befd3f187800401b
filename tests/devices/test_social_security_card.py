"""社会保障卡 through the PC/SC adapter: pcscd with a virtual T=0 card behind vpcd."""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Iterator
from datetime import date

import pytest
from smartcard import scard

from devices.errors import DeviceNotFound, DeviceTimeout
from devices.health import DeviceState
from devices.sim.pcscd import list_readers
from devices.smartcard import pcsc_reader
from devices.smartcard.pcsc_reader import PcscCardReader, _CardGone, _Channel, read_uid
from devices.smartcard.port import CardPresented, CardRemoved
from devices.smartcard.simulator import SmartcardSimulator
from devices.smartcard.virtual_cards import (
    SOCIAL_SECURITY_ATR,
    SocialSecurityCardApplet,
    StaffBadge,
)
from devices.traffic import TRAFFIC
from kiosk.cli.doctor.smartcard import read_one
from tests.fixtures.pcsc import vpcd_reader_name, wait_for_empty_reader

READER = vpcd_reader_name(0)
NAME, ID_NUMBER, CARD_NUMBER = "张三", "110101198506151230", "SIM000123"


def wait_for_state(reader, state, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while reader.health.current.state is not state:
        assert time.monotonic() < deadline, f"still {reader.health.current}"
        time.sleep(0.05)


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def adapter_lines(self) -> list[str]:
        """What the adapter logged. The vpcd simulator's own traffic lines ("vpcd:PORT")
        are the virtual card's side of the wire, logged by devices/sim/vpcd.py; they are
        left out here (and do not exist on a terminal, which has no vpcd)."""
        return [record.getMessage() for record in self.records
                if not (record.name == "devices.traffic" and str(record.args[0]).startswith(
                    "vpcd:"))]


@pytest.fixture
def logs() -> Iterator[Collect]:
    """The traffic log enabled at DEBUG, as logging.device_traffic = true does, and every
    devices.* logger at DEBUG, all collected."""
    handler = Collect()
    devices = logging.getLogger("devices")
    saved = (TRAFFIC.level, TRAFFIC.propagate, devices.level)
    TRAFFIC.setLevel(logging.DEBUG)
    TRAFFIC.propagate = False
    TRAFFIC.addHandler(handler)
    devices.setLevel(logging.DEBUG)
    devices.addHandler(handler)
    yield handler
    TRAFFIC.removeHandler(handler)
    devices.removeHandler(handler)
    TRAFFIC.setLevel(saved[0])
    TRAFFIC.propagate = saved[1]
    devices.setLevel(saved[2])


@pytest.fixture
def reader_and_card(vpcd):
    wait_for_empty_reader(READER)
    simulator = SmartcardSimulator(vpcd.port)
    reader = PcscCardReader(READER)
    events: queue.Queue = queue.Queue()
    reader.on_card(events.put)
    reader.start()
    wait_for_state(reader, DeviceState.READY)
    yield simulator, reader, events
    reader.stop()
    simulator.stop()


def presented(events: queue.Queue) -> CardPresented:
    event = events.get(timeout=5)
    while isinstance(event, CardRemoved):
        event = events.get(timeout=5)
    return event


def test_social_security_card_is_read(reader_and_card, logs):
    simulator, _, events = reader_and_card
    simulator.insert_social_security("zhang_san")
    event = presented(events)
    assert (event.kind, event.error, event.uid) == ("social_security", "", None)
    assert event.atr == SOCIAL_SECURITY_ATR
    card = event.social_security
    assert card is not None
    assert (card.name, card.id_number, card.card_number) == (NAME, ID_NUMBER, CARD_NUMBER)
    assert (card.sex, card.birth) == ("1", date(1985, 6, 15))
    assert (card.version, card.region) == ("3.00", "110100")
    shown = repr(event)
    for value in (NAME, ID_NUMBER, CARD_NUMBER):
        assert value not in shown


def test_t0_61xx_and_6cxx_are_handled_by_the_adapter(reader_and_card, logs):
    simulator, _, events = reader_and_card
    simulator.insert_social_security("zhang_san")
    assert presented(events).kind == "social_security"
    lines = [line for line in logs.adapter_lines() if line.startswith("smartcard ")]
    # SELECT SSSE without Le: the card has an FCI to give (61 13), fetched by GET RESPONSE.
    select = "smartcard > 00 a4 04 00 0f 73 78 31 2e 73 68 2e c9 e7 bb e1 b1 a3 d5 cf"
    at = lines.index(select)
    assert lines[at + 1] == "smartcard < 61 13"
    assert lines[at + 2] == "smartcard > 00 c0 00 00 13"
    assert lines[at + 3].endswith("90 00")
    # The name record is shorter than the usual Le 0x20: 6C 06, asked again with Le 06.
    at = lines.index("smartcard > 00 b2 09 00 20")
    assert lines[at + 1] == "smartcard < 6c 06"
    assert lines[at + 2] == "smartcard > 00 b2 09 00 06"
    assert lines[at + 3] == "smartcard < <6 bytes withheld> 90 00"


def test_t0_get_response_chains_when_asked_for_less():
    card = SocialSecurityCardApplet()
    aid = "sx1.sh.社会保障".encode("gbk")
    assert card.respond(bytes([0, 0xA4, 4, 0, len(aid)]) + aid) == b"\x61\x13"
    first = card.respond(bytes.fromhex("00 C0 00 00 10"))
    assert first[-2:] == b"\x61\x03"
    assert card.respond(bytes.fromhex("00 C0 00 00 05")) == b"\x6c\x03"
    assert card.respond(bytes.fromhex("00 C0 00 00 03"))[-2:] == b"\x90\x00"


def test_a_second_generation_card(reader_and_card):
    simulator, _, events = reader_and_card
    simulator.perform("social_security", {"holder": "li_si"})
    card = presented(events).social_security
    assert (card.name, card.sex, card.version) == ("李四", "2", "2.00")
    assert card.birth == date(1952, 11, 2)


def test_a_card_that_wants_a_pin_is_reported_without_personal_data(reader_and_card):
    simulator, _, events = reader_and_card
    simulator.perform("social_security_pin", {})
    event = presented(events)
    assert (event.kind, event.social_security) == ("social_security", None)
    assert "asks for a PIN" in event.error
    assert "SW 6982" in event.error
    for value in (NAME, ID_NUMBER, CARD_NUMBER):
        assert value not in event.error


def test_badge_still_works(reader_and_card):
    simulator, _, events = reader_and_card
    simulator.perform("badge", {"uid": "04A1B2C3D4E5F6"})
    event = presented(events)
    assert (event.kind, event.uid, event.error) == ("badge", bytes.fromhex("04A1B2C3D4E5F6"), "")
    assert event.social_security is None


def test_a_card_of_another_kind_is_unknown(reader_and_card):
    simulator, _, events = reader_and_card
    simulator.perform("blank_card", {})
    event = presented(events)
    assert (event.kind, event.uid, event.social_security, event.error) == (
        "unknown", None, None, "")
    simulator.perform("remove", {})
    assert isinstance(events.get(timeout=5), CardRemoved)


def test_no_personal_data_in_logs(reader_and_card, logs):
    simulator, _, events = reader_and_card
    simulator.insert_social_security("zhang_san")
    assert presented(events).social_security.name == NAME
    simulator.remove()
    simulator.insert_social_security(pin_required=True)
    assert presented(events).error
    lines = logs.adapter_lines()
    assert any("withheld" in line for line in lines), "the traffic log was not active"
    text = "\n".join(lines)
    for value in (NAME, ID_NUMBER, CARD_NUMBER, "19850615"):
        raw = value.encode("gbk")
        for shown in (value, raw.hex(" "), raw.hex(), raw.hex(" ").upper()):
            assert shown not in text, f"{value!r} reached the log as {shown!r}"
    assert "19 85 06 15" not in text                    # the birth date in BCD


def test_doctor_reads_the_card_in_the_reader(vpcd):
    wait_for_empty_reader(READER)
    simulator = SmartcardSimulator(vpcd.port)
    try:
        simulator.insert_social_security()
        event = read_one(READER, timeout_s=5)
        assert event.kind == "social_security"
        assert event.social_security.name == NAME
        simulator.remove()
        wait_for_empty_reader(READER)
        simulator.insert(StaffBadge(bytes.fromhex("04112233445566")))
        assert read_one("Virtual PCD", timeout_s=5).uid == bytes.fromhex("04112233445566")
    finally:
        simulator.stop()


def test_doctor_errors_say_what_to_do(vpcd):
    wait_for_empty_reader(READER)
    with pytest.raises(DeviceTimeout, match=r"no card in Virtual PCD 00 00 within 0\.3 s"):
        read_one(READER, timeout_s=0.3)
    with pytest.raises(DeviceNotFound, match=r"no card reader matching 'Nope'; pcscd sees: "
                                             r"Virtual PCD 00 00"):
        read_one("Nope", timeout_s=1)


def test_a_reader_that_disappears_and_comes_back(reader_and_card, vpcd):
    """vpcd's readers are configured, not hot-plugged, so the reader is taken away by
    running pcscd without it for a while, then with it again."""
    if not vpcd.started_here:
        pytest.fail("this test restarts pcscd and needs the private one the fixture starts; "
                    "stop the system pcscd (systemctl stop pcscd.socket pcscd)")
    simulator, reader, events = reader_and_card
    simulator.insert_social_security()
    assert presented(events).kind == "social_security"
    vpcd.stop()
    # The same private pcscd, on the same socket, without its vpcd reader.
    vpcd.start(with_reader=False)
    try:
        deadline = time.monotonic() + 10
        while list_readers() is None:
            assert time.monotonic() < deadline, "pcscd without readers did not start"
            time.sleep(0.05)
        assert isinstance(events.get(timeout=5), CardRemoved)
        wait_for_state(reader, DeviceState.ABSENT)
        deadline = time.monotonic() + 10
        while "no card reader matching" not in reader.health.current.detail:
            assert time.monotonic() < deadline, f"still {reader.health.current}"
            time.sleep(0.05)
    finally:
        vpcd.stop()
    simulator.remove()
    vpcd.start()
    wait_for_state(reader, DeviceState.READY, timeout_s=15)
    simulator.insert_social_security("li_si")
    assert presented(events).social_security.name == "李四"


# T=0's procedure bytes, without pcscd: a card whose answers are scripted.

class ScriptedCard:
    def __init__(self, answers: dict[bytes, bytes]) -> None:
        self.answers = answers
        self.seen: list[bytes] = []

    def transmit(self, card, protocol, apdu):
        command = bytes(apdu)
        self.seen.append(command)
        return scard.SCARD_S_SUCCESS, list(self.answers.get(command, b"\x6d\x00"))


def scripted(monkeypatch, answers: dict[str, str]) -> tuple[ScriptedCard, _Channel]:
    card = ScriptedCard({bytes.fromhex(k): bytes.fromhex(v) for k, v in answers.items()})
    monkeypatch.setattr(pcsc_reader.scard, "SCardTransmit", card.transmit)
    return card, _Channel(1, scard.SCARD_PROTOCOL_T0, "smartcard")


def test_get_response_chains_until_90_00(monkeypatch):
    card, channel = scripted(monkeypatch, {
        "FF CA 00 00 00": "61 08",
        "00 C0 00 00 08": "01 02 03 04 61 04",     # a card that hands out 4 bytes at a time
        "00 C0 00 00 04": "05 06 07 08 90 00",
    })
    assert read_uid(channel) == bytes(range(1, 9))
    assert len(card.seen) == 3


def test_6c_adds_le_to_a_command_without_one(monkeypatch):
    card, channel = scripted(monkeypatch, {
        "00 A4 02 00 02 EF 05": "6C 02",
        "00 A4 02 00 02 EF 05 02": "AA BB 90 00",
    })
    assert channel.transmit(bytes.fromhex("00 A4 02 00 02 EF 05")) == (b"\xaa\xbb", 0x9000)
    assert card.seen[-1] == bytes.fromhex("00 A4 02 00 02 EF 05 02")


def test_a_card_that_never_finishes_answering_is_unknown_not_a_hang(monkeypatch):
    card, channel = scripted(monkeypatch, {"FF CA 00 00 00": "6C 00"})
    # "Send it again with Le 00", again and again: given up after MAX_T0_ROUNDS.
    with pytest.raises(_CardGone, match="kept answering 61xx/6Cxx"):
        read_uid(channel)
    assert len(card.seen) == pcsc_reader.MAX_T0_ROUNDS
