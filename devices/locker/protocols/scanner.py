"""Bytes in, whole checked frames out.

Lock boards share one RS485 line, USB adapters deliver a reply in bursts, and some boards
put noise in front of a reply (FA FD 99 99 on generic boards). So the scanner keeps a
buffer, looks for a header byte, asks the protocol whether a frame starts there, and skips
a byte when it does not. A frame whose checksum fails is reported, never silently dropped:
the board did answer, and what it said was damaged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from devices.errors import ProtocolError


@dataclass(frozen=True)
class Measure:
    """The protocol's verdict on the bytes starting at a header byte."""

    kind: Literal["frame", "bad", "need", "skip"]
    length: int = 1      # frame/bad: the frame's length; need: how many more to read
    reason: str = ""     # bad: what is wrong, e.g. "checksum 3D, should be 3C"
    # need: the frame under way carries data bytes of any value, header bytes included, so
    # a frame found further on in the buffer may be part of it. The scanner then waits for
    # this one to complete (or to be ruled out) instead of resyncing to the later frame:
    # otherwise a frame split across reads would decode differently from the same bytes
    # read at once.
    opaque: bool = False


def frame(length: int) -> Measure:
    return Measure("frame", length)


def bad(length: int, reason: str) -> Measure:
    return Measure("bad", length, reason)


def need(more: int = 1, *, opaque: bool = False) -> Measure:
    return Measure("need", max(1, more), opaque=opaque)


SKIP = Measure("skip")

# Enough noise to show in a log line; a long-lived scanner must not hoard it.
MAX_SKIPPED_KEPT = 256

# measure(buffer starting at a header byte, final): final is True once the line has gone
# quiet, so a variable-length frame can be judged on what arrived.
Measurer = Callable[[bytes, bool], Measure]


class FrameScanner:
    def __init__(self, headers: bytes, measure: Measurer, *, min_length: int, what: str,
                 first_read: int | None = None) -> None:
        """``first_read``: what to ask a read for before a frame has begun (by default
        ``min_length``, so the read returns the moment the shortest frame is in). A protocol
        whose frame length only its bytes tell asks for a length boards are known to send
        instead: a read that stopped at a guessed length would cut a longer frame in two."""
        self._headers = frozenset(headers)
        self._measure = measure
        self._first_read = min_length if first_read is None else first_read
        self._what = what
        self._buffer = bytearray()
        self._wanted = self._first_read
        self.skipped = bytearray()     # the latest noise dropped while looking for frames

    @property
    def pending(self) -> bytes:
        return bytes(self._buffer)

    @property
    def wanted(self) -> int:
        """How many bytes to read next (at least 1). Where the frame's length is known, what
        completes it, so the serial read returns the moment they are in; where only the
        bytes tell it, what the protocol's measure asks for (never a guess that would cut
        a longer frame short)."""
        return self._wanted

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def next_frame(self) -> bytes | None:
        """The next checked frame, or None until more bytes arrive.

        Raises ProtocolError for a frame that fails its checksum; the frame is consumed,
        so the next call carries on after it."""
        buffer = self._buffer
        while True:
            start = self._header_at(0)
            self._drop(len(buffer) if start < 0 else start)
            if not buffer:
                self._wanted = self._first_read
                return None
            verdict = self._measure(bytes(buffer), False)
            if verdict.kind == "frame":
                found = bytes(buffer[: verdict.length])
                del buffer[: verdict.length]
                self._wanted = self._first_read
                return found
            if verdict.kind == "skip":
                self._drop(1)
                continue
            if verdict.kind == "need" and verdict.opaque:
                self._wanted = verdict.length
                return None
            # The header byte we stand on may be noise: a checked frame starting later in
            # what is already buffered wins.
            span = len(buffer) if verdict.kind == "need" else verdict.length
            later = self._later_candidate(span, waiting_counts=verdict.kind == "bad")
            if later is not None and later[1] == "frame":
                self._drop(later[0])
                continue
            if verdict.kind == "need" or later is not None:
                self._wanted = verdict.length if verdict.kind == "need" else 1
                return None
            damaged = bytes(buffer[: verdict.length])
            del buffer[: verdict.length]
            raise ProtocolError(f"{self._what}: {verdict.reason} in frame {damaged.hex(' ')}")

    def finish(self) -> None:
        """The line has gone quiet: whatever frame is half-assembled will not complete.

        Raises ProtocolError naming the bytes if they look like a damaged frame; pure
        noise is dropped. The buffer is empty afterwards."""
        buffer = self._buffer
        try:
            start = self._header_at(0)
            if start < 0:
                self._drop(len(buffer))
                return
            self._drop(start)
            verdict = self._measure(bytes(buffer), True)
            if verdict.kind == "bad":
                damaged = bytes(buffer[: verdict.length])
                raise ProtocolError(
                    f"{self._what}: {verdict.reason} in frame {damaged.hex(' ')}")
            if verdict.kind == "need":
                raise ProtocolError(
                    f"{self._what}: incomplete frame {bytes(buffer).hex(' ')}")
        finally:
            buffer.clear()
            self._wanted = self._first_read

    def _header_at(self, start: int) -> int:
        for index in range(start, len(self._buffer)):
            if self._buffer[index] in self._headers:
                return index
        return -1

    def _later_candidate(self, span: int, *, waiting_counts: bool) -> tuple[int, str] | None:
        """The first header inside ``span`` where a frame is complete ("frame") or, when
        ``waiting_counts``, could still complete ("need")."""
        data = bytes(self._buffer)
        position = self._header_at(1)
        while 0 < position < span:
            verdict = self._measure(data[position:], False)
            if verdict.kind == "frame" or (waiting_counts and verdict.kind == "need"):
                return position, verdict.kind
            position = self._header_at(position + 1)
        return None

    def _drop(self, count: int) -> None:
        if count:
            self.skipped += self._buffer[:count]
            del self.skipped[:-MAX_SKIPPED_KEPT]
            del self._buffer[:count]
