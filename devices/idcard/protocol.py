"""The GA 467 "SAM_V" serial protocol of second-generation ID-card readers, byte for byte as in
shared/reference/devices.md section 1.

Frame, both ways::

    AA AA AA 96 69 | LEN_H LEN_L | CMD PARA      | DATA... | CHK    (host to SAM)
    AA AA AA 96 69 | LEN_H LEN_L | SW1 SW2 SW3   | DATA... | CHK    (SAM to host)

LEN is big-endian and counts the bytes after it, CHK included; CHK is the XOR of every byte
from LEN_H to the one before CHK. The status is SW3 (0x90 success, 0x9F card found).

The reply to "read text and photo" (30 01) carries a resident's name, ID number and photo.
Nothing in this module ever puts the data of a reply into an exception or a log line: errors
show a frame's header (preamble, LEN, SW1-SW3) and its length, never its data.

This module is the framing: commands, encoding, the stream parser and its errors. What a
status word means is in sam_status.py, what a reply holds (SAM id, text, photo) in
card_text.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from devices.errors import ProtocolError

PREAMBLE = bytes.fromhex("AA AA AA 96 69")
HEADER_LENGTH = 7            # preamble and LEN: enough to know how long the frame is
REPLY_HEADER_LENGTH = 10     # preamble, LEN, SW1 SW2 SW3: what logs and errors may show
MIN_LEN = 4                  # SW1 SW2 SW3 CHK
# The longest known reply is 30 10 (text, photo and fingerprint), 2321 bytes: LEN 0x090A.
MAX_LEN = 0x0A00

TEXT_LENGTH = 256
PHOTO_LENGTH = 1024
READ_REPLY_LENGTH = 1295     # 30 01: header 10, lengths 4, text 256, photo 1024, CHK 1
SAM_ID_LENGTH = 16
# Frames up to this long are find, select, SAM id and error replies: no personal data.
SHORT_FRAME = 32


@dataclass(frozen=True)
class Command:
    """One host request. ``ok`` is the SW3 that means success; ``personal`` replies carry a
    resident's data and are never logged or shown beyond their header."""

    code: int
    para: int
    what: str
    ok: int = 0x90
    personal: bool = False

    @property
    def frame(self) -> bytes:
        return encode_request(self)


RESET = Command(0x10, 0xFF, "reset SAM (10 FF)")
SAM_STATUS = Command(0x11, 0xFF, "SAM status (11 FF)")
SAM_ID = Command(0x12, 0xFF, "read SAM id (12 FF)")
FIND_CARD = Command(0x20, 0x01, "find card (20 01)", ok=0x9F)
SELECT_CARD = Command(0x20, 0x02, "select card (20 02)")
READ_TEXT_PHOTO = Command(0x30, 0x01, "read text and photo (30 01)", personal=True)
READ_NEW_ADDRESS = Command(0x30, 0x03, "read appended address (30 03)", personal=True)
READ_WITH_FINGERPRINT = Command(0x30, 0x10, "read text, photo and fingerprint (30 10)",
                                personal=True)

COMMANDS = {(c.code, c.para): c for c in (RESET, SAM_STATUS, SAM_ID, FIND_CARD, SELECT_CARD,
                                          READ_TEXT_PHOTO, READ_NEW_ADDRESS,
                                          READ_WITH_FINGERPRINT)}


# Encoding.

def checksum(frame_without_chk: bytes) -> int:
    """XOR of frame[5:]: LEN and everything after it (the preamble is left out)."""
    value = 0
    for byte in frame_without_chk[len(PREAMBLE):]:
        value ^= byte
    return value


def encode_frame(body: bytes) -> bytes:
    """Preamble, LEN (body plus CHK), body, CHK."""
    length = len(body) + 1
    if length > 0xFFFF:
        raise ValueError(f"a GA 467 frame body holds at most 65534 bytes, not {len(body)}")
    head = PREAMBLE + length.to_bytes(2, "big") + body
    return head + bytes([checksum(head)])


def encode_request(command: Command, data: bytes = b"") -> bytes:
    return encode_frame(bytes([command.code, command.para]) + data)


def encode_reply(sw3: int, data: bytes = b"", *, sw1: int = 0, sw2: int = 0) -> bytes:
    """A SAM reply (the simulator's side)."""
    return encode_frame(bytes([sw1, sw2, sw3]) + data)


# Framing errors.

class FrameError(ProtocolError):
    """A reply that breaks the framing: ``code`` is checksum (damaged) or truncated."""

    code: ClassVar[str] = "checksum"


class BadChecksum(FrameError):
    code = "checksum"


class BadLength(FrameError):
    code = "checksum"


class TruncatedFrame(FrameError):
    code = "truncated"


