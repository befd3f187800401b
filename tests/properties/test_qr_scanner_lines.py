"""QR scanners in serial mode: the line splitting of SerialQrScanner and decode_code.

Codes sent with any terminator arrive whole and in order however the bytes are cut into
reads; a runaway burst (more than MAX_CODE_BYTES without an end) delivers nothing of
itself; decode_code turns any bytes into printable text that encodes back to them, or an
UnreadableCode.
"""

from __future__ import annotations

from collections import deque
from typing import Literal
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import devices.qr.serial_scanner as scanner_module
from devices.errors import DeviceNotFound
from devices.qr.code_text import decode_code
from devices.qr.port import ScannedCode, UnreadableCode
from devices.qr.serial_scanner import MAX_CODE_BYTES, QUIET_END_S, TERMINATORS, SerialQrScanner
from tests.fixtures.clock import FakeClock
from tests.properties.strategies import chunks_of

Terminator = Literal["CR", "LF", "CRLF", "none"]
READ_TIMEOUT_S = 0.05       # SerialLink's read timeout: one empty read is this much quiet
UNPLUG = "unplug"
Event = bytes | float | str  # bytes read, seconds of quiet, or the adapter vanishing


class ScriptedSerial:
    """Stands in for SerialLink under SerialQrScanner._run: plays back reads, quiet and
    unplugging on a scripted clock, then reports the port closed for good."""

    def __init__(self, clock: FakeClock, events: list[Event]) -> None:
        self.clock = clock
        self.events: deque[Event] = deque(events)
        # The line goes quiet at the end, as a scanner's line does between scans.
        self.events.extend([float(READ_TIMEOUT_S)] * 4)

    def ensure_open(self, _stop: object) -> bool:
        return bool(self.events)

    def read(self, size: int) -> bytes:
        event = self.events.popleft()
        if event == UNPLUG:
            raise DeviceNotFound("qr_scanner: /dev/scripted went away")
        if isinstance(event, float):
            self.clock.advance(event)
            return b""
        assert isinstance(event, bytes)
        self.clock.advance(0.001)
        if len(event) > size:
            self.events.appendleft(event[size:])
        return event[:size]

    def close(self) -> None:
        pass


def scanned(terminator: Terminator, events: list[Event]) -> list[bytes]:
    """The raw bytes of every code the scanner delivers for ``events``."""
    scanner = SerialQrScanner("/dev/scripted", 9600, terminator)
    clock = FakeClock(100.0)
    scanner._link = ScriptedSerial(clock, events)  # type: ignore[assignment]
    delivered: list[ScannedCode | UnreadableCode] = []
    scanner.on_scan(delivered.append)
    with mock.patch.object(scanner_module, "time", clock):
        scanner._run()
    for result in delivered:
        assert result == decode_code(result.raw)
    return [result.raw for result in delivered]


def codes_for(terminator: Terminator, max_size: int = 64) -> st.SearchStrategy[bytes]:
    """Codes a scanner can send with ``terminator``: never holding the terminator."""
    end = TERMINATORS[terminator]
    codes = st.binary(min_size=1, max_size=max_size)
    return codes.filter(lambda code: end not in code) if end else codes


@pytest.mark.parametrize("terminator", ["CR", "LF", "CRLF"])
@given(data=st.data())
def test_terminated_codes_arrive_whole_in_any_chunks(
        terminator: Terminator, data: st.DataObject) -> None:
    codes = data.draw(st.lists(codes_for(terminator), min_size=1, max_size=5), label="codes")
    stream = b"".join(code + TERMINATORS[terminator] for code in codes)
    events: list[Event] = []
    for chunk in data.draw(chunks_of(stream), label="chunks"):
        events.append(chunk)
        if data.draw(st.booleans(), label="pause"):
            events.append(float(READ_TIMEOUT_S))
    assert scanned(terminator, events) == codes


