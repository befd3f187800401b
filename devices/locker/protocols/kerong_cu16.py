"""Kerong KR-CU16 boards, from the vendor spec (V1.6, 2024; copy at mojisejr/smc-app:CU16.txt).

Request: STX 02 | ADDR | CMD | ETX 03 | SUM (5 bytes; 0x37 "set" carries 2 more data bytes).
Reply:   02 | ADDR | CODE | D1 D2 D3 D4 | 03 | SUM (9 bytes).
SUM is the low byte of the sum of every preceding byte. ADDR's high nibble is the board
(DIP switch), its low nibble the lock (0x0-0xF = locks 1-16). D1/D2 hold the hook bits of
locks 1-8 / 9-16 (bit0 = lock 1; 1 = locked with the spec's wiring, reversed on the other
switch type), D3/D4 the infrared item bits (1 = item present).
An unlock (0x31) gets no reply: the spec shows none. Confirm the open by polling.
"""

from __future__ import annotations

from collections.abc import Sequence

from devices.locker.port import ProtocolName
from devices.locker.protocols.base import (
    Command,
    RawStatus,
    Reply,
    ReplyKind,
    ReplyParser,
    Request,
)
from devices.locker.protocols.checksums import sum8
from devices.locker.protocols.scanner import SKIP, FrameScanner, Measure, bad, frame, need

STX, ETX = 0x02, 0x03
STATUS, UNLOCK, STATUS_ALL, UNLOCK_ALL = 0x30, 0x31, 0x32, 0x33
UNLOCK_TIME, UNLOCK_DELAY, SET_BAUD = 0x37, 0x39, 0x40
ALL_BOARDS_ADDRESS = 0xF0
# Reply codes: 0x35 one board's status, 0x36 a board's answer to 0x32, 0x38 the unlock time.
REPLY_STATUS, REPLY_STATUS_ALL, REPLY_UNLOCK_TIME = 0x35, 0x36, 0x38
REPLY_CODES = frozenset({REPLY_STATUS, REPLY_STATUS_ALL, REPLY_UNLOCK_TIME, 0x39, 0x40})
REPLY_LENGTH = 9
BAUD_CODES = {9600: 0, 19200: 1, 57600: 2, 115200: 3}
MAX_UNLOCK_TIME_MS = 60_000    # 0x1770 units of 10 ms


