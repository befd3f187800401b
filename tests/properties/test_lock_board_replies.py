"""Lock-board replies, host side: each codec's streaming reply parser and LockerLine.

Whatever comes down the RS485 line, a parser hands back checked replies and reports damage
as ProtocolError, nothing else; the codecs' own encoders round-trip through it, in any
chunking; and a LockerLine exchange ends in a matching reply, DeviceTimeout or
ProtocolError.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, suppress
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import devices.locker.line as line_module
from devices.errors import DeviceTimeout, ProtocolError
from devices.locker.line import LockerLine
from devices.locker.protocols.base import Request
from tests.fixtures.clock import FakeClock
from tests.fixtures.scripted_serial import ScriptedLine
from tests.properties.locker_frames import (
    ANSWERS,
    G8A,
    PROTOCOL_NAMES,
    Answered,
    answers_like,
    checksum_holds,
    drain_replies,
    noise_for,
    protocol,
)
from tests.properties.strategies import chunks_of, damaged_or_random, outcome

REPLY_KINDS = {"status", "lock_status", "unlock", "unlock_time", "other"}


@pytest.mark.parametrize("name", PROTOCOL_NAMES)
@given(data=st.data())
def test_each_reply_decodes_as_encoded_in_any_chunks(name: str, data: st.DataObject) -> None:
    answered: Answered = data.draw(ANSWERS[name], label="answered")
    noise = data.draw(noise_for(name), label="noise before")
    codec = protocol(name)
    parser = codec.reply_parser(answered.request, answered.host_locks)
    for chunk in data.draw(chunks_of(noise + answered.reply), label="chunks"):
        parser.feed(chunk)
        assert parser.wanted >= 1
    replies, damaged = drain_replies(parser)
    parser.finish()

    assert damaged == []
    assert [reply.frame for reply in replies] == [answered.reply]
    (reply,) = replies
    assert (reply.board, reply.kind) == (answered.board, answered.request.answer)
    if reply.kind == "status":
        raw = codec.decode_status(reply)
        sent = len(answered.locks)
        assert raw.locks[:sent] == answered.locks
        assert not any(raw.locks[sent:])
        if answered.items is not None:
            assert raw.items is not None
            assert raw.items[:len(answered.items)] == answered.items
    elif reply.kind in ("lock_status", "unlock"):
        assert G8A.decode_lock_state(reply) is answered.locks[0]


# A 16-lock 8A board on 24-channel firmware (what the simulator plays): channels 1, 2, 5, 6,
# 9 and 16 shut make the reply 80 01 00 81 33 33 00, whose first six bytes also end in
# "33 xor". The host, passing the 16 locks it was configured with, takes the short frame
# and reads channels 1 and 8 shut instead.
@example(board=1, host_locks=16,
         locks=tuple(bool(0x8133 >> bit & 1) for bit in range(16)) + (False,) * 8)
@given(board=st.sampled_from(G8A.addresses), host_locks=st.integers(1, 50),
       locks=st.integers(1, 7).flatmap(lambda size: st.lists(
           st.booleans(), min_size=size * 8, max_size=size * 8).map(tuple)))
def test_8a_status_reads_right_whatever_lock_count_the_host_knows(
        board: int, host_locks: int, locks: tuple[bool, ...]) -> None:
    """The host passes the locks it was configured with, which can be fewer than the
    channels the board's firmware reports (24 on a board with 8 locks fitted)."""
    host_locks = min(host_locks, len(locks))
    parser = G8A.reply_parser(G8A.status_request(board), host_locks)
    parser.feed(G8A.encode_status(board, locks, None))
    replies, damaged = drain_replies(parser)
    assert damaged == []
    assert len(replies) == 1
    assert G8A.decode_status(replies[0]).locks[:host_locks] == locks[:host_locks]


# Status bytes 8A 01 05 11 9F are also a whole unlock reply (8A 01 05 11, xor 9F). Cut after
# seven bytes, the query-all frame is still incomplete while that "unlock reply" inside it
# is complete, and the scanner takes the inner frame as the real one.
@example(board=1, status=bytes.fromhex("8A 01 05 11 9F 00 00"), cut=7)
@given(board=st.sampled_from(G8A.addresses), status=st.binary(min_size=1, max_size=7),
       cut=st.integers(0, 12))
def test_8a_status_split_anywhere_reads_as_whole(board: int, status: bytes, cut: int) -> None:
    locks = tuple(bool(int.from_bytes(status, "big") >> bit & 1)
                  for bit in range(len(status) * 8))
    frame = G8A.encode_status(board, locks, None)
    parser = G8A.reply_parser(G8A.status_request(board), len(locks))
    parser.feed(frame[:cut])
    replies, damaged = drain_replies(parser)
    parser.feed(frame[cut:])
    more, more_damaged = drain_replies(parser)
    assert damaged + more_damaged == []
    assert [reply.frame for reply in replies + more] == [frame]


