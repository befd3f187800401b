"""A bus of simulated lock boards on a pseudo-terminal, speaking the boards' real protocol.

The adapter under test opens the pseudo-terminal like the USB RS485 adapter of a terminal.
Each board answers status requests from its doors, springs doors open on unlock pulses and
carries the faults a test or the demo panel injects. Every frame on the wire is recorded
with its time, so tests can check the exact bytes and the gaps between frames.

Here: the wire, the faults on it and the methods tests call. What the boards' firmware
answers is in sim_boards.py, their doors in sim_model.py, the panel's actions in
sim_actions.py.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from devices.errors import ProtocolError
from devices.locker.port import BoardConfig, ProtocolName
from devices.locker.protocols import protocol_named
from devices.locker.sim_actions import LOCKER_ACTIONS
from devices.locker.sim_boards import SimBoards
from devices.locker.sim_model import SimDoor
from devices.sim.actions import ActionDispatch
from devices.sim.pty import PtyEndpoint
from devices.sim.pty_device import PtyDevice
from devices.sim.simulator import SimStatus

# The noise some generic boards send in front of a reply (Darunnn/Locker).
NOISE = bytes.fromhex("FA FD 99 99")
READ_SLICE_S = 0.01
# Frames kept for tests and the demo; a simulator running for days must not hoard them all.
TRAFFIC_KEPT = 10_000
REJECTED_KEPT = 100


@dataclass(frozen=True)
class WireFrame:
    """One frame on the wire. Requests are stamped when the simulator read them (``end``
    adds their wire time when paced); replies from just before the write to the moment
    the last byte was out at the paced baud (the same moment, unpaced)."""

    direction: Literal["request", "reply", "noise"]
    start: float
    end: float
    data: bytes


class LockerBusSimulator(PtyDevice, ActionDispatch):
    def __init__(
        self,
        link: Path,
        protocol: ProtocolName,
        boards: tuple[BoardConfig, ...],
        *,
        name: str = "locker",
        pace_baud: int | None = None,
    ) -> None:
        self.protocol = protocol_named(protocol)
        self.pace_baud = pace_baud
        super().__init__(name, PtyEndpoint(link, pace_baud=pace_baud))
        self.boards = SimBoards(self.protocol, boards)   # guarded by _lock once started
        self.open_delay_s = 0.0     # from an unlock pulse to the door springing open
        self.reply_delay_s = 0.0    # a board's thinking time before it answers
        self._corrupt = 0
        self._noise = b""
        self._traffic: deque[WireFrame] = deque(maxlen=TRAFFIC_KEPT)
        self.rejected: deque[str] = deque(maxlen=REJECTED_KEPT)  # ignored requests, and why
        self.requests_received = 0
        self._turns = 0             # rounds of the serving loop: each reads, then answers all
        self._lock = threading.RLock()

    # The doors, for tests.

    def door(self, board: int, lock: int) -> SimDoor:
        """A copy of the door's state now."""
        with self._lock:
            simulated = self.boards.board(board)
            simulated.settle(time.monotonic())
            door = simulated.door(lock)
            return SimDoor(**vars(door))

    def open_doors(self) -> list[tuple[int, int]]:
        """(board, lock) of every door standing open now."""
        now = time.monotonic()
        with self._lock:
            doors = []
            for board in self.boards:
                board.settle(now)
                doors += [(board.address, lock) for lock, door in enumerate(board.doors, 1)
                          if door.open]
            return doors

    def set_door(self, board: int, lock: int, *, open: bool | None = None,
                 item: bool | None = None) -> None:
        """Sets up a door's state directly, as if it had always been so."""
        with self._lock:
            door = self.boards.board(board).door(lock)
            if open is not None:
                door.open, door.opens_at = open, None
            if item is not None:
                door.item = item

    def close_door(self, board: int, lock: int) -> None:
        with self._lock:
            self.boards.board(board).close(lock)

    def force_open(self, board: int, lock: int) -> None:
        """The door opens without any command (pried open, or a latch that failed)."""
        with self._lock:
            door = self.boards.board(board).door(lock)
            door.open, door.opens_at = True, None

    def put_item(self, board: int, lock: int) -> None:
        self._hand_in(board, lock, True)

    def take_item(self, board: int, lock: int) -> None:
        self._hand_in(board, lock, False)

    def _hand_in(self, board: int, lock: int, item: bool) -> None:
        with self._lock:
            simulated = self.boards.board(board)
            simulated.settle(time.monotonic())
            door = simulated.door(lock)
            if not door.open:
                raise ValueError(f"door {board}/{lock} is shut: open it first")
            door.item = item

    def jam(self, board: int, lock: int, jammed: bool = True) -> None:
        with self._lock:
            self.boards.board(board).door(lock).jammed = jammed

    def set_wiring(self, board: int, closed_when_bit_set: bool) -> None:
        """The hook switches actually fitted on ``board`` (NO vs NC), whatever the config."""
        with self._lock:
            self.boards.board(board).closed_when_bit_set = closed_when_bit_set

    def set_status_locks(self, board: int, locks: int) -> None:
        """How many lock bits the board's status reply carries (generic 8A firmware)."""
        with self._lock:
            self.boards.board(board).status_locks = locks

    # Faults.

    def silence(self, board: int, silent: bool = True) -> None:
        """The board still hears and acts on commands but never answers."""
        with self._lock:
            self.boards.board(board).silent = silent

    def unplug_board(self, board: int) -> None:
        """The board is gone from the bus: it neither answers nor acts."""
        with self._lock:
            self.boards.board(board).unplugged = True

    def plug_board(self, board: int) -> None:
        with self._lock:
            self.boards.board(board).unplugged = False

    def corrupt_replies(self, count: int) -> None:
        """The next ``count`` replies (from any board) carry a wrong checksum."""
        with self._lock:
            self._corrupt = count

    def send_noise(self, noise: bytes | None = NOISE) -> None:
        """Puts ``noise`` in front of every reply from now on (None or b"" stops it)."""
        with self._lock:
            self._noise = noise or b""

    def clear_faults(self) -> None:
        with self._lock:
            self._corrupt, self._noise = 0, b""
            for board in self.boards:
                board.silent = board.unplugged = False
                for door in board.doors:
                    door.jammed = False

    def unplug(self) -> None:
        """The whole bus: the USB adapter is pulled out."""
        self.endpoint.unplug()

    def plug(self) -> None:
        self.endpoint.plug()

    # What went over the wire.

    @property
    def traffic(self) -> list[WireFrame]:
        with self._lock:
            return list(self._traffic)

    def requests(self) -> list[WireFrame]:
        return [f for f in self.traffic if f.direction == "request"]

    def clear_traffic(self) -> None:
        with self._lock:
            self._traffic.clear()

    def wait_for_request(self, matches: Callable[[WireFrame], bool], timeout_s: float = 3.0,
                         ) -> WireFrame:
        """The first recorded request that ``matches``; AssertionError after the timeout."""
        deadline = time.monotonic() + timeout_s
        while True:
            for frame in self.requests():
                if matches(frame):
                    return frame
            if time.monotonic() > deadline:
                seen = " | ".join(f.data.hex(" ") for f in self.requests()[-8:])
                raise AssertionError(f"no such request within {timeout_s} s; last: {seen}")
            time.sleep(0.005)

    def wait_quiet(self, timeout_s: float = 5.0) -> None:
        """Returns once everything written to the bus so far has been read and answered:
        nothing waits in the pseudo-terminal, and the serving loop has since begun a new
        round (a round reads, then answers every frame it read). A test that kills the
        adapter's process calls it to tell that process's last frames from the next one's."""
        deadline = time.monotonic() + timeout_s
        while self.endpoint.pending():
            self._before(deadline, timeout_s)
        turns = self._turns     # the round that read the last bytes is this one or earlier
        while self._turns < turns + 2:
            self._before(deadline, timeout_s)

    @staticmethod
    def _before(deadline: float, timeout_s: float) -> None:
        if time.monotonic() > deadline:
            raise AssertionError(f"the simulator did not go quiet within {timeout_s} s")
        time.sleep(0.002)

    # The Simulator protocol: status here, actions() and perform() from sim_actions.py.

    def status(self) -> SimStatus:
        with self._lock:
            now = time.monotonic()
            faults = []
            boards = {}
            if self._corrupt:
                faults.append(f"next {self._corrupt} replies corrupted")
            if self._noise:
                faults.append("noise before each reply")
            for board in self.boards:
                address = board.address
                board.settle(now)
                if board.silent:
                    faults.append(f"board {address} not answering")
                if board.unplugged:
                    faults.append(f"board {address} unplugged")
                faults += [f"lock {address}/{n} jammed" for n, d in enumerate(board.doors, 1)
                           if d.jammed]
                boards[str(address)] = {
                    "open": [n for n, d in enumerate(board.doors, 1) if d.open],
                    "items": [n for n, d in enumerate(board.doors, 1) if d.item],
                }
            return SimStatus(plugged=self.endpoint.plugged, faults=faults,
                             detail={"protocol": self.protocol.name, "boards": boards,
                                     "requests": self.requests_received})

    ACTIONS = LOCKER_ACTIONS

    # The boards' side of the wire.

    def _serve(self) -> None:
        scanner = self.protocol.request_scanner()
        was_plugged = True
        while not self._stopping:
            self._turns += 1
            plugged = self.endpoint.plugged
            if plugged != was_plugged:
                scanner = self.protocol.request_scanner()   # a new cable, a clean line
                was_plugged = plugged
            data = self.endpoint.read(READ_SLICE_S)
            now = time.monotonic()
            if not data:
                if scanner.pending:
                    self._ignore(scanner.finish)     # the line went quiet mid-frame
                continue
            scanner.feed(data)
            while True:
                try:
                    frame = scanner.next_frame()
                except ProtocolError as error:
                    self._note_rejected(error)      # consumed: carry on after it
                    continue
                if frame is None:
                    break
                self._answer(frame, now)

    def _ignore(self, step: Callable[[], None]) -> None:
        try:
            step()
        except ProtocolError as error:
            self._note_rejected(error)

    def _note_rejected(self, error: ProtocolError) -> None:
        """A damaged request: a board ignores it, the simulator remembers it."""
        with self._lock:
            self.rejected.append(str(error))

    def _answer(self, frame: bytes, arrived: float) -> None:
        end = arrived
        if self.pace_baud:
            # The bytes came through the pseudo-terminal at once; on a wire the last one
            # arrives after the frame's transmission time, and only then can a board answer.
            end = arrived + len(frame) * 10 / self.pace_baud
            _sleep_until(end)
        command = self.protocol.decode_request(frame)
        with self._lock:
            self._traffic.append(WireFrame("request", arrived, end, frame))
            self.requests_received += 1
            replies = self.boards.answer(command, end, self.open_delay_s)
        for reply in replies:
            if self.reply_delay_s:
                time.sleep(self.reply_delay_s)
            self._send(reply)

    def _send(self, reply: bytes) -> None:
        with self._lock:
            noise = self._noise
            if self._corrupt > 0:
                self._corrupt -= 1
                reply = reply[:-1] + bytes([reply[-1] ^ 0x5A])
        if noise:
            self._write("noise", noise)
        self._write("reply", reply)

    def _write(self, direction: Literal["reply", "noise"], data: bytes) -> None:
        start = time.monotonic()
        # The bytes are readable from the moment the write lets go of them: ``start`` plus
        # the pacing, computed rather than stamped afterwards, so that this thread being
        # descheduled after the write cannot make the next gap look shorter than it was.
        end = start + (len(data) * 10 / self.pace_baud if self.pace_baud else 0.0)
        # Recorded before it is written: a reader that has the reply finds it in the traffic.
        if self.endpoint.plugged:
            with self._lock:
                self._traffic.append(WireFrame(direction, start, end, data))
        self.endpoint.write(data)


def _sleep_until(moment: float) -> None:
    pause = moment - time.monotonic()
    if pause > 0:
        time.sleep(pause)