def describe_frame(frame: bytes) -> str:
    """A frame for a log line or an error: its header and length, never its data."""
    head = frame[:REPLY_HEADER_LENGTH].hex(" ").upper()
    rest = len(frame) - REPLY_HEADER_LENGTH
    if rest <= 0:
        return head
    return f"{head} +{rest} bytes ({len(frame)} in all, data not shown)"


# Replies.

@dataclass(frozen=True)
class Reply:
    """A checked SAM reply. Its repr never shows the data."""

    frame: bytes = field(repr=False)

    @property
    def sw1(self) -> int:
        return self.frame[7]

    @property
    def sw2(self) -> int:
        return self.frame[8]

    @property
    def sw3(self) -> int:
        return self.frame[9]

    @property
    def data(self) -> bytes:
        return self.frame[REPLY_HEADER_LENGTH:-1]

    def __repr__(self) -> str:
        return f"Reply(sw3=0x{self.sw3:02X}, {len(self.frame)} bytes)"


class FrameParser:
    """Assembles frames from a byte stream: resynchronises on the preamble after noise,
    checks LEN and CHK. Used for replies by the reader and for requests by the simulator.

    ``next_frame`` raises BadLength or BadChecksum for a damaged frame (consumed, so the next
    call carries on after it); ``finish`` raises TruncatedFrame for a frame that started but
    will not complete. Error messages show frame headers only."""

    def __init__(self, what: str = "reply", *, min_len: int = MIN_LEN) -> None:
        self._what = what
        self._min_len = min_len
        self._buffer = bytearray()
        self.skipped = 0          # noise bytes dropped while looking for a preamble

    @property
    def started(self) -> bool:
        """A preamble has been seen and its frame is not complete yet."""
        return self._buffer.startswith(PREAMBLE)

    @property
    def wanted(self) -> int:
        """How many more bytes complete the frame under way (at least 1)."""
        buffer = self._buffer
        if len(buffer) < HEADER_LENGTH or not buffer.startswith(PREAMBLE):
            return max(1, HEADER_LENGTH - len(buffer))
        length = int.from_bytes(buffer[5:7], "big")
        return max(1, HEADER_LENGTH + length - len(buffer))

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def next_frame(self) -> bytes | None:
        buffer = self._buffer
        self._resync()
        if len(buffer) < HEADER_LENGTH:
            return None
        length = int.from_bytes(buffer[5:7], "big")
        if not self._min_len <= length <= MAX_LEN:
            head = bytes(buffer[:HEADER_LENGTH]).hex(" ").upper()
            del buffer[: len(PREAMBLE)]
            raise BadLength(f"{self._what} with impossible LEN {length} (0x{length:04X}; "
                            f"{self._min_len}-{MAX_LEN} allowed) in frame {head}")
        total = HEADER_LENGTH + length
        if len(buffer) < total:
            return None
        frame = bytes(buffer[:total])
        del buffer[:total]
        expected = checksum(frame[:-1])
        if frame[-1] != expected:
            raise BadChecksum(f"{self._what} with checksum {frame[-1]:02X}, should be "
                              f"{expected:02X}, in frame {describe_frame(frame)}")
        return frame

    def finish(self) -> None:
        """The line went quiet: a frame under way will not complete. Clears the buffer."""
        buffer = self._buffer
        try:
            self._resync()
            if not buffer:
                return
            if buffer.startswith(PREAMBLE) and len(buffer) >= HEADER_LENGTH:
                total = HEADER_LENGTH + int.from_bytes(buffer[5:7], "big")
                head = bytes(buffer[:REPLY_HEADER_LENGTH]).hex(" ").upper()
                raise TruncatedFrame(f"{self._what} cut short: {len(buffer)} of {total} "
                                     f"bytes arrived (frame {head} ...)")
            if buffer.startswith(PREAMBLE):
                raise TruncatedFrame(f"{self._what} cut short after {len(buffer)} bytes of "
                                     "its header")
            self.skipped += len(buffer)   # a partial preamble at the end: noise after all
        finally:
            buffer.clear()

    def _resync(self) -> None:
        buffer = self._buffer
        start = buffer.find(PREAMBLE)
        if start < 0:
            # Keep what could be the start of a preamble cut across two reads.
            keep = 0
            for size in range(min(len(PREAMBLE) - 1, len(buffer)), 0, -1):
                if buffer.endswith(PREAMBLE[:size]):
                    keep = size
                    break
            drop = len(buffer) - keep
        else:
            drop = start
        if drop:
            self.skipped += drop
            del buffer[:drop]


class ReplyParser(FrameParser):
    def __init__(self) -> None:
        super().__init__("reply", min_len=MIN_LEN)

    def next_reply(self) -> Reply | None:
        frame = self.next_frame()
        return Reply(frame) if frame is not None else None


def request_parser() -> FrameParser:
    """For the SAM's side of the line (the simulator): CMD PARA CHK at least."""
    return FrameParser("request", min_len=3)