@given(data=st.data())
def test_unterminated_codes_arrive_whole_when_the_line_goes_quiet(data: st.DataObject) -> None:
    codes = data.draw(st.lists(codes_for("none"), min_size=1, max_size=4), label="codes")
    events: list[Event] = []
    for code in codes:
        chunks = [chunk for chunk in data.draw(chunks_of(code), label="chunks") if chunk]
        for chunk in chunks[:-1]:
            # One empty read inside a code is a pause shorter than QUIET_END_S.
            events += [chunk, float(READ_TIMEOUT_S)] if data.draw(st.booleans()) else [chunk]
        events += [chunks[-1], QUIET_END_S + READ_TIMEOUT_S]
    assert scanned("none", events) == codes


# With no terminator the runaway is cleared at 4 KiB, but what follows it in the same burst
# is collected as a new code and delivered when the line goes quiet.
@example(terminator="none", burst_size=5000, read_size=512, code=b"NEXT")
# A CRLF split by the 4 KiB clear: its LF made the next code part of the runaway.
@example(terminator="CRLF", burst_size=4607, read_size=512, code=b"\x00")
@given(terminator=st.sampled_from(["CR", "LF", "CRLF", "none"]),
       burst_size=st.integers(MAX_CODE_BYTES + 1, 3 * MAX_CODE_BYTES),
       read_size=st.sampled_from([1, 64, 512, 4097]),
       code=codes_for("CRLF", 32).filter(lambda code: b"\r" not in code and b"\n" not in code))
def test_a_runaway_burst_delivers_nothing_and_the_next_code_arrives(
        terminator: Terminator, burst_size: int, read_size: int, code: bytes) -> None:
    burst = bytes(0x41 + index % 26 for index in range(burst_size))
    end = TERMINATORS[terminator]
    quiet = QUIET_END_S + READ_TIMEOUT_S
    if end:
        stream = burst + end + code + end
        events: list[Event] = [stream[at:at + read_size]
                               for at in range(0, len(stream), read_size)]
    else:
        events = [burst[at:at + read_size] for at in range(0, len(burst), read_size)]
        events += [quiet, code, quiet]
    assert scanned(terminator, events) == [code]


@pytest.mark.parametrize("terminator", ["CR", "LF", "CRLF", "none"])
@given(data=st.data())
def test_any_line_traffic_delivers_only_bounded_codes_and_never_raises(
        terminator: Terminator, data: st.DataObject) -> None:
    reads = st.one_of(st.binary(min_size=1, max_size=600),
                      st.sampled_from([b"\r", b"\n", b"\r\n"]),
                      st.just(bytes(MAX_CODE_BYTES - 1)))
    events = data.draw(st.lists(st.one_of(reads, st.sampled_from([READ_TIMEOUT_S, UNPLUG])),
                                max_size=20), label="events")
    sent = b"".join(event for event in events if isinstance(event, bytes))
    end = TERMINATORS[terminator]
    for raw in scanned(terminator, events):
        assert 0 < len(raw) <= MAX_CODE_BYTES
        assert raw in sent
        assert not end or end not in raw


# --- what the bytes of a code say -----------------------------------------------------

printable_text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1,
                         max_size=60).filter(str.isprintable)


@given(text=printable_text)
def test_utf8_text_decodes_to_itself(text: str) -> None:
    raw = text.encode("utf-8")
    assert decode_code(raw) == ScannedCode(text=text, raw=raw, encoding="utf-8")


@given(text=st.text(st.characters(codec="gb18030", exclude_categories=("Cs",)), min_size=1,
                    max_size=40).filter(str.isprintable))
def test_gb18030_text_decodes_to_itself_unless_it_reads_as_utf8(text: str) -> None:
    raw = text.encode("gb18030")
    code = decode_code(raw)
    assert isinstance(code, ScannedCode)
    if code.encoding == "gb18030":
        assert code.text == text
    else:
        assert raw.decode("utf-8") == code.text


@given(raw=st.one_of(st.binary(max_size=80),
                     printable_text.map(lambda text: text.encode("gb18030", "replace"))))
def test_any_bytes_give_printable_text_that_encodes_back_or_unreadable(raw: bytes) -> None:
    code = decode_code(raw)
    assert code.raw == raw
    if isinstance(code, ScannedCode):
        assert code.encoding in ("utf-8", "gb18030")
        assert code.text.isprintable()
        assert code.text.encode(code.encoding) == raw
    else:
        assert isinstance(code, UnreadableCode)
        assert code.reason
