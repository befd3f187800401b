"""Transactions on one lock-board line: one frame at a time, a quiet gap between frames.

Used by the bus adapter's worker thread and by `kiosk doctor locker`, never by two
threads at once: RS485 is half duplex, so a second frame on the line garbles both.
"""

from __future__ import annotations

import logging
import termios
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from devices.errors import DeviceError, DeviceNotFound, DeviceTimeout, ProtocolError
from devices.locker.protocols.base import LockProtocol, RawStatus, Reply, ReplyParser, Request
from devices.serial_link import SerialLink

log = logging.getLogger("devices.locker")


class FrameNotSent(DeviceNotFound):
    """The port went away before a frame was written whole: no board acted on it (a frame
    cut short fails its checksum)."""


BITS_PER_BYTE = 10          # 8N1: start bit, 8 data bits, stop bit
# Modbus-style silence between frames, plus a margin: Open-Locker measured 56/56 failed reads
# on a second board without a gap and 282/282 good ones with 3.5 characters + 1 ms at 9600.
GAP_CHARACTERS = 3.5
GAP_MARGIN_S = 0.001


def frame_gap_for(baud: int) -> float:
    """The default inter-frame gap: 4.6 ms at 9600 baud, 2.8 ms at 19200, 1.3 ms at 115200."""
    return GAP_CHARACTERS * BITS_PER_BYTE / baud + GAP_MARGIN_S


def wire_time(size: int, baud: int) -> float:
    return size * BITS_PER_BYTE / baud


@dataclass(frozen=True)
class Exchange:
    """What one request brought back."""

    request: Request
    written_at: float               # monotonic time the last byte left this computer
    reply: Reply | None             # None where the protocol sends none
    received_at: float | None = None


@dataclass
class BroadcastResult:
    replies: dict[int, tuple[Reply, float]] = field(default_factory=dict)  # board -> reply, time
    errors: list[ProtocolError] = field(default_factory=list)


