"""Reading ID cards never writes a name, an ID number or an address to any log."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from devices.idcard.port import CardLeft, CardRead, ReadFailed
from devices.traffic import TRAFFIC

NAME = "张三"
ID_NUMBER = "110101198506151230"
ADDRESS_PART = "示例路"


def forbidden() -> list[str]:
    """The card's personal fields as text and as the bytes on the wire, in hex."""
    found = [NAME, ID_NUMBER, ADDRESS_PART]
    for value in (NAME, ID_NUMBER[:6], ID_NUMBER[-6:], ADDRESS_PART):
        raw = value.encode("utf-16-le")
        found += [raw.hex(" "), raw.hex(), raw.hex(" ").upper(), raw.hex().upper()]
    return found


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()}")


@pytest.fixture
def every_log_line() -> Iterator[Collect]:
    """The traffic log enabled at DEBUG, as logging.device_traffic = true does, plus every
    other devices.* logger at DEBUG, all collected."""
    handler = Collect()
    saved = (TRAFFIC.level, TRAFFIC.propagate)
    devices = logging.getLogger("devices")
    saved_devices = devices.level
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
    devices.setLevel(saved_devices)


def assert_clean(lines: list[str]) -> None:
    text = "\n".join(lines)
    for value in forbidden():
        if value:
            assert value not in text, f"{value!r} reached the log"


def test_a_card_read_logs_headers_only(idcard_rig, every_log_line):
    rig = idcard_rig()
    rig.sim.place("zhang_san")
    event = rig.next_event()
    assert isinstance(event, CardRead)
    assert event.text.name == NAME           # the data did arrive
    assert isinstance(rig.next_event(), CardLeft)
    lines = every_log_line.lines
    withheld = [line for line in lines if "withheld" in line]
    assert withheld, "the traffic log was not active"
    assert "aa aa aa 96 69 05 08 00 00 90 <1295 bytes: text and photo withheld>" in withheld[0]
    # Requests and the short replies are there in full.
    assert any("> aa aa aa 96 69 00 03 30 01 32" in line for line in lines)
    assert any("< aa aa aa 96 69 00 08 00 00 9f 00 00 00 00 97" in line for line in lines)
    assert_clean(lines)


def test_damaged_reads_log_no_personal_data(idcard_rig, every_log_line):
    rig = idcard_rig()
    rig.sim.corrupt_next_reply("read")
    rig.sim.place("zhang_san")
    assert rig.next_event().code == "checksum"
    assert isinstance(rig.next_event(), CardLeft)
    rig.sim.remove()
    rig.sim.truncate_next_reply("read")
    rig.sim.place("zhang_san")
    failed = rig.next_event()
    assert isinstance(failed, ReadFailed)
    assert failed.code == "truncated"
    assert_clean([*every_log_line.lines, failed.reason])
    assert any("damaged reply: withheld" in line for line in every_log_line.lines)
    assert any("reply cut short: withheld" in line for line in every_log_line.lines)
