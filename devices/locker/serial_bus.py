"""A lock-board bus on a serial line (RS485 through a USB adapter): the LockerBus adapter.

One worker thread ("locker-<name>") owns the line and does one transaction at a time:
caller requests first (unlocks ahead of reads), then, when the poll is due, a sweep of every
board. Between two transactions of a sweep the queue is checked again, so an unlock waits
behind at most one poll. Sweeps rest ``poll_interval_s`` apart, so the line is idle most of
the time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Any

from devices.errors import (
    DeviceNotFound,
    DeviceTimeout,
    ProtocolError,
    UnlockNotSent,
)
from devices.health import DeviceState, HealthReporter
from devices.locker.board_watch import BoardWatch
from devices.locker.bus_jobs import READ, SWEEP, UNLOCK, WAKE, JobQueue
from devices.locker.doors import snapshot
from devices.locker.line import FrameNotSent, LockerLine, frame_gap_for
from devices.locker.port import (
    BoardConfig,
    BoardHealthListener,
    BoardSnapshot,
    ProtocolName,
    SnapshotListener,
    UnlockAck,
)
from devices.locker.protocols import protocol_named
from devices.locker.protocols.base import LockProtocol, Request
from devices.serial_link import SerialLink
from devices.worker import Worker

log = logging.getLogger("devices.locker")

# Timing defaults, each overridable per bus.
# A sweep every half second: Open-Locker polls at 500 ms, and a resident takes 1-3 s to
# reach for a door, so an open is seen well inside the 10 s detection window.
POLL_INTERVAL_S = 0.5
# Boards answer a status request within a few ms; 200 ms leaves room for USB adapters that
# deliver a reply in bursts, yet a dead board costs little line time.
REPLY_TIMEOUT_S = 0.2
# 8A boards acknowledge an unlock after the pulse (sources say "1 秒后返回").
UNLOCK_REPLY_TIMEOUT_S = 1.5
# Three tries before a board is declared offline: one lost frame is noise, three is a fault.
TRIES = 3
# A serial read blocks at most this long (it returns sooner once the bytes asked for are
# in), so deadlines such as the few-ms tail after an all-boards status are kept to within it.
READ_SLICE_S = 0.002

_BROADCAST_MISSES_BEFORE_GIVING_UP = 3


class UnlockLostWithLine(UnlockNotSent, DeviceNotFound):
    """The port went away before an unlock frame was written: not sent, for the caller
    (who may refuse the resident at once), and a lost line, for the worker."""


class SerialLockerBus:
    """Implements devices.locker.port.LockerBus."""

    def __init__(
        self,
        name: str,
        port: str,
        baud: int,
        protocol: ProtocolName,
        boards: tuple[BoardConfig, ...],
        *,
        poll_interval_s: float = POLL_INTERVAL_S,
        reply_timeout_s: float = REPLY_TIMEOUT_S,
        unlock_reply_timeout_s: float = UNLOCK_REPLY_TIMEOUT_S,
        tries: int = TRIES,
        frame_gap_s: float | None = None,     # None: 3.5 characters + 1 ms at ``baud``
        broadcast_sweeps: bool = True,        # one all-boards status per sweep, where the
                                              # protocol has one (CU16 0x32, CU48 to 0x0A)
    ) -> None:
        self.name = name
        self.port = port
        self.protocol: LockProtocol = protocol_named(protocol)
        _check_boards(self.protocol, boards)
        if tries < 1:
            raise ValueError("tries must be at least 1")
        self._boards = tuple(boards)
        self._by_address = {board.address: board for board in boards}
        device = f"locker-{name}"
        self.health = HealthReporter(device, log)
        self._link = SerialLink(device, port, baud, self.health, read_timeout_s=READ_SLICE_S)
        # Beaten by the link on every read and reconnect attempt, and by each turn of _serve.
        self.progress = self._link.progress
        self.frame_gap_s = frame_gap_for(baud) if frame_gap_s is None else frame_gap_s
        self._line = LockerLine(self._link, self.protocol, where=f"on bus {name}",
                                gap_s=self.frame_gap_s)
        self.poll_interval_s = poll_interval_s
        self.reply_timeout_s = reply_timeout_s
        self.unlock_reply_timeout_s = unlock_reply_timeout_s
        self.tries = tries
        self._broadcast = (self.protocol.all_status_request() if broadcast_sweeps
                           and len(boards) > 1 else None)
        self._broadcast_misses = 0
        self._broadcast_answers = 0
        # After the last expected reply, the line must stay quiet this long before the next
        # frame: two gaps, time for a board nobody configured to start its own reply.
        self._broadcast_tail_s = 2 * self.frame_gap_s
        self._watch = BoardWatch(name, boards, self._link, self.health)
        self._snapshot_listeners: list[SnapshotListener] = []
        self._jobs = JobQueue()
        self._worker = Worker(f"locker-{name}", self._run, join_timeout_s=3,
                              wake=self._wake_worker)

    @property
    def boards(self) -> tuple[BoardConfig, ...]:
        return self._boards

    def board_online(self, board: int) -> bool | None:
        """True/False once the board has answered or been given up on; None before."""
        return self._watch.online(board)

    def on_snapshot(self, listener: SnapshotListener) -> None:
        self._snapshot_listeners.append(listener)

    def on_board_health(self, listener: BoardHealthListener) -> None:
        self._watch.subscribe(listener)

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()
        self._link.close()

    # Requests from other threads.

    def unlock(self, board: int, lock: int, timeout_s: float = 2.0) -> UnlockAck:
        config = self._config(board)
        if not 1 <= lock <= config.locks:
            raise ValueError(f"board {board} on bus {self.name} has locks 1-{config.locks}, "
                             f"not {lock}")
        if not self._link.is_open:
            detail = self.health.current.detail or "not open yet"
            raise UnlockNotSent(f"locker bus {self.name}: {detail}; unlock of board {board} "
                                f"lock {lock} was not sent")
        future = self._jobs.submit(UNLOCK, lambda: self._unlock(board, lock))
        try:
            return future.result(timeout_s)
        except TimeoutError:
            if future.cancel():
                # Never let a stale unlock fire later: the caller has given up on it.
                raise UnlockNotSent(
                    f"bus {self.name} was busy for {timeout_s:.1f} s; the unlock of board "
                    f"{board} lock {lock} was not sent") from None
            raise DeviceTimeout(
                f"board {board} on bus {self.name} did not acknowledge the unlock of lock "
                f"{lock} within {timeout_s:.1f} s; the pulse may have gone out: read the door "
                "before trying again") from None

    def read_board(self, board: int, timeout_s: float = 2.0) -> BoardSnapshot:
        config = self._config(board)
        self._require_line(f"board {board} was not read")
        future = self._jobs.submit(READ, lambda: self._poll(config, self.tries, raise_=True))
        return self._result(future, timeout_s, f"reading board {board}")

    def sweep(self, timeout_s: float = 5.0) -> tuple[BoardSnapshot, ...]:
        """Reads every board now, ahead of the poll cycle, as a poll would. Boards that do
        not answer are missing from the result and reported through on_board_health."""
        self._require_line("the boards were not read")
        future = self._jobs.submit(SWEEP, self._sweep)
        return self._result(future, timeout_s, "a sweep")

    def _config(self, board: int) -> BoardConfig:
        try:
            return self._by_address[board]
        except KeyError:
            known = ", ".join(str(address) for address in self._by_address)
            raise ValueError(f"bus {self.name} has no board {board}; it has: {known}") from None

    def _require_line(self, consequence: str) -> None:
        if not self._link.is_open:
            detail = self.health.current.detail or "not open yet"
            raise DeviceNotFound(f"locker bus {self.name}: {detail}; {consequence}")

    def _wake_worker(self) -> None:
        """A job at the back of the queue: a worker waiting for one sees the stop."""
        self._jobs.submit(WAKE, lambda: None)

    def _result(self, future: Future[Any], timeout_s: float, what: str) -> Any:
        try:
            return future.result(timeout_s)
        except TimeoutError:
            future.cancel()
            raise DeviceTimeout(f"bus {self.name}: {what} took longer than {timeout_s:.1f} s"
                                ) from None

    # The worker thread.

    def _run(self) -> None:
        while self._link.ensure_open(self._worker.stopping):
            try:
                self._serve()
            except DeviceNotFound as error:
                # What was queued for the old line must not go out, minutes later, on the
                # new one. SerialLink has usually set the health already.
                if self.health.current.state is not DeviceState.ABSENT:
                    self.health.set(DeviceState.ABSENT, str(error))
                self._jobs.fail_all(error)
            except Exception:
                log.exception("locker bus %s: unexpected error; carrying on", self.name)
                self._worker.wait(0.5)
        self._jobs.fail_all(DeviceNotFound(f"locker bus {self.name} stopped"))

    def _serve(self) -> None:
        next_sweep = time.monotonic()
        while not self._worker.stopping.is_set():
            self.progress.beat()
            job = self._jobs.next(next_sweep - time.monotonic())
            if job is not None:
                self._jobs.run(job)
                continue
            self._sweep()
            next_sweep = time.monotonic() + self.poll_interval_s

    def _do_queued(self) -> None:
        """Runs the unlocks and reads callers queued: called between the transactions of a
        sweep so that they wait behind one poll at most."""
        self._jobs.run_urgent(self._worker.stopping)

    def _unlock(self, board: int, lock: int) -> UnlockAck:
        request = self.protocol.unlock_request(board, lock)
        if not self._link.is_open:
            raise UnlockNotSent(f"locker bus {self.name} went away; the unlock of board "
                                f"{board} lock {lock} was not sent")
        try:
            exchange = self._line.transact(request, timeout_s=self.unlock_reply_timeout_s)
        except FrameNotSent as error:
            # Gone before the frame was written: certainly not sent. Still a lost line, so
            # the worker waits for the port and fails whatever else was queued for it.
            raise UnlockLostWithLine(f"{error}; the unlock of board {board} lock {lock} was "
                                     "not sent") from None
        except (DeviceTimeout, ProtocolError) as error:
            # Never retried: a second pulse is only sent after the door has been read.
            failure = type(error)(f"{error}; the pulse may have gone out: read the door "
                                  "before trying again")
            log.warning("%s", failure)
            raise failure from None
        reply = exchange.reply.frame if exchange.reply is not None else None
        log.info("bus %s: unlock pulse sent to board %d lock %d", self.name, board, lock)
        return UnlockAck(self.name, board, lock, reply, exchange.written_at)

    def _sweep(self) -> tuple[BoardSnapshot, ...]:
        found: dict[int, BoardSnapshot] = {}
        if self._broadcast is not None:
            found.update(self._broadcast_sweep(self._broadcast))
        for config in self._boards:
            if config.address in found:
                continue
            if self._broadcast is not None and self._watch.online(config.address) is False:
                continue        # it had its chance in the all-boards status
            self._do_queued()
            # A board already given up on gets one try per sweep, not a full set of retries.
            tries = 1 if self._watch.online(config.address) is False else self.tries
            result = self._poll(config, tries)
            if result is not None:
                found[config.address] = result
        self._note_broadcast_outcome(found)
        self._watch.update_line_health()
        return tuple(found[c.address] for c in self._boards if c.address in found)

    def _broadcast_sweep(self, request: Request) -> dict[int, BoardSnapshot]:
        self._do_queued()
        # Every configured board is waited for, even one given up on: if it came back and
        # answered late, our next frame would go out over its reply.
        result = self._line.broadcast(request, self._by_address, timeout_s=self.reply_timeout_s,
                                      tail_s=self._broadcast_tail_s)
        for error in result.errors:
            log.debug("bus %s: %s", self.name, error)
        self._broadcast_answers = len(result.replies)
        found = {}
        for address, (reply, received_at) in result.replies.items():
            config = self._by_address.get(address)
            if config is None:
                self._watch.stranger(address)
                continue
            try:
                raw = self.protocol.decode_status(reply)
                found[address] = snapshot(self.name, raw, config, reply.frame, received_at,
                                          f"on bus {self.name}")
            except ProtocolError as error:
                log.debug("bus %s: %s", self.name, error)
                continue
            self._deliver(found[address])
        return found

    def _note_broadcast_outcome(self, found: dict[int, BoardSnapshot]) -> None:
        """Stops using the all-boards status if boards answer on their own but never to it
        (firmware without it): otherwise every sweep would wait out a timeout for nothing."""
        if self._broadcast is None:
            return
        answers, self._broadcast_answers = self._broadcast_answers, 0
        if answers or not found:
            self._broadcast_misses = 0
            return
        self._broadcast_misses += 1
        if self._broadcast_misses >= _BROADCAST_MISSES_BEFORE_GIVING_UP:
            log.warning("bus %s: the boards answer on their own but not to %s; reading each "
                        "board on its own from now on", self.name, self._broadcast.what)
            self._broadcast = None

    def _poll(self, config: BoardConfig, tries: int, *, raise_: bool = False,
              ) -> BoardSnapshot | None:
        try:
            raw, reply, received_at = self._line.read_status(
                config.address, config.locks, timeout_s=self.reply_timeout_s, tries=tries,
                between_tries=self._do_queued)
            result = snapshot(self.name, raw, config, reply.frame, received_at,
                              f"on bus {self.name}")
        except (DeviceTimeout, ProtocolError) as error:
            self._watch.failed(config.address, error)
            if raise_:
                raise
            return None
        self._deliver(result)
        return result

    def _deliver(self, result: BoardSnapshot) -> None:
        self._watch.answered(result.board)
        for listener in self._snapshot_listeners:
            try:
                listener(result)
            except Exception:
                log.exception("bus %s: a snapshot listener failed", self.name)


def _check_boards(protocol: LockProtocol, boards: Sequence[BoardConfig]) -> None:
    if not boards:
        raise ValueError("a locker bus needs at least one board")
    seen: set[int] = set()
    for board in boards:
        if board.address in seen:
            raise ValueError(f"two boards share address {board.address}")
        seen.add(board.address)
        if board.address not in protocol.addresses:
            first, last = protocol.addresses[0], protocol.addresses[-1]
            raise ValueError(f"{protocol.name} board address {board.address}: use "
                             f"{first}-{last}")
        if not 1 <= board.locks <= protocol.max_locks:
            raise ValueError(f"{protocol.name} board {board.address} has {board.locks} locks; "
                             f"a board has 1-{protocol.max_locks}")
        if board.item_sensor and not protocol.item_sensing:
            raise ValueError(f"{protocol.name} boards do not report item sensors "
                             f"(board {board.address})")
