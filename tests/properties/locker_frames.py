"""Valid lock-board traffic for the property tests, made with the codecs' own encoders:
each host request paired with the reply a board sends to it."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from devices.errors import ProtocolError
from devices.locker.protocols import protocol_named
from devices.locker.protocols.base import LockProtocol, Reply, ReplyParser, Request
from devices.locker.protocols.checksums import sum8, xor8
from devices.locker.protocols.generic_8a import Generic8A
from devices.locker.protocols.kerong_cu16 import KerongCu16
from devices.locker.protocols.kerong_cu48 import KerongCu48
from devices.locker.protocols.scanner import FrameScanner

PROTOCOL_NAMES = ("kerong-cu16", "kerong-cu48", "generic-8a")
CU16, CU48, G8A = KerongCu16(), KerongCu48(), Generic8A()
# Bytes a protocol's scanners treat as the start of a frame, replies and requests: noise
# without them is noise.
HEADERS = {"kerong-cu16": b"\x02", "kerong-cu48": b"\x02",
           "generic-8a": b"\x8a\x80\x82\x9a\x9b"}
# Enough outcomes for any input the tests make; more means the parser is looping.
MAX_OUTCOMES = 10_000


@dataclass(frozen=True)
class Answered:
    """A request, the reply a board sends to it, and the bits that reply carries."""

    request: Request
    reply: bytes
    board: int
    locks: tuple[bool, ...] = ()           # the status bits sent, lock 1 first
    items: tuple[bool, ...] | None = None  # CU16 item bits
    host_locks: int = 0                    # the lock count the host passes its parser


def bits(count: int) -> st.SearchStrategy[tuple[bool, ...]]:
    return st.lists(st.booleans(), min_size=count, max_size=count).map(tuple)


@st.composite
def cu16_answers(draw: st.DrawFn) -> Answered:
    board = draw(st.sampled_from(CU16.addresses))
    locks, items = draw(bits(16)), draw(bits(16))
    kind = draw(st.sampled_from(("status", "status_all", "unlock_time")))
    if kind == "unlock_time":
        units = draw(st.integers(0, 6000))
        return Answered(CU16.unlock_time_request(board),
                        CU16.encode_unlock_time(board, locks, units * 10), board, locks)
    request = CU16.all_status_request() if kind == "status_all" else CU16.status_request(board)
    reply = CU16.encode_status(board, locks, items, all_boards=kind == "status_all")
    assert request is not None
    return Answered(request, reply, board, locks, items)


@st.composite
def cu48_answers(draw: st.DrawFn) -> Answered:
    board = draw(st.sampled_from(CU48.addresses))
    locks = draw(bits(48))
    request = draw(st.sampled_from((CU48.status_request(board), CU48.all_status_request())))
    assert request is not None
    return Answered(request, CU48.encode_status(board, locks, None), board, locks)


@st.composite
def generic_8a_answers(draw: st.DrawFn) -> Answered:
    board = draw(st.sampled_from(G8A.addresses))
    kind = draw(st.sampled_from(("status", "lock_status", "unlock")))
    if kind == "status":
        # The host knows how many channels the board reports (see the ambiguity test).
        locks = draw(bits(draw(st.integers(1, 56))))
        return Answered(G8A.status_request(board), G8A.encode_status(board, locks, None),
                        board, locks, host_locks=len(locks))
    lock = draw(st.integers(1, G8A.max_locks))
    bit = draw(st.booleans())
    if kind == "unlock":
        return Answered(G8A.unlock_request(board, lock),
                        G8A.encode_unlock_reply(board, lock, bit) or b"", board, (bit,))
    locks = (False,) * (lock - 1) + (bit,)
    return Answered(G8A.lock_status_request(board, lock),
                    G8A.encode_status(board, locks, None, lock=lock), board, (bit,))


ANSWERS = {"kerong-cu16": cu16_answers(), "kerong-cu48": cu48_answers(),
           "generic-8a": generic_8a_answers()}


def answers_like(name: str, first: Answered) -> st.SearchStrategy[Answered]:
    """More replies one parser can take after ``first``. A generic 8A parser is made for
    one request: query-all replies of one length, or one-lock replies (5 bytes)."""
    if name != "generic-8a":
        return ANSWERS[name]
    if first.request.answer != "status":
        return ANSWERS[name].filter(lambda answered: answered.request.answer != "status")
    return st.builds(
        lambda board, locks: Answered(first.request, G8A.encode_status(board, locks, None),
                                      board, locks, host_locks=first.host_locks),
        st.sampled_from(G8A.addresses), bits(len(first.locks)))


def protocol(name: str) -> LockProtocol:
    return protocol_named(name)


def noise_for(name: str, max_size: int = 16) -> st.SearchStrategy[bytes]:
    """Line noise that holds no header byte of the protocol (so it cannot start a frame)."""
    headers = set(HEADERS[name])
    return st.lists(st.integers(0, 255).filter(lambda b: b not in headers),
                    max_size=max_size).map(bytes)


def checksum_holds(name: str, frame: bytes) -> bool:
    check = xor8 if name == "generic-8a" else sum8
    return check(frame[:-1]) == frame[-1]


Outcome = bytes | str   # a frame, or "damaged: <message>"


def drain_replies(parser: ReplyParser) -> tuple[list[Reply], list[str]]:
    """Every reply the parser holds, and the message of every damaged frame."""
    replies: list[Reply] = []
    damaged: list[str] = []
    for _ in range(MAX_OUTCOMES):
        try:
            reply = parser.next_reply()
        except ProtocolError as error:
            damaged.append(str(error))
            continue
        if reply is None:
            return replies, damaged
        replies.append(reply)
    raise AssertionError("the parser kept producing outcomes: it is looping")


def drain_frames(scanner: FrameScanner) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for _ in range(MAX_OUTCOMES):
        try:
            frame = scanner.next_frame()
        except ProtocolError as error:
            outcomes.append(f"damaged: {error}")
            continue
        if frame is None:
            return outcomes
        outcomes.append(frame)
    raise AssertionError("the scanner kept producing outcomes: it is looping")


def finish(scanner: FrameScanner | ReplyParser) -> list[Outcome]:
    """What the scanner says when the line goes quiet: nothing, or one damaged frame."""
    try:
        scanner.finish()
    except ProtocolError as error:
        return [f"damaged: {error}"]
    return []
