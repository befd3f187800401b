"""Generic Chinese "8A/80" lock boards (广州硕铭 and many Taobao boards), 9600 8N1.

Frames are header | board | lock | data | XOR of every preceding byte:
  unlock        8A BB LL 11 xor  ->  8A BB LL SS xor  (SS 00 or 11: the lock's input after
                                                       the pulse; its meaning depends on
                                                       the lock type, so it is not a verdict)
  query a lock  80 BB LL 33 xor  ->  80 BB LL SS xor
  query all     80 BB 00 33 xor  ->  80 BB Sn..S1 33 xor, highest channels first
Sources: yunle_sensors lock_controller, CSDN u012909822 and iteye_7384, Open-Locker's codec.

The query-all reply's length is NOT the board size: a verified 8-channel board answers with
3 status bytes and a 50-channel one with 7, so the frame ends where "33 xor" checks out (see
_measure_query_all for which end, when the status bytes hold another).
Some boards send noise (FA FD 99 99) before a reply; the scanner skips it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from devices.locker.port import ProtocolName
from devices.locker.protocols.base import Command, RawStatus, Reply, ReplyParser, Request
from devices.locker.protocols.checksums import xor8
from devices.locker.protocols.scanner import SKIP, FrameScanner, Measure, Measurer, bad, frame, need

UNLOCK, QUERY, REPORT = 0x8A, 0x80, 0x82
HOLD_ON, HOLD_OFF = 0x9A, 0x9B
UNLOCK_CODE, QUERY_CODE = 0x11, 0x33
ON, OFF = 0x11, 0x00
SHORT_LENGTH = 5
# Query-all replies carry 1 to 8 status bytes: enough for the 50-channel boards (7 bytes).
MAX_STATUS_BYTES = 8
MAX_ALL_LENGTH = 4 + MAX_STATUS_BYTES
# The query-all lengths the sources show: 3 status bytes (24-channel firmware, which 8-channel
# boards run too) and 7 (50 channels). A read asks for the next of them the reply can still
# reach, never for the length the host's lock count suggests: such a reply is then read
# whole the moment it is in, and one of another length costs at most the read's timeout.
SEEN_ALL_LENGTHS = (4 + 3, 4 + 7)


class Generic8A:
    name: ProtocolName = "generic-8a"
    default_baud = 9600
    addresses = range(1, 33)
    max_locks = 50
    item_sensing = False
    unlock_acknowledged = True

    # Host side.

    def status_request(self, board: int) -> Request:
        return Request(_frame(QUERY, _board(board), 0x00, QUERY_CODE), "query all locks 0x80",
                       board)

    def lock_status_request(self, board: int, lock: int) -> Request:
        return Request(_frame(QUERY, _board(board), _lock(lock), QUERY_CODE), "query lock 0x80",
                       board, lock, answer="lock_status")

    def all_status_request(self) -> Request | None:
        return None          # no broadcast status on these boards

    def unlock_request(self, board: int, lock: int) -> Request:
        return Request(_frame(UNLOCK, _board(board), _lock(lock), UNLOCK_CODE), "unlock 0x8A",
                       board, lock, answer="unlock")

    def unlock_all_request(self, board: int) -> Request:
        # The sources show no reply to this one.
        return Request(_frame(UNLOCK, _board(board), 0x00, UNLOCK_CODE), "unlock all 0x8A",
                       board, replies=False)

    def reply_parser(self, request: Request, locks: int = 0) -> ReplyParser:
        query_all = request.frame[0] == QUERY and request.frame[2] == 0x00
        status_bytes = max(1, -(-locks // 8))
        # The firmware may report more channels than ``locks``: a first read stopping at the
        # length ``locks`` suggests would hand the parser a shorter frame that checks out
        # (80 01 00 81 33 33 of 80 01 00 81 33 33 00, for 16 locks). See SEEN_ALL_LENGTHS.
        scanner = FrameScanner(bytes([UNLOCK, QUERY, REPORT]),
                               _measure_reply(query_all, status_bytes),
                               min_length=4 + status_bytes if query_all else SHORT_LENGTH,
                               first_read=_to_read(0, 4 + status_bytes) if query_all else None,
                               what="generic-8a reply")
        return ReplyParser(scanner, _reply_decoder(query_all))

    def decode_status(self, reply: Reply) -> RawStatus:
        if reply.kind != "status":
            raise ValueError(f"not a query-all reply: {reply.frame.hex(' ')}")
        value = int.from_bytes(reply.frame[2:-2], "big")   # S1 (channels 1-8) comes last
        count = (len(reply.frame) - 4) * 8
        return RawStatus(reply.board, tuple(bool(value >> i & 1) for i in range(count)), None)

    @staticmethod
    def decode_lock_state(reply: Reply) -> bool:
        """The SS byte of an unlock or query-a-lock reply: True for 11."""
        if reply.kind not in ("lock_status", "unlock"):
            raise ValueError(f"not a one-lock reply: {reply.frame.hex(' ')}")
        return reply.frame[3] == ON

    # Board side.

    def request_scanner(self) -> FrameScanner:
        return FrameScanner(bytes([UNLOCK, QUERY, HOLD_ON, HOLD_OFF]), _measure_request,
                            min_length=SHORT_LENGTH, what="generic-8a request")

    def decode_request(self, frame: bytes) -> Command:
        header, board, lock, code = frame[0], frame[1], frame[2], frame[3]
        if header == UNLOCK and code == UNLOCK_CODE:
            if lock == 0:
                return Command("unlock_all", board, None, frame)
            return Command("unlock", board, lock, frame)
        if header == QUERY and code == QUERY_CODE:
            if lock == 0:
                return Command("status", board, None, frame)
            return Command("lock_status", board, lock, frame)
        return Command("other", board, lock or None, frame)

    def encode_status(
        self, board: int, locks: Sequence[bool], items: Sequence[bool] | None, *,
        all_boards: bool = False, lock: int | None = None,
    ) -> bytes:
        if lock is not None:
            return _frame(QUERY, board, lock, ON if locks[lock - 1] else OFF)
        count = max(1, -(-len(locks) // 8))
        value = sum(1 << index for index, bit in enumerate(locks) if bit)
        return _frame(QUERY, board, *value.to_bytes(count, "big"), QUERY_CODE)

    def encode_unlock_reply(self, board: int, lock: int, bit: bool) -> bytes | None:
        return _frame(UNLOCK, board, lock, ON if bit else OFF)


def _board(board: int) -> int:
    if board not in Generic8A.addresses:
        raise ValueError(f"8A board address {board}: the DIP switch gives 1-32")
    return board


def _lock(lock: int) -> int:
    if not 1 <= lock <= Generic8A.max_locks:
        raise ValueError(f"8A lock {lock}: boards have channels 1-50")
    return lock


def _frame(*values: int) -> bytes:
    body = bytes(values)
    return body + bytes([xor8(body)])


def _reply_decoder(query_all: bool) -> Callable[[bytes], Reply]:
    def decode(data: bytes) -> Reply:
        if data[0] == UNLOCK:
            return Reply(data, "unlock", data[1], data[2])
        if data[0] == QUERY and query_all:
            return Reply(data, "status", data[1])
        if data[0] == QUERY:
            return Reply(data, "lock_status", data[1], data[2])
        return Reply(data, "other", data[1], data[2])
    return decode


def _measure_reply(query_all: bool, status_bytes: int) -> Measurer:
    def measure(data: bytes, final: bool) -> Measure:
        if data[0] == QUERY and query_all:
            return _measure_query_all(data, final, status_bytes)
        return _measure_short(data)
    return measure


def _measure_query_all(data: bytes, final: bool, status_bytes: int) -> Measure:
    """Where a query-all reply starting at ``data[0]`` ends.

    Any length from the host's lower bound up to MAX_ALL_LENGTH whose last two bytes are
    "33 xor" checks out, and the status bytes can make several do so: 80 01 00 81 33 33 00
    (channels 1, 2, 5, 6, 9, 16 on 24-channel firmware) also checks out as 80 01 00 81 33 33.
    A board sends its whole reply at once and nothing more until the next request, so the
    bytes after a shorter end that carry on to a longer one that checks out are that same
    reply: the longest end in the buffer wins. The exception is a longer end reached only
    across a header byte that starts a whole reply of its own (80 01 00 33 B2 80 01 00 33 B2
    is two replies, not one of 10 bytes): the scanner never merges two checked replies.

    The host's lock count only bounds the length below: the firmware may report more
    channels than the locks fitted, so the length comes from the bytes alone. While no end
    checks out yet, the bytes are opaque (a status byte may look like a header, e.g. 8A 01
    05 11 9F): frames found inside them do not displace this one, which is what makes a
    reply decode the same however it is split across reads. A header is given up on when
    its board byte is no address, or MAX_ALL_LENGTH bytes hold no end.
    """
    if len(data) > 1 and data[1] not in Generic8A.addresses:
        return SKIP
    shortest = 4 + status_bytes
    if len(data) < shortest:
        return need(_to_read(len(data), shortest), opaque=True)
    last = min(len(data), MAX_ALL_LENGTH)
    ends = [length for length in range(shortest, last + 1) if _ends_query_all(data, length)]
    if ends:
        return frame(_longest_end(data, ends))
    if final:
        for length in range(last, shortest - 1, -1):
            if data[length - 2] == QUERY_CODE:
                expected = xor8(data[: length - 1])
                return bad(length, f"checksum {data[length - 1]:02X}, should be {expected:02X}")
    if len(data) >= MAX_ALL_LENGTH:
        return SKIP
    return need(_to_read(len(data), shortest), opaque=True)


def _to_read(have: int, shortest: int) -> int:
    """What to read next, ``have`` bytes into a query-all reply at least ``shortest`` long."""
    reach = max(have + 1, shortest)
    return next((n for n in SEEN_ALL_LENGTHS if n >= reach), MAX_ALL_LENGTH) - have


def _ends_query_all(data: bytes, length: int) -> bool:
    """``data[:length]`` is "80 BB Sn..S1 33 xor" with the XOR right."""
    return data[length - 2] == QUERY_CODE and xor8(data[:length]) == 0


def _longest_end(data: bytes, ends: list[int]) -> int:
    """The longest of ``ends`` (ascending) not reached across a whole reply of its own."""
    chosen = ends[0]
    for longer in ends[1:]:
        if any(data[start] in (QUERY, UNLOCK, REPORT) and _whole_reply(data[start:longer])
               for start in range(chosen, longer)):
            break
        chosen = longer
    return chosen


def _whole_reply(data: bytes) -> bool:
    """``data`` begins with a whole checked reply from a board that can exist."""
    if len(data) < SHORT_LENGTH or data[1] not in Generic8A.addresses:
        return False
    if data[0] != QUERY:
        return xor8(data[:SHORT_LENGTH]) == 0
    return any(_ends_query_all(data, length)
               for length in range(SHORT_LENGTH, min(len(data), MAX_ALL_LENGTH) + 1))


def _measure_short(data: bytes) -> Measure:
    if len(data) < SHORT_LENGTH:
        return need(SHORT_LENGTH - len(data))
    expected = xor8(data[:4])
    if data[4] != expected:
        return bad(SHORT_LENGTH, f"checksum {data[4]:02X}, should be {expected:02X}")
    return frame(SHORT_LENGTH)


def _measure_request(data: bytes, final: bool) -> Measure:
    if len(data) < SHORT_LENGTH:
        return need(SHORT_LENGTH - len(data))
    if data[4] == xor8(data[:4]):
        return frame(SHORT_LENGTH)
    if data[0] == UNLOCK:
        # Unlock with a duration: 8A BB LL 11 SS xor.
        if len(data) < 6:
            return need(1)
        if data[5] == xor8(data[:5]):
            return frame(6)
    return bad(SHORT_LENGTH, f"checksum {data[4]:02X}, should be {xor8(data[:4]):02X}")
