"""A stream of binary netpbm images (P5 grey, P6 colour), as a capture program writes them.

ffmpeg's `-f image2pipe -vcodec pgm` and most camera tools write one complete image after
another with nothing in between. The parser is fed whatever the pipe returns, in pieces of
any size, and hands back each complete frame. A header it cannot read becomes a
``StreamFault`` naming the problem; the parser then skips to the next "P5"/"P6" and goes on,
so garbage or a frame cut short costs a frame or two, not the stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PIL import Image

FrameKind = Literal["P5", "P6"]

CHANNELS: dict[FrameKind, int] = {"P5": 1, "P6": 3}
WHITESPACE = b" \t\n\r\v\f"
DIGITS = b"0123456789"
# A header is a few dozen bytes; comments make it longer, never this long.
MAX_HEADER_BYTES = 4096
# Larger than any camera frame we decode; a garbage header must not make us wait for gigabytes.
MAX_SIDE = 8192
MAX_NUMBER_DIGITS = 5
OTHER_NETPBM = {
    b"P1": "P1 (ASCII bitmap)", b"P2": "P2 (ASCII grey)", b"P3": "P3 (ASCII colour)",
    b"P4": "P4 (bitmap)", b"P7": "P7 (PAM)",
}


@dataclass(frozen=True)
class NetpbmFrame:
    kind: FrameKind
    width: int
    height: int
    maxval: int
    raster: bytes

    def grey(self) -> Image.Image:
        """The frame as an 8-bit grey image. Colour is converted by luminance (ITU-R 601-2),
        never by taking one channel, and samples are scaled from 0..maxval to 0..255."""
        size = (self.width, self.height)
        if self.maxval > 255:
            # PIL keeps the high byte of 16-bit samples; scale what is left of maxval.
            mode, rawmode = ("L", "L;16B") if self.kind == "P5" else ("RGB", "RGB;16B")
            image = Image.frombytes(mode, size, self.raster, "raw", rawmode)
            top = self.maxval >> 8
        else:
            image = Image.frombytes("L" if self.kind == "P5" else "RGB", size, self.raster)
            top = self.maxval
        if image.mode != "L":
            image = image.convert("L")
        if top != 255:
            image = image.point([min(255, round(v * 255 / top)) for v in range(256)])
        return image


@dataclass(frozen=True)
class StreamFault:
    """A header that could not be read; ``problem`` says what was wrong with it."""

    problem: str


class HeaderError(Exception):
    pass


class NeedMore(Exception):
    pass


class NetpbmStreamParser:
    def __init__(self) -> None:
        self._buffer = bytearray()
        self._resynchronising = False
        # Bytes thrown away since the last good frame: a program that never writes netpbm
        # shows as a number that only grows.
        self.skipped_since_frame = 0

    @property
    def pending(self) -> int:
        """Bytes held for a frame not yet complete."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[NetpbmFrame | StreamFault]:
        self._buffer += data
        found: list[NetpbmFrame | StreamFault] = []
        while self._buffer:
            try:
                kind, width, height, maxval, start = _parse_header(self._buffer)
            except NeedMore:
                break
            except HeaderError as error:
                if not self._resynchronising:
                    found.append(StreamFault(str(error)))
                    self._resynchronising = True
                self._skip_to_next_magic()
                continue
            sample_bytes = 1 if maxval < 256 else 2
            end = start + width * height * CHANNELS[kind] * sample_bytes
            if len(self._buffer) < end:
                break
            found.append(NetpbmFrame(kind, width, height, maxval, bytes(self._buffer[start:end])))
            del self._buffer[:end]
            self._resynchronising = False
            self.skipped_since_frame = 0
        return found

    def describe_leftover(self) -> str | None:
        """At the end of the stream: what was left of an unfinished frame, if anything."""
        if not self._buffer:
            return None
        try:
            kind, width, height, maxval, start = _parse_header(self._buffer)
        except (NeedMore, HeaderError):
            return f"the stream ended with {len(self._buffer)} bytes that are not a whole frame"
        size = width * height * CHANNELS[kind] * (1 if maxval < 256 else 2)
        return (f"the stream ended in the middle of a {width}x{height} {kind} frame "
                f"({len(self._buffer) - start} of {size} bytes)")

    def _skip_to_next_magic(self) -> None:
        candidates = [i for i in (self._buffer.find(b"P5", 1), self._buffer.find(b"P6", 1))
                      if i > 0]
        # Without a candidate, keep a trailing "P": the next read may bring its digit.
        cut = min(candidates) if candidates else max(len(self._buffer) - 1, 1)
        del self._buffer[:cut]
        self.skipped_since_frame += cut


def _parse_header(buffer: bytearray) -> tuple[FrameKind, int, int, int, int]:
    """(kind, width, height, maxval, offset of the raster), or NeedMore / HeaderError."""
    if len(buffer) < 2:
        raise NeedMore
    magic = bytes(buffer[:2])
    if magic in OTHER_NETPBM:
        raise HeaderError(f"unsupported netpbm format {OTHER_NETPBM[magic]}: the capture "
                          "program must write binary P5 (grey) or P6 (colour) images")
    if magic not in (b"P5", b"P6"):
        raise HeaderError(f"expected 'P5' or 'P6' at the start of a frame, got "
                          f"{bytes(buffer[:8])!r}")
    kind: FrameKind = "P5" if magic == b"P5" else "P6"
    position = 2
    numbers = []
    for name in ("width", "height", "maxval"):
        position = _skip_space_and_comments(buffer, position, before=name)
        value, position = _read_number(buffer, position, name)
        numbers.append(value)
    width, height, maxval = numbers
    if position >= len(buffer):
        raise NeedMore
    if buffer[position] not in WHITESPACE:
        raise HeaderError(f"maxval must be followed by one whitespace byte, got "
                          f"{bytes(buffer[position:position + 1])!r}")
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
        raise HeaderError(f"frame size {width}x{height} is outside 1x1..{MAX_SIDE}x{MAX_SIDE}")
    if not 1 <= maxval <= 65535:
        raise HeaderError(f"maxval {maxval} is outside 1..65535")
    return kind, width, height, maxval, position + 1


def _skip_space_and_comments(buffer: bytearray, position: int, *, before: str) -> int:
    start = position
    while True:
        if position >= MAX_HEADER_BYTES:
            raise HeaderError(f"header longer than {MAX_HEADER_BYTES} bytes")
        if position >= len(buffer):
            raise NeedMore
        byte = buffer[position]
        if byte in WHITESPACE:
            position += 1
        elif byte == ord("#"):
            # A comment runs to the end of its line.
            ends = [i for i in (buffer.find(b"\n", position), buffer.find(b"\r", position))
                    if i >= 0]
            if not ends:
                if len(buffer) >= MAX_HEADER_BYTES:
                    raise HeaderError(f"header longer than {MAX_HEADER_BYTES} bytes")
                raise NeedMore
            position = min(ends) + 1
        else:
            if position == start:
                raise HeaderError(f"no whitespace before the {before}")
            return position


def _read_number(buffer: bytearray, position: int, name: str) -> tuple[int, int]:
    end = position
    while end < len(buffer) and buffer[end] in DIGITS:
        end += 1
        if end - position > MAX_NUMBER_DIGITS:
            raise HeaderError(f"{name} has more than {MAX_NUMBER_DIGITS} digits")
    if end == len(buffer):
        raise NeedMore
    if end == position:
        raise HeaderError(f"{name} is not a number: got {bytes(buffer[position:position + 8])!r}")
    return int(buffer[position:end]), end
