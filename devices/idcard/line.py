"""One request and its reply at a time on an ID-card reader's serial line.

Used by the reader's worker thread and by `kiosk doctor idcard`. Raw traffic is logged frame
by frame, not chunk by chunk as SerialLink does: requests in full, replies that can carry a
resident's data (30 01 and its kin) as their header and length only, so a name, an ID number
or a photo never reaches devices.log.
"""

from __future__ import annotations

import logging
import termios
import time
from typing import NoReturn

import serial

from devices.errors import DeviceNotFound, DeviceTimeout
from devices.idcard.protocol import (
    FIND_CARD,
    REPLY_HEADER_LENGTH,
    SHORT_FRAME,
    Command,
    FrameError,
    Reply,
    ReplyParser,
)
from devices.serial_link import SerialLink
from devices.traffic import TRAFFIC, log_bytes

# Once a reply has started, this much silence mid-frame means the rest is lost. At 115200
# baud it is some 2300 byte times: far longer than any USB adapter's latency timer.
FRAME_GAP_S = 0.2
# A serial read blocks at most this long; it returns at once when the bytes asked for are in.
READ_SLICE_S = 0.01
BITS_PER_BYTE = 10          # 8N1


def wire_time(size: int, baud: int) -> float:
    return size * BITS_PER_BYTE / baud


class QuietSerialLink(SerialLink):
    """A SerialLink whose reads are not logged: the line logs whole frames itself, so that a
    reply holding a name and an ID number is logged as its header only."""

    def read(self, size: int = 256) -> bytes:
        self.progress.beat()
        port = self._require()
        try:
            return port.read(size)
        except (serial.SerialException, OSError, termios.error) as error:
            self._lost(error)
            raise self._gone(error) from None


class SamLine:
    def __init__(self, link: SerialLink, *, frame_gap_s: float = FRAME_GAP_S) -> None:
        self.link = link
        self.frame_gap_s = frame_gap_s

    @property
    def where(self) -> str:
        return f"on {self.link.port}"

    def transact(self, command: Command, timeout_s: float) -> tuple[Reply, float]:
        """Sends ``command`` and returns its checked reply and when it was complete.

        Raises DeviceTimeout if nothing comes within ``timeout_s``, TruncatedFrame if a reply
        starts but stops (``timeout_s`` passes, or the line is quiet for ``frame_gap_s``
        mid-frame), BadChecksum/BadLength for a damaged one, DeviceNotFound if the port goes.
        The SW3 status is the caller's to judge."""
        device = self.link.device
        try:
            # Whatever arrived since the last exchange (a late reply, noise) is stale now.
            self.link.discard_input()
            self.link.write(command.frame)
        except termios.error as error:
            self.link.close()
            raise DeviceNotFound(f"{device}: {self.link.port} went away "
                                 f"({error.args[-1]})") from None
        written_at = time.monotonic()
        deadline = written_at + timeout_s
        parser = ReplyParser()
        last_byte_at = written_at
        while True:
            try:
                reply = parser.next_reply()
            except FrameError as error:
                _log_withheld(device, "damaged reply", parser)
                raise type(error)(
                    f"ID-card reader {self.where}: {command.what}: {error}") from None
            if reply is not None and _late_find_reply(command, reply):
                # A find card's answer that came after its timeout and after the discard
                # above (a busy host): it answers the previous request, not this one.
                _log_reply(device, FIND_CARD, reply.frame, parser)
                continue
            if reply is not None:
                received_at = last_byte_at
                _log_reply(device, command, reply.frame, parser)
                return reply, received_at
            now = time.monotonic()
            quiet_too_long = parser.started and now - last_byte_at > self.frame_gap_s
            if now >= deadline or quiet_too_long:
                self._give_up(command, parser, timeout_s)
            data = self.link.read(parser.wanted)
            if data:
                last_byte_at = time.monotonic()
                parser.feed(data)

    def _give_up(self, command: Command, parser: ReplyParser, timeout_s: float) -> NoReturn:
        device = self.link.device
        try:
            parser.finish()
        except FrameError as error:
            _log_withheld(device, "reply cut short", parser)
            raise type(error)(f"ID-card reader {self.where}: {command.what}: {error}") from None
        _log_noise(device, parser)
        raise DeviceTimeout(f"ID-card reader {self.where} did not answer {command.what} within "
                            f"{timeout_s * 1000:.0f} ms")


def _log_reply(device: str, command: Command, frame: bytes, parser: ReplyParser) -> None:
    if not TRAFFIC.isEnabledFor(logging.DEBUG):
        return
    _log_noise(device, parser)
    has_data = len(frame) > REPLY_HEADER_LENGTH + 1
    if has_data and (command.personal or len(frame) > SHORT_FRAME):
        TRAFFIC.debug("%s < %s <%d bytes: text and photo withheld>", device,
                      frame[:REPLY_HEADER_LENGTH].hex(" "), len(frame))
    else:
        log_bytes(device, "<", frame)


def _log_withheld(device: str, what: str, parser: ReplyParser) -> None:
    if TRAFFIC.isEnabledFor(logging.DEBUG):
        _log_noise(device, parser)
        TRAFFIC.debug("%s < <%s: withheld>", device, what)


def _log_noise(device: str, parser: ReplyParser) -> None:
    if parser.skipped and TRAFFIC.isEnabledFor(logging.DEBUG):
        # Noise may be the tail of a reply holding personal data: its count, never its bytes.
        TRAFFIC.debug("%s < <%d bytes of noise skipped>", device, parser.skipped)
        parser.skipped = 0


def _late_find_reply(command: Command, reply: Reply) -> bool:
    """Only find card answers "card found" (SW3 9F); to any other request it is the late
    answer of the find before it."""
    return command is not FIND_CARD and reply.sw3 == FIND_CARD.ok
