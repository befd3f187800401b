"""Lock-board requests, board side: the simulator's request scanner, decode_request and
what the simulated boards do with any command.

Each host request the codecs encode is read back as the command it is; any bytes give
checked frames or ProtocolError; any decoded command leaves the simulated bus answering
with frames the host's own parser accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from devices.locker.port import BoardConfig
from devices.locker.protocols.base import Command, ReplyParser, Request
from devices.locker.simulator import LockerBusSimulator
from tests.properties.locker_frames import (
    CU16,
    CU48,
    G8A,
    PROTOCOL_NAMES,
    checksum_holds,
    drain_frames,
    drain_replies,
    finish,
    noise_for,
    protocol,
)
from tests.properties.strategies import chunks_of, damaged_or_random


@dataclass(frozen=True)
class Expected:
    """A host request and the command a board must read it as."""

    request: Request
    kind: str
    board: int | None
    lock: int | None = None
    value: int | None = None


def set_unlock_time(board: int, milliseconds: int) -> Expected:
    try:
        request = CU16.set_unlock_time_request(board, milliseconds)
    except ValueError:
        assume(False)     # a time whose frame reads as a query: refused (tested below)
        raise
    return Expected(request, "unlock_time_set", board, value=milliseconds)


def test_an_unlock_time_whose_frame_reads_as_a_query_is_refused() -> None:
    # Board 4, 8920 ms: 02 40 37 03 7C 03 FB, whose first five bytes are a whole query.
    with pytest.raises(ValueError, match="reads as a query"):
        CU16.set_unlock_time_request(4, 8920)
    assert CU16.set_unlock_time_request(4, 8930).frame == bytes.fromhex("02 40 37 03 7d 03 fc")


def cu16_requests() -> st.SearchStrategy[Expected]:
    board = st.sampled_from(CU16.addresses)
    lock = st.integers(1, 16)
    return st.one_of(
        st.builds(lambda b: Expected(CU16.status_request(b), "status", b), board),
        st.builds(lambda b, n: Expected(CU16.unlock_request(b, n), "unlock", b, n), board, lock),
        st.just(Expected(CU16.all_status_request(), "status_all", None)),  # type: ignore[arg-type]
        st.builds(lambda b: Expected(CU16.unlock_all_request(b), "unlock_all", b), board),
        st.builds(lambda b: Expected(CU16.unlock_time_request(b), "unlock_time_query", b), board),
        st.builds(set_unlock_time, board, st.integers(0, 6000).map(lambda units: units * 10)),
        st.builds(lambda b, s: Expected(CU16.unlock_delay_request(b, s), "other", b),
                  board, st.integers(0, 250)),
        st.builds(lambda b, baud: Expected(CU16.set_baud_request(b, baud), "other", b),
                  board, st.sampled_from((9600, 19200, 57600, 115200))),
    )


def cu48_requests() -> st.SearchStrategy[Expected]:
    board = st.sampled_from(CU48.addresses)
    return st.one_of(
        st.builds(lambda b: Expected(CU48.status_request(b), "status", b), board),
        st.just(Expected(CU48.all_status_request(), "status_all", None)),  # type: ignore[arg-type]
        st.builds(lambda b, n: Expected(CU48.unlock_request(b, n), "unlock", b, n),
                  board, st.integers(1, 48)),
        st.builds(lambda b: Expected(CU48.unlock_all_request(b), "unlock_all", b),
                  st.one_of(st.none(), board)),
    )


def generic_8a_requests() -> st.SearchStrategy[Expected]:
    board = st.sampled_from(G8A.addresses)
    lock = st.integers(1, G8A.max_locks)
    return st.one_of(
        st.builds(lambda b: Expected(G8A.status_request(b), "status", b), board),
        st.builds(lambda b, n: Expected(G8A.lock_status_request(b, n), "lock_status", b, n),
                  board, lock),
        st.builds(lambda b, n: Expected(G8A.unlock_request(b, n), "unlock", b, n), board, lock),
        st.builds(lambda b: Expected(G8A.unlock_all_request(b), "unlock_all", b), board),
    )


REQUESTS = {"kerong-cu16": cu16_requests(), "kerong-cu48": cu48_requests(),
            "generic-8a": generic_8a_requests()}


def request_bytes(name: str) -> st.SearchStrategy[bytes]:
    return damaged_or_random(REQUESTS[name].map(lambda expected: expected.request.frame))


@pytest.mark.parametrize("name", PROTOCOL_NAMES)
@given(data=st.data())
def test_each_request_reads_back_as_its_command_in_any_chunks(
        name: str, data: st.DataObject) -> None:
    expected: Expected = data.draw(REQUESTS[name], label="request")
    frame = expected.request.frame
    noise = data.draw(noise_for(name), label="noise before")
    codec = protocol(name)
    scanner = codec.request_scanner()
    frames = []
    for chunk in data.draw(chunks_of(noise + frame), label="chunks"):
        scanner.feed(chunk)
        frames += drain_frames(scanner)
    assert frames + finish(scanner) == [frame]

    command = codec.decode_request(frame)
    assert (command.kind, command.board, command.lock, command.value) == (
        expected.kind, expected.board, expected.lock, expected.value)
    assert command.frame == frame


@pytest.mark.parametrize("name", PROTOCOL_NAMES)
@given(data=st.data())
def test_any_request_bytes_give_checked_frames_or_protocol_errors(
        name: str, data: st.DataObject) -> None:
    codec = protocol(name)
    stream = data.draw(request_bytes(name), label="stream")
    scanner = codec.request_scanner()
    outcomes = []
    for chunk in data.draw(chunks_of(stream), label="chunks"):
        scanner.feed(chunk)
        assert scanner.wanted >= 1
        outcomes += drain_frames(scanner)
    outcomes += finish(scanner)
    assert scanner.pending == b""
    assert len(scanner.skipped) <= 256

    for outcome in outcomes:
        if isinstance(outcome, str):
            assert outcome.startswith(f"damaged: {name} request: ")
            continue
        assert outcome in stream
        assert checksum_holds(name, outcome)
        command = codec.decode_request(outcome)
        assert command.frame == outcome
        assert command.board is None or 0 <= command.board <= 255
        assert command.lock is None or 1 <= command.lock <= 256


# --- the simulated bus, acting on whatever it reads -----------------------------------

BOARDS = {
    "kerong-cu16": (BoardConfig(0, 16, item_sensor=True), BoardConfig(1, 8),
                    BoardConfig(15, 16, closed_when_bit_set=False)),
    "kerong-cu48": (BoardConfig(0, 48), BoardConfig(9, 24)),
    "generic-8a": (BoardConfig(1, 8), BoardConfig(2, 16), BoardConfig(32, 50)),
}


def simulated_bus(name: str, where: Path) -> LockerBusSimulator:
    """A simulator that is never plugged in: the tests hand commands to its boards."""
    return LockerBusSimulator(where / name, name, BOARDS[name])  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def bus_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("buses")


def reply_parser_for(name: str, command: Command, bus: LockerBusSimulator) -> ReplyParser:
    """The parser a host would read the answer to ``command`` with, knowing how many
    channels the board reports."""
    board = bus.boards.get(command.board) if command.board is not None else None
    status_locks = board.status_locks if board is not None else 56
    request = Request(command.frame, "from the fuzzer", command.board)
    return protocol(name).reply_parser(request, status_locks)


@pytest.mark.parametrize("name", PROTOCOL_NAMES)
@given(data=st.data())
def test_the_simulated_bus_answers_any_command_with_frames_the_host_accepts(
        name: str, data: st.DataObject, bus_directory: Path) -> None:
    codec = protocol(name)
    bus = simulated_bus(name, bus_directory)
    for config in BOARDS[name]:
        for lock in range(1, config.locks + 1):
            bus.set_door(config.address, lock, open=data.draw(st.booleans()))
    scanner = codec.request_scanner()
    scanner.feed(data.draw(request_bytes(name), label="requests"))
    frames = [outcome for outcome in drain_frames(scanner) + finish(scanner)
              if isinstance(outcome, bytes)]
    for now, frame in enumerate(frames, start=1):
        command = codec.decode_request(frame)
        for reply in bus.boards.answer(command, float(now)):
            parser = reply_parser_for(name, command, bus)
            parser.feed(reply)
            replies, damaged = drain_replies(parser)
            parser.finish()
            assert damaged == []
            assert [r.frame for r in replies] == [reply]


@pytest.mark.parametrize("name", PROTOCOL_NAMES)
@given(data=st.data())
def test_a_simulated_board_reports_its_doors_to_a_status_request(
        name: str, data: st.DataObject, bus_directory: Path) -> None:
    codec = protocol(name)
    bus = simulated_bus(name, bus_directory)
    config = data.draw(st.sampled_from(BOARDS[name]), label="board")
    shut = data.draw(st.lists(st.booleans(), min_size=config.locks, max_size=config.locks),
                     label="doors shut")
    for lock, is_shut in enumerate(shut, start=1):
        bus.set_door(config.address, lock, open=not is_shut)
    request = codec.status_request(config.address)
    (reply,) = bus.boards.answer(codec.decode_request(request.frame), 1.0)
    board = bus.boards.board(config.address)
    parser = codec.reply_parser(request, board.status_locks)
    parser.feed(reply)
    (answer,), damaged = drain_replies(parser)
    assert damaged == []
    raw = codec.decode_status(answer)
    wired = [is_shut == config.closed_when_bit_set for is_shut in shut]
    assert list(raw.locks[:config.locks]) == wired