class KerongCu16:
    name: ProtocolName = "kerong-cu16"
    default_baud = 19200         # factory default; 115200 is the other setting
    addresses = range(16)        # the spec's ADDR range 0x00-0x9F means boards 0-9 in practice
    max_locks = 16
    item_sensing = True
    unlock_acknowledged = False

    # Host side.

    def status_request(self, board: int) -> Request:
        return Request(_frame(_address(board), STATUS), "status 0x30", board)

    def all_status_request(self) -> Request | None:
        return Request(_frame(ALL_BOARDS_ADDRESS, STATUS_ALL), "status of all boards 0x32", None)

    def unlock_request(self, board: int, lock: int) -> Request:
        return Request(_frame(_address(board, lock), UNLOCK), "unlock 0x31", board, lock,
                       replies=False)

    def unlock_all_request(self, board: int) -> Request:
        """Unlocks the board's 16 locks one by one; the board answers with its status."""
        return Request(_frame(_address(board), UNLOCK_ALL), "unlock all 0x33", board)

    def unlock_time_request(self, board: int) -> Request:
        return Request(_frame(_address(board), UNLOCK_TIME), "query unlock time 0x37", board,
                       answer="unlock_time")

    def set_unlock_time_request(self, board: int, milliseconds: int) -> Request:
        """Sets the energize time (10 ms steps, 0-60 s). The board then writes its flash:
        wait more than 500 ms before the next command. The spec shows no reply."""
        if not 0 <= milliseconds <= MAX_UNLOCK_TIME_MS or milliseconds % 10:
            raise ValueError(f"unlock time {milliseconds} ms: use 0-60000 ms in 10 ms steps")
        units = milliseconds // 10
        request = _frame(_address(board), UNLOCK_TIME, bytes([units >> 8, units & 0xFF]))
        if request[3] == ETX and _checked(request, 5).kind == "frame":
            # Its first five bytes are a whole "query unlock time" frame: a board would
            # take it for the query and the last two bytes for noise (found by the
            # property tests). One step either side is unambiguous.
            raise ValueError(f"unlock time {milliseconds} ms reads as a query on the wire; "
                             f"use {milliseconds - 10} or {milliseconds + 10} ms")
        return Request(request, "set unlock time 0x37", board, replies=False)

    def unlock_delay_request(self, board: int, seconds: int) -> Request:
        if not 0 <= seconds <= 250:
            raise ValueError(f"unlock delay {seconds} s: use 0-250 s")
        return Request(_frame(_address(board), UNLOCK_DELAY, bytes([seconds])),
                       "set unlock delay 0x39", board, replies=False)

    def set_baud_request(self, board: int, baud: int) -> Request:
        if baud not in BAUD_CODES:
            raise ValueError(f"baud {baud}: a CU16 supports {', '.join(map(str, BAUD_CODES))}")
        return Request(_frame(_address(board), SET_BAUD, bytes([BAUD_CODES[baud]])),
                       "set baud 0x40", board, replies=False)

    def reply_parser(self, request: Request, locks: int = 0) -> ReplyParser:
        scanner = FrameScanner(bytes([STX]), _measure_reply, min_length=REPLY_LENGTH,
                               what="kerong-cu16 reply")
        return ReplyParser(scanner, _decode_reply)

    def decode_status(self, reply: Reply) -> RawStatus:
        if reply.kind != "status":
            raise ValueError(f"not a status reply: {reply.frame.hex(' ')}")
        data = reply.frame[3:7]
        return RawStatus(reply.board, _bits(data[0:2]), _bits(data[2:4]))

    @staticmethod
    def decode_unlock_time(reply: Reply) -> int:
        """Milliseconds, from a 0x38 reply (D3:D4 in units of 10 ms)."""
        if reply.kind != "unlock_time":
            raise ValueError(f"not an unlock-time reply: {reply.frame.hex(' ')}")
        return int.from_bytes(reply.frame[5:7], "big") * 10

    # Board side.

    def request_scanner(self) -> FrameScanner:
        return FrameScanner(bytes([STX]), _measure_request, min_length=5,
                            what="kerong-cu16 request")

    def decode_request(self, frame: bytes) -> Command:
        address, code = frame[1], frame[2]
        board, lock = address >> 4, (address & 0x0F) + 1
        if code == STATUS:
            return Command("status", board, None, frame)
        if code == UNLOCK:
            return Command("unlock", board, lock, frame)
        if code == STATUS_ALL:
            return Command("status_all", None, None, frame)
        if code == UNLOCK_ALL:
            return Command("unlock_all", board, None, frame)
        if code == UNLOCK_TIME and len(frame) == 5:
            return Command("unlock_time_query", board, None, frame)
        if code == UNLOCK_TIME:
            return Command("unlock_time_set", board, None, frame,
                           value=int.from_bytes(frame[3:5], "big") * 10)
        return Command("other", board, None, frame)

    def encode_status(
        self, board: int, locks: Sequence[bool], items: Sequence[bool] | None, *,
        all_boards: bool = False, lock: int | None = None,
    ) -> bytes:
        code = REPLY_STATUS_ALL if all_boards else REPLY_STATUS
        data = _pack(locks, 2) + _pack(items or (), 2)
        return _frame(_address(board), code, data)

    def encode_unlock_reply(self, board: int, lock: int, bit: bool) -> bytes | None:
        return None

    def encode_unlock_time(self, board: int, locks: Sequence[bool], milliseconds: int) -> bytes:
        return _frame(_address(board), REPLY_UNLOCK_TIME,
                      _pack(locks, 2) + (milliseconds // 10).to_bytes(2, "big"))


def _address(board: int, lock: int | None = None) -> int:
    if board not in KerongCu16.addresses:
        raise ValueError(f"CU16 board address {board}: the DIP switch gives 0-15")
    if lock is None:
        return board << 4
    if not 1 <= lock <= 16:
        raise ValueError(f"CU16 lock {lock}: a board has locks 1-16")
    return board << 4 | (lock - 1)


def _frame(address: int, code: int, data: bytes = b"") -> bytes:
    body = bytes([STX, address, code]) + data + bytes([ETX])
    return body + bytes([sum8(body)])


def _pack(bits: Sequence[bool], size: int) -> bytes:
    value = sum(1 << index for index, bit in enumerate(bits) if bit)
    return value.to_bytes(size, "little")


def _bits(data: bytes) -> tuple[bool, ...]:
    value = int.from_bytes(data, "little")
    return tuple(bool(value >> index & 1) for index in range(len(data) * 8))


def _decode_reply(data: bytes) -> Reply:
    code = data[2]
    kind: ReplyKind
    if code in (REPLY_STATUS, REPLY_STATUS_ALL):
        kind = "status"
    elif code == REPLY_UNLOCK_TIME:
        kind = "unlock_time"
    else:
        kind = "other"
    return Reply(data, kind, data[1] >> 4)


def _measure_reply(data: bytes, final: bool) -> Measure:
    if len(data) >= 3 and data[2] not in REPLY_CODES:
        return SKIP
    if len(data) < REPLY_LENGTH:
        return need(REPLY_LENGTH - len(data))
    if data[7] != ETX:
        return SKIP
    return _checked(data, REPLY_LENGTH)


# Request lengths by command; 0x37 is 5 bytes as a query and 7 as a "set".
_REQUEST_LENGTHS = {
    STATUS: (5,), UNLOCK: (5,), STATUS_ALL: (5,), UNLOCK_ALL: (5,), UNLOCK_TIME: (5, 7),
    UNLOCK_DELAY: (6,), SET_BAUD: (6,),
}


def _measure_request(data: bytes, final: bool) -> Measure:
    if len(data) < 3:
        return need(3 - len(data))
    lengths = _REQUEST_LENGTHS.get(data[2])
    if lengths is None:
        return SKIP
    verdict: Measure = SKIP
    for length in lengths:
        if len(data) < length:
            return need(length - len(data))
        if data[length - 2] != ETX:
            continue
        verdict = _checked(data, length)
        if verdict.kind == "frame":
            return verdict
    return verdict


def _checked(data: bytes, length: int) -> Measure:
    expected = sum8(data[: length - 1])
    if data[length - 1] != expected:
        return bad(length, f"checksum {data[length - 1]:02X}, should be {expected:02X}")
    return frame(length)