class LockerLine:
    def __init__(self, link: SerialLink, protocol: LockProtocol, *, where: str,
                 gap_s: float) -> None:
        self.link = link
        self.protocol = protocol
        self.where = where          # "on bus main", "on /dev/ttyUSB0": for messages
        self.gap_s = gap_s
        self._quiet_since = 0.0     # when the line last carried a byte, either way

    def transact(self, request: Request, *, timeout_s: float, locks: int = 0) -> Exchange:
        """Sends ``request`` and, where the protocol answers, waits for the matching reply.

        Raises DeviceTimeout if none comes within ``timeout_s``, ProtocolError for a
        damaged one, DeviceNotFound if the port goes away."""
        written_at = self._send(request)
        if not request.replies:
            return Exchange(request, written_at, None)
        reply, received_at = self._await_reply(request, written_at, timeout_s, locks)
        return Exchange(request, written_at, reply, received_at)

    def broadcast(self, request: Request, boards: Collection[int], *, timeout_s: float,
                  tail_s: float) -> BroadcastResult:
        """Sends a request every board answers and collects every status reply.

        Listens until each of ``boards`` has answered and the line has then been quiet for
        ``tail_s``, or until it has been quiet for ``timeout_s``. The tail catches a board
        nobody configured answering after the last expected one: sending the next frame
        over its reply would garble both. Damaged frames are collected, not raised, so one
        noisy board does not hide the others."""
        result = BroadcastResult()
        expected = set(boards)
        self._send(request)
        parser = self.protocol.reply_parser(request)

        def window() -> float:
            return tail_s if expected <= result.replies.keys() else timeout_s

        deadline = time.monotonic() + timeout_s
        while True:
            try:
                reply = parser.next_reply()
            except ProtocolError as error:
                result.errors.append(_damaged(request, self.where, error))
                deadline = time.monotonic() + window()
                continue
            if reply is not None:
                if reply.kind == "status":
                    result.replies[reply.board] = (reply, self._quiet_since)
                deadline = time.monotonic() + window()
                continue
            if time.monotonic() >= deadline:
                break
            data = self.link.read(parser.wanted)
            if data:
                self._quiet_since = time.monotonic()
                parser.feed(data)
                # A frame under way is let finish.
                deadline = max(deadline, self._quiet_since + window())
        try:
            self._finish(parser, request)
        except ProtocolError as error:
            result.errors.append(error)
        return result

    def read_status(self, board: int, locks: int, *, timeout_s: float, tries: int,
                    between_tries: Callable[[], None] | None = None,
                    ) -> tuple[RawStatus, Reply, float]:
        """The board's raw status, retried up to ``tries`` times in all.

        Raises the last failure with the count of tries and what to check."""
        request = self.protocol.status_request(board)
        failures: list[DeviceError] = []
        for attempt in range(tries):
            if attempt and between_tries is not None:
                between_tries()
            try:
                written_at = self._send(request)
                reply, received_at = self._await_reply(request, written_at, timeout_s, locks)
            except (DeviceTimeout, ProtocolError) as error:
                log.debug("%s (try %d of %d)", error, attempt + 1, tries)
                failures.append(error)
                continue
            return self.protocol.decode_status(reply), reply, received_at
        raise _gave_up(board, request, failures, timeout_s, self.where)

    def _send(self, request: Request) -> float:
        pause = self._quiet_since + self.gap_s - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        started = time.monotonic()
        try:
            # Whatever arrived since the last transaction (a late reply, noise) is stale now.
            self.link.discard_input()
            self.link.write(request.frame)
        except termios.error as error:
            # pyserial lets termios errors from tcflush/tcdrain through when the adapter
            # vanishes mid-call; they mean the same as the OSErrors SerialLink translates.
            self.link.close()
            raise FrameNotSent(f"{self.link.device}: {self.link.port} went away "
                               f"({error.args[-1]})") from None
        except DeviceNotFound as error:
            raise FrameNotSent(str(error)) from None
        written_at = time.monotonic()
        # The write may return once the bytes are in the adapter's buffer: the line is busy
        # until they have all gone out at the baud rate.
        self._quiet_since = max(written_at, started + wire_time(len(request.frame),
                                                                  self.link.baud))
        return written_at

    def _await_reply(self, request: Request, written_at: float, timeout_s: float,
                     locks: int) -> tuple[Reply, float]:
        parser = self.protocol.reply_parser(request, locks)
        deadline = written_at + timeout_s
        while True:
            try:
                reply = self._next_reply(parser, deadline)
            except ProtocolError as error:
                raise _damaged(request, self.where, error) from None
            if reply is None:
                self._finish(parser, request)
                raise DeviceTimeout(f"board {request.board} {self.where} did not answer "
                                    f"{request.what} within {timeout_s * 1000:.0f} ms")
            if _matches(reply, request):
                return reply, self._quiet_since
            log.debug("%s: ignored a reply for someone else: %s", self.where, reply.frame.hex(" "))

    def _next_reply(self, parser: ReplyParser, deadline: float) -> Reply | None:
        """The next checked reply, or None at the deadline; ProtocolError if damaged."""
        while True:
            reply = parser.next_reply()
            if reply is not None:
                return reply
            if time.monotonic() >= deadline:
                return None
            # Reading exactly what the frame still lacks returns the moment it is in.
            data = self.link.read(parser.wanted)
            if data:
                self._quiet_since = time.monotonic()
                parser.feed(data)

    def _finish(self, parser: ReplyParser, request: Request) -> None:
        try:
            parser.finish()
        except ProtocolError as error:
            raise _damaged(request, self.where, error) from None


def _damaged(request: Request, where: str, error: ProtocolError) -> ProtocolError:
    who = "a board" if request.board is None else f"board {request.board}"
    return ProtocolError(f"{who} {where} answered {request.what} with a damaged frame: {error}")


def _matches(reply: Reply, request: Request) -> bool:
    if request.board is not None and reply.board != request.board:
        return False
    if request.lock is not None and reply.lock is not None and reply.lock != request.lock:
        return False
    return reply.kind == request.answer


def _gave_up(board: int, request: Request, failures: list[DeviceError], timeout_s: float,
             where: str) -> DeviceError:
    tries = f"{len(failures)} {'try' if len(failures) == 1 else 'tries'}"
    damaged = [f for f in failures if isinstance(f, ProtocolError)]
    if damaged and len(damaged) == len(failures):
        return ProtocolError(
            f"board {board} {where} answered {request.what} with damaged frames ({tries}; "
            f"last: {_detail(damaged[-1])}); check the RS485 line for noise: termination "
            "resistors, a shielded twisted pair, a common ground")
    if damaged:
        return DeviceTimeout(
            f"board {board} {where} did not answer {request.what} properly within "
            f"{timeout_s * 1000:.0f} ms ({tries}; last damaged frame: {_detail(damaged[-1])}); "
            "check the RS485 wiring and its termination")
    return DeviceTimeout(
        f"board {board} {where} did not answer {request.what} within "
        f"{timeout_s * 1000:.0f} ms ({tries}); check its address switch, its power and the "
        "RS485 wiring (A to A, B to B)")


def _detail(error: DeviceError) -> str:
    text = str(error)
    marker = "damaged frame: "
    return text.split(marker, 1)[1] if marker in text else text
