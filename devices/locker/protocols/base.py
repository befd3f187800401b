"""What a lock-board protocol offers: the host side the bus adapter uses and the board side
the simulator uses, both written from the same vendor spec.

Codecs speak raw bits: which way a lock's bit reads (NO or NC hook switch) is the bus
adapter's business, applied from the board's configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from devices.locker.port import ProtocolName
from devices.locker.protocols.scanner import FrameScanner

ReplyKind = Literal["status", "lock_status", "unlock", "unlock_time", "other"]
CommandKind = Literal[
    "status", "status_all", "lock_status", "unlock", "unlock_all", "unlock_time_query",
    "unlock_time_set", "other",
]


@dataclass(frozen=True)
class Request:
    """A frame the host sends, with what it should bring back."""

    frame: bytes
    what: str                  # for operators: "status 0x30", "unlock 0x31"
    board: int | None          # None: addressed to every board on the bus
    lock: int | None = None
    replies: bool = True       # False where the spec shows no reply (Kerong unlocks)
    answer: ReplyKind = "status"   # the kind of reply that answers it


@dataclass(frozen=True)
class Reply:
    """A checked frame from a board."""

    frame: bytes
    kind: ReplyKind
    board: int
    lock: int | None = None


@dataclass(frozen=True)
class RawStatus:
    """A board's bits exactly as the frame carries them, lock 1 first.

    ``locks`` has one entry per bit the frame carries, which can be more than the locks
    fitted; ``items`` is None where the protocol has no item sensing."""

    board: int
    locks: tuple[bool, ...]
    items: tuple[bool, ...] | None


@dataclass(frozen=True)
class Command:
    """A request as a board understands it (the simulator's side of the wire)."""

    kind: CommandKind
    board: int | None          # None: every board
    lock: int | None           # None: every lock, or not a lock command
    frame: bytes
    value: int | None = None   # unlock time in ms for unlock_time_set


class ReplyParser:
    """Streams reply bytes into checked Reply objects for one protocol.

    ``next_reply`` returns None until a whole frame is in and raises ProtocolError (with
    the frame in hex) for a frame that fails its checksum; ``finish`` is called when the
    line has gone quiet and raises ProtocolError if a partial or corrupt frame is left."""

    def __init__(self, scanner: FrameScanner, decode: _Decoder) -> None:
        self.scanner = scanner
        self._decode = decode

    @property
    def wanted(self) -> int:
        return self.scanner.wanted

    def feed(self, data: bytes) -> None:
        self.scanner.feed(data)

    def next_reply(self) -> Reply | None:
        frame = self.scanner.next_frame()
        return None if frame is None else self._decode(frame)

    def finish(self) -> None:
        self.scanner.finish()


class _Decoder(Protocol):
    def __call__(self, frame: bytes, /) -> Reply: ...


class LockProtocol(Protocol):
    """One family of lock boards: framing, addressing, checksums, bit layout."""

    name: ProtocolName
    default_baud: int
    addresses: range            # DIP-switch addresses the spec allows
    max_locks: int
    item_sensing: bool          # the status reply carries infrared item bits
    unlock_acknowledged: bool   # the board answers an unlock

    def status_request(self, board: int) -> Request: ...

    def all_status_request(self) -> Request | None:
        """One request every board answers with its own status frame, if the spec has it."""
        ...

    def unlock_request(self, board: int, lock: int) -> Request: ...

    def reply_parser(self, request: Request, locks: int = 0) -> ReplyParser:
        """A parser for what ``request`` brings back; ``locks`` is a lower bound on the
        bits the board reports (never used to guess a reply's length)."""
        ...

    def decode_status(self, reply: Reply) -> RawStatus: ...

    # The board side, for the simulator.

    def request_scanner(self) -> FrameScanner: ...

    def decode_request(self, frame: bytes) -> Command: ...

    def encode_status(
        self, board: int, locks: Sequence[bool], items: Sequence[bool] | None, *,
        all_boards: bool = False, lock: int | None = None,
    ) -> bytes:
        """A status reply; ``lock`` for protocols that can report one lock alone."""
        ...

    def encode_unlock_reply(self, board: int, lock: int, bit: bool) -> bytes | None:
        """The unlock acknowledgement (None where the board sends none)."""
        ...
