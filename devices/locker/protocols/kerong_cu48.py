"""Kerong CU48 boards, from the vendor spec (V2.1, 2020; copy at
Boudha25/CasierIntelligent:Datasheet/cu48-protocol-and-introduction-v2.1.pdf).

Request: 02 | ADDR | LOCKNUM | CMD | 03 | SUM (6 bytes; the PDF's "32 bytes" is wrong).
Reply:   02 | ADDR | LOCKNUM (ignore) | 65 | D1..D6 | 03 | SUM (12 bytes).
ADDR 0x00-0x09 is a board, 0x0A every board; LOCKNUM 0x00-0x2F is locks 1-48, 0x30 all of
them. D1 bit0 = lock 1 ... D6 bit7 = lock 48; 1 = locked with the spec's wiring. No item
sensing. 0x50 reads the status, 0x51 unlocks "without returned data".
This is not the "CU48B" variant (0x60/0x61, 18-byte 0x75 replies), which is not supported.
"""

from __future__ import annotations

from collections.abc import Sequence

from devices.locker.port import ProtocolName
from devices.locker.protocols.base import Command, RawStatus, Reply, ReplyParser, Request
from devices.locker.protocols.checksums import sum8
from devices.locker.protocols.scanner import SKIP, FrameScanner, Measure, bad, frame, need

STX, ETX = 0x02, 0x03
STATUS, UNLOCK = 0x50, 0x51
REPLY_STATUS = 0x65
ALL_BOARDS_ADDRESS = 0x0A
ALL_LOCKS = 0x30
REQUEST_LENGTH, REPLY_LENGTH = 6, 12


class KerongCu48:
    name: ProtocolName = "kerong-cu48"
    default_baud = 19200
    addresses = range(10)
    max_locks = 48
    item_sensing = False
    unlock_acknowledged = False

    # Host side.

    def status_request(self, board: int) -> Request:
        return Request(_frame(_board(board), 0x00, STATUS), "status 0x50", board)

    def all_status_request(self) -> Request | None:
        return Request(_frame(ALL_BOARDS_ADDRESS, 0x00, STATUS), "status of all boards 0x50",
                       None)

    def unlock_request(self, board: int, lock: int) -> Request:
        return Request(_frame(_board(board), _lock(lock), UNLOCK), "unlock 0x51", board, lock,
                       replies=False)

    def unlock_all_request(self, board: int | None) -> Request:
        """Every lock of one board, or of every board on the bus (board None)."""
        address = ALL_BOARDS_ADDRESS if board is None else _board(board)
        return Request(_frame(address, ALL_LOCKS, UNLOCK), "unlock all 0x51", board,
                       replies=False)

    def reply_parser(self, request: Request, locks: int = 0) -> ReplyParser:
        scanner = FrameScanner(bytes([STX]), _measure_reply, min_length=REPLY_LENGTH,
                               what="kerong-cu48 reply")
        return ReplyParser(scanner, _decode_reply)

    def decode_status(self, reply: Reply) -> RawStatus:
        if reply.kind != "status":
            raise ValueError(f"not a status reply: {reply.frame.hex(' ')}")
        value = int.from_bytes(reply.frame[4:10], "little")
        return RawStatus(reply.board, tuple(bool(value >> i & 1) for i in range(48)), None)

    # Board side.

    def request_scanner(self) -> FrameScanner:
        return FrameScanner(bytes([STX]), _measure_request, min_length=REQUEST_LENGTH,
                            what="kerong-cu48 request")

    def decode_request(self, frame: bytes) -> Command:
        address, locknum, code = frame[1], frame[2], frame[3]
        board = None if address == ALL_BOARDS_ADDRESS else address
        if code == STATUS:
            return Command("status" if board is not None else "status_all", board, None, frame)
        if code == UNLOCK and locknum == ALL_LOCKS:
            return Command("unlock_all", board, None, frame)
        if code == UNLOCK:
            return Command("unlock", board, locknum + 1, frame)
        return Command("other", board, None, frame)

    def encode_status(
        self, board: int, locks: Sequence[bool], items: Sequence[bool] | None, *,
        all_boards: bool = False, lock: int | None = None,
    ) -> bytes:
        value = sum(1 << index for index, bit in enumerate(locks) if bit)
        body = bytes([STX, _board(board), 0x00, REPLY_STATUS]) + value.to_bytes(6, "little")
        body += bytes([ETX])
        return body + bytes([sum8(body)])

    def encode_unlock_reply(self, board: int, lock: int, bit: bool) -> bytes | None:
        return None


def _board(board: int) -> int:
    if board not in KerongCu48.addresses:
        raise ValueError(f"CU48 board address {board}: the spec allows 0-9")
    return board


def _lock(lock: int) -> int:
    if not 1 <= lock <= 48:
        raise ValueError(f"CU48 lock {lock}: a board has locks 1-48")
    return lock - 1


def _frame(address: int, locknum: int, code: int) -> bytes:
    body = bytes([STX, address, locknum, code, ETX])
    return body + bytes([sum8(body)])


def _decode_reply(data: bytes) -> Reply:
    return Reply(data, "status", data[1])


def _measure_reply(data: bytes, final: bool) -> Measure:
    if len(data) >= 4 and data[3] != REPLY_STATUS:
        return SKIP
    if len(data) < REPLY_LENGTH:
        return need(REPLY_LENGTH - len(data))
    if data[10] != ETX:
        return SKIP
    return _checked(data, REPLY_LENGTH)


def _measure_request(data: bytes, final: bool) -> Measure:
    if len(data) >= 4 and data[3] not in (STATUS, UNLOCK):
        return SKIP
    if len(data) < REQUEST_LENGTH:
        return need(REQUEST_LENGTH - len(data))
    if data[4] != ETX:
        return SKIP
    return _checked(data, REQUEST_LENGTH)


def _checked(data: bytes, length: int) -> Measure:
    expected = sum8(data[: length - 1])
    if data[length - 1] != expected:
        return bad(length, f"checksum {data[length - 1]:02X}, should be {expected:02X}")
    return frame(length)
