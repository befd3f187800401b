"""A bus of simulated lock boards on a pseudo-terminal, speaking the boards' real protocol.

The adapter under test opens the pseudo-terminal like the USB RS485 adapter of a terminal.
Each board answers status requests from its doors, springs doors open on unlock pulses and
carries the faults a test or the demo panel injects. Every frame on the wire is recorded
with its time, so tests can check the exact bytes and the gaps between frames.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from devices.errors import ProtocolError
from devices.locker.port import BoardConfig, ProtocolName
from devices.locker.protocols import protocol_named
from devices.locker.protocols.base import Command
from devices.locker.protocols.generic_8a import Generic8A
from devices.locker.protocols.kerong_cu16 import KerongCu16
from devices.locker.sim_model import SimBoard, SimDoor
from devices.sim.pty import PtyEndpoint
from devices.sim.pty_device import PtyDevice
from devices.sim.simulator import SimAction, SimStatus, UnknownAction

# The noise some generic boards send in front of a reply (Darunnn/Locker).
NOISE = bytes.fromhex("FA FD 99 99")
READ_SLICE_S = 0.01
# Generic 8A firmware for 24 channels answers "query all" with 3 status bytes even on an
# 8-channel board (Open-Locker ADR-0061), so the simulated boards do too.
GENERIC_8A_MIN_STATUS_LOCKS = 24
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


class LockerBusSimulator(PtyDevice):
    def __init__(
        self,
        link: Path,
        protocol: ProtocolName,
        boards: tuple[BoardConfig, ...],
        *,
        name: str = "locker",
        pace_baud: int | None = None,
    ) -> None:
        self.name = name
        self.protocol = protocol_named(protocol)
        self.pace_baud = pace_baud
        super().__init__(PtyEndpoint(link, pace_baud=pace_baud))
        self._boards = {config.address: SimBoard(config, self._status_locks(config))
                        for config in sorted(boards, key=lambda c: c.address)}
        self.open_delay_s = 0.0     # from an unlock pulse to the door springing open
        self.reply_delay_s = 0.0    # a board's thinking time before it answers
        self._corrupt = 0
        self._noise = b""
        self._traffic: deque[WireFrame] = deque(maxlen=TRAFFIC_KEPT)
        self.rejected: deque[str] = deque(maxlen=REJECTED_KEPT)  # ignored requests, and why
        self.requests_received = 0
        self._lock = threading.RLock()

    # The doors, for tests.

    def door(self, board: int, lock: int) -> SimDoor:
        """A copy of the door's state now."""
        with self._lock:
            simulated = self._board(board)
            simulated.settle(time.monotonic())
            door = simulated.door(lock)
            return SimDoor(**vars(door))

    def set_door(self, board: int, lock: int, *, open: bool | None = None,
                 item: bool | None = None) -> None:
        """Sets up a door's state directly, as if it had always been so."""
        with self._lock:
            door = self._board(board).door(lock)
            if open is not None:
                door.open, door.opens_at = open, None
            if item is not None:
                door.item = item

    def close_door(self, board: int, lock: int) -> None:
        with self._lock:
            self._board(board).close(lock)

    def force_open(self, board: int, lock: int) -> None:
        """The door opens without any command (pried open, or a latch that failed)."""
        with self._lock:
            door = self._board(board).door(lock)
            door.open, door.opens_at = True, None

    def put_item(self, board: int, lock: int) -> None:
        self._hand_in(board, lock, True)

    def take_item(self, board: int, lock: int) -> None:
        self._hand_in(board, lock, False)

    def jam(self, board: int, lock: int, jammed: bool = True) -> None:
        with self._lock:
            self._board(board).door(lock).jammed = jammed

    def set_wiring(self, board: int, closed_when_bit_set: bool) -> None:
        """The hook switches actually fitted on ``board`` (NO vs NC), whatever the config."""
        with self._lock:
            self._board(board).closed_when_bit_set = closed_when_bit_set

    def set_status_locks(self, board: int, locks: int) -> None:
        """How many lock bits the board's status reply carries (generic 8A firmware)."""
        with self._lock:
            self._board(board).status_locks = locks

    # Faults.

    def silence(self, board: int, silent: bool = True) -> None:
        """The board still hears and acts on commands but never answers."""
        with self._lock:
            self._board(board).silent = silent

    def unplug_board(self, board: int) -> None:
        """The board is gone from the bus: it neither answers nor acts."""
        with self._lock:
            self._board(board).unplugged = True

    def plug_board(self, board: int) -> None:
        with self._lock:
            self._board(board).unplugged = False

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
            for board in self._boards.values():
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

    # The Simulator protocol: status, actions and perform, for the control socket and panel.

    def status(self) -> SimStatus:
        with self._lock:
            now = time.monotonic()
            faults = []
            boards = {}
            if self._corrupt:
                faults.append(f"next {self._corrupt} replies corrupted")
            if self._noise:
                faults.append("noise before each reply")
            for address, board in self._boards.items():
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

    def actions(self) -> list[SimAction]:
        first = next(iter(self._boards.values()))
        doors = tuple(f"{first.address}/{lock}" for lock in range(1, min(3, len(first.doors))
                                                                   + 1))
        boards = tuple(str(address) for address in list(self._boards)[:3])
        # What a person does at the locker applies to the doors standing open right now,
        # so the demo panel offers exactly those.
        now = time.monotonic()
        with self._lock:
            open_doors = []
            for address, board in self._boards.items():
                board.settle(now)
                open_doors += [f"{address}/{lock}" for lock in range(1, len(board.doors) + 1)
                               if board.door(lock).open]
        opened = tuple(open_doors)
        return [
            SimAction("close_door", "Close a door", params=("door",), presets=opened),
            SimAction("put_item", "Put a document in", params=("door",), presets=opened),
            SimAction("take_item", "Take the document out", params=("door",), presets=opened),
            SimAction("force_open", "Force a door open", params=("door",), presets=doors,
                      fault=True),
            SimAction("jam", "Jam a lock", params=("door",), presets=doors, fault=True),
            SimAction("silence_board", "Board stops answering", params=("board",),
                      presets=boards, fault=True),
            SimAction("unplug_board", "Unplug a board", params=("board",), presets=boards,
                      fault=True),
            SimAction("corrupt", "Corrupt the next replies", params=("count",),
                      presets=("1", "3"), fault=True),
            SimAction("noise", "Noise before each reply", fault=True),
            SimAction("clear_faults", "Clear all faults"),
            SimAction("unplug", "Unplug the locker bus", fault=True),
            SimAction("plug", "Plug the locker bus back in"),
        ]

    def perform(self, action: str, args: Mapping[str, str]) -> str:
        """Door actions take door=BOARD/LOCK (as the panel sends) or board=B lock=L."""
        door_actions: dict[str, tuple[Callable[[int, int], None], str]] = {
            "close_door": (self.close_door, "closed"),
            "put_item": (self.put_item, "now holds a document"),
            "take_item": (self.take_item, "emptied"),
            "force_open": (self.force_open, "forced open"),
            "jam": (self.jam, "jammed"),
        }
        if action in door_actions:
            do, outcome = door_actions[action]
            board, lock = self._door_args(args)
            do(board, lock)
            return f"door {board}/{lock} {outcome}"
        if action in ("silence_board", "unplug_board"):
            board = self._int_arg(args, "board")
            if action == "silence_board":
                self.silence(board)
                return f"board {board} stopped answering"
            self.unplug_board(board)
            return f"board {board} unplugged"
        if action == "corrupt":
            count = self._int_arg(args, "count", default=1)
            self.corrupt_replies(count)
            return f"next {count} replies corrupted"
        if action == "noise":
            self.send_noise()
            return "noise before each reply"
        if action == "clear_faults":
            self.clear_faults()
            return "faults cleared"
        if action == "unplug":
            self.unplug()
            return "unplugged"
        if action == "plug":
            self.plug()
            return "plugged in"
        raise UnknownAction(self.name, action, self.actions())

    # The boards' side of the wire.

    def _serve(self) -> None:
        scanner = self.protocol.request_scanner()
        was_plugged = True
        while not self._stop.is_set():
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
            replies = self._apply(command, end)
        for reply in replies:
            if self.reply_delay_s:
                time.sleep(self.reply_delay_s)
            self._send(reply)

    def _apply(self, command: Command, now: float) -> list[bytes]:
        """Acts on a command and returns the replies to send, in order."""
        if command.kind == "status_all":
            return [self._status(board, now, all_boards=True)
                    for board in self._boards.values() if self._answers(board)]
        board = self._boards.get(command.board) if command.board is not None else None
        if board is None or board.unplugged:
            return []
        replies = self._act(board, command, now)
        return replies if self._answers(board) else []

    def _act(self, board: SimBoard, command: Command, now: float) -> list[bytes]:
        protocol = self.protocol
        if command.kind == "status":
            return [self._status(board, now)]
        if command.kind == "lock_status" and command.lock is not None:
            if command.lock > board.status_locks:
                return []
            return [protocol.encode_status(board.address, board.lock_bits(now), None,
                                           lock=command.lock)]
        if command.kind == "unlock" and command.lock is not None:
            if command.lock > len(board.doors):
                return []    # nothing wired to that channel
            board.pulse(command.lock, now, self.open_delay_s)
            bit = board.lock_bits(now)[command.lock - 1]
            reply = protocol.encode_unlock_reply(board.address, command.lock, bit)
            return [reply] if reply is not None else []
        if command.kind == "unlock_all":
            for lock in range(1, len(board.doors) + 1):
                board.pulse(lock, now, self.open_delay_s)
            # Only the CU16 answers 0x33, with its status.
            return [self._status(board, now)] if isinstance(protocol, KerongCu16) else []
        if command.kind == "unlock_time_query" and isinstance(protocol, KerongCu16):
            return [protocol.encode_unlock_time(board.address, board.lock_bits(now),
                                                board.unlock_time_ms)]
        if command.kind == "unlock_time_set" and command.value is not None:
            board.unlock_time_ms = command.value
        return []

    def _status(self, board: SimBoard, now: float, *, all_boards: bool = False) -> bytes:
        items = board.item_bits() if self.protocol.item_sensing else None
        return self.protocol.encode_status(board.address, board.lock_bits(now), items,
                                           all_boards=all_boards)

    def _answers(self, board: SimBoard) -> bool:
        return not (board.silent or board.unplugged)

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
        self.endpoint.write(data)
        with self._lock:
            self._traffic.append(WireFrame(direction, start, end, data))

    # Helpers.

    def _status_locks(self, config: BoardConfig) -> int:
        if isinstance(self.protocol, Generic8A):
            return max(GENERIC_8A_MIN_STATUS_LOCKS, -(-config.locks // 8) * 8)
        return self.protocol.max_locks

    def _board(self, board: int) -> SimBoard:
        try:
            return self._boards[board]
        except KeyError:
            known = ", ".join(map(str, self._boards))
            raise ValueError(f"no simulated board {board}; boards: {known}") from None

    def _hand_in(self, board: int, lock: int, item: bool) -> None:
        with self._lock:
            simulated = self._board(board)
            simulated.settle(time.monotonic())
            door = simulated.door(lock)
            if not door.open:
                raise ValueError(f"door {board}/{lock} is shut: open it first")
            door.item = item

    def _door_args(self, args: Mapping[str, str]) -> tuple[int, int]:
        if "door" in args:
            board, _, lock = args["door"].partition("/")
            if not lock:
                raise ValueError(f"door {args['door']!r}: write it as BOARD/LOCK, e.g. 1/3")
            return self._number(board, "board"), self._number(lock, "lock")
        if "board" not in args and len(self._boards) == 1:
            return next(iter(self._boards)), self._int_arg(args, "lock")
        return self._int_arg(args, "board"), self._int_arg(args, "lock")

    def _int_arg(self, args: Mapping[str, str], key: str, default: int | None = None) -> int:
        if key not in args:
            if default is not None:
                return default
            raise ValueError(f"{self.name}: this action needs {key}=N")
        return self._number(args[key], key)

    @staticmethod
    def _number(text: str, what: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{what} {text!r} is not a number") from None


def _sleep_until(moment: float) -> None:
    pause = moment - time.monotonic()
    if pause > 0:
        time.sleep(pause)