@pytest.mark.parametrize("name", PROTOCOL_NAMES)
@given(data=st.data())
def test_any_reply_bytes_give_checked_replies_or_protocol_errors(
        name: str, data: st.DataObject) -> None:
    codec = protocol(name)
    answered: Answered = data.draw(ANSWERS[name], label="request")
    stream = data.draw(damaged_or_random(ANSWERS[name].map(lambda a: a.reply)), label="stream")
    parser = codec.reply_parser(answered.request, data.draw(st.integers(0, 56), label="locks"))
    replies = []
    for chunk in data.draw(chunks_of(stream), label="chunks"):
        parser.feed(chunk)
        assert parser.wanted >= 1
        replies += drain_replies(parser)[0]
    with suppress(ProtocolError):
        parser.finish()
    assert parser.scanner.pending == b""

    assert sum(len(reply.frame) for reply in replies) <= len(stream)
    for reply in replies:
        assert reply.frame in stream
        assert checksum_holds(name, reply.frame)
        assert reply.kind in REPLY_KINDS
        if reply.kind == "status":
            raw = codec.decode_status(reply)
            assert raw.board == reply.board
            assert len(raw.locks) % 8 == 0
            assert len(raw.locks) >= 8


@pytest.mark.parametrize("name", PROTOCOL_NAMES)
@given(data=st.data())
def test_replies_between_noise_decode_alike_in_any_chunks(
        name: str, data: st.DataObject) -> None:
    """Several replies with header-free noise between them: how the bytes are cut into
    reads changes nothing."""
    first: Answered = data.draw(ANSWERS[name], label="first reply")
    parts = [(b"", first), *data.draw(st.lists(
        st.tuples(noise_for(name, 6), answers_like(name, first)), max_size=3),
        label="noise and more replies")]
    stream = b"".join(noise + answered.reply for noise, answered in parts)

    def replies_from(chunks: list[bytes]) -> list[bytes]:
        parser = protocol(name).reply_parser(first.request, first.host_locks)
        frames = []
        for chunk in chunks:
            parser.feed(chunk)
            replies, damaged = drain_replies(parser)
            assert damaged == []
            frames += [reply.frame for reply in replies]
        parser.finish()
        return frames

    whole = replies_from([stream])
    assert whole == replies_from(data.draw(chunks_of(stream), label="chunks"))


# --- LockerLine, on a line that plays back bytes and a clock that moves only when read ---

READ_SLICE_S = 0.005


def scripted_line(name: str,
                  chunks: list[bytes]) -> tuple[LockerLine, AbstractContextManager[object]]:
    clock = FakeClock()
    scripted = ScriptedLine(chunks, clock=clock, device="locker", read_slice_s=READ_SLICE_S)
    line = LockerLine(scripted, protocol(name),  # type: ignore[arg-type]
                      where="on bus test", gap_s=0.003)
    return line, mock.patch.object(line_module, "time", clock)


def replies_or_noise(name: str) -> st.SearchStrategy[bytes]:
    return damaged_or_random(ANSWERS[name].map(lambda a: a.reply))


@pytest.mark.parametrize("name", PROTOCOL_NAMES)
@given(data=st.data())
def test_a_line_exchange_ends_in_a_matching_reply_or_a_device_error(
        name: str, data: st.DataObject) -> None:
    answered: Answered = data.draw(ANSWERS[name], label="request")
    stream = data.draw(st.one_of(st.just(answered.reply), replies_or_noise(name)),
                       label="what the line carries")
    line, clock_patch = scripted_line(name, data.draw(chunks_of(stream), label="chunks"))
    request: Request = answered.request
    with clock_patch:
        try:
            exchange = line.transact(request, timeout_s=0.2, locks=answered.host_locks)
        except (DeviceTimeout, ProtocolError):
            assert stream != answered.reply
            return
    assert exchange.reply is not None
    assert exchange.reply.frame in stream
    assert exchange.reply.kind == request.answer
    if request.board is not None:
        assert exchange.reply.board == request.board
    if stream == answered.reply:
        assert exchange.reply.frame == answered.reply


@pytest.mark.parametrize("name", PROTOCOL_NAMES)
@given(data=st.data())
def test_reading_a_status_gives_bits_or_gives_up_with_a_device_error(
        name: str, data: st.DataObject) -> None:
    codec = protocol(name)
    board = data.draw(st.sampled_from(codec.addresses), label="board")
    streams = data.draw(st.lists(replies_or_noise(name), min_size=1, max_size=3), label="tries")
    chunks = [chunk for stream in streams for chunk in data.draw(chunks_of(stream))]
    line, clock_patch = scripted_line(name, chunks)
    locks = data.draw(st.integers(1, codec.max_locks), label="locks")
    with clock_patch:
        status, error = outcome(lambda: line.read_status(board, locks, timeout_s=0.1,
                                                         tries=len(streams)),
                                DeviceTimeout, ProtocolError)
    if error is not None:
        assert f"board {board}" in str(error)
        return
    assert status is not None
    raw, reply, _ = status
    assert raw.board == reply.board == board
    assert checksum_holds(name, reply.frame)


@pytest.mark.parametrize("name", ["kerong-cu16", "kerong-cu48"])
@given(data=st.data())
def test_a_broadcast_collects_replies_and_damage_without_raising(
        name: str, data: st.DataObject) -> None:
    codec = protocol(name)
    request = codec.all_status_request()
    assert request is not None
    stream = data.draw(replies_or_noise(name), label="what the boards send")
    line, clock_patch = scripted_line(name, data.draw(chunks_of(stream), label="chunks"))
    with clock_patch:
        result = line.broadcast(request, codec.addresses, timeout_s=0.1, tail_s=0.02)
    for board, (reply, _at) in result.replies.items():
        assert reply.board == board
        assert reply.kind == "status"
        assert reply.frame in stream
    assert all(isinstance(error, ProtocolError) for error in result.errors)
