"""What tests, `kiosk sim do` and the demo panel can make a simulated lock-board bus do.

The actions work through the simulator's own methods (close_door, jam, silence...), the
ones tests call directly. A door is named as the panel sends it, door=BOARD/LOCK, or as
board=B lock=L; on a bus of one board, board may be left out.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol

from devices.locker.sim_boards import SimBoards
from devices.sim.actions import ActionSpec, Arg, whole_number


class LockerBusSimulator(Protocol):
    """What the actions use of the simulator (devices/locker/simulator.py), which takes
    this table: named here so that the two modules do not import each other."""

    name: str
    boards: SimBoards

    def open_doors(self) -> list[tuple[int, int]]: ...
    def close_door(self, board: int, lock: int) -> None: ...
    def force_open(self, board: int, lock: int) -> None: ...
    def put_item(self, board: int, lock: int) -> None: ...
    def take_item(self, board: int, lock: int) -> None: ...
    def jam(self, board: int, lock: int, jammed: bool = True) -> None: ...
    def silence(self, board: int, silent: bool = True) -> None: ...
    def unplug_board(self, board: int) -> None: ...
    def corrupt_replies(self, count: int) -> None: ...
    def send_noise(self, noise: bytes | None = ...) -> None: ...
    def clear_faults(self) -> None: ...
    def unplug(self) -> None: ...
    def plug(self) -> None: ...


DoorAct = Callable[[LockerBusSimulator, int, int], None]

_BOARD = Arg("board", int)
_LOCK = Arg("lock", int)
_DOOR = (Arg("door", default=None),)
_BOARD_AND_LOCK = (Arg("board", int, None), Arg("lock", int, None))


def _open_doors(sim: LockerBusSimulator) -> tuple[str, ...]:
    """What a person does at the locker applies to the doors standing open right now, so
    the panel offers exactly those."""
    return tuple(f"{board}/{lock}" for board, lock in sim.open_doors())


def _first_doors(sim: LockerBusSimulator) -> tuple[str, ...]:
    first = next(iter(sim.boards))
    return tuple(f"{first.address}/{lock}" for lock in range(1, min(3, len(first.doors)) + 1))


def _first_boards(sim: LockerBusSimulator) -> tuple[str, ...]:
    return tuple(str(board.address) for board in sim.boards)[:3]


def _on_door(sim: LockerBusSimulator, door: str | None, board: int | None, lock: int | None,
             *, act: DoorAct, outcome: str) -> str:
    if door is not None:
        board_text, _, lock_text = door.partition("/")
        if not lock_text:
            raise ValueError(f"door {door!r}: write it as BOARD/LOCK, e.g. 1/3")
        board, lock = whole_number(board_text, "board"), whole_number(lock_text, "lock")
    if board is None and len(sim.boards) == 1:
        board = next(iter(sim.boards)).address
    if board is None:
        raise _BOARD.missing(sim.name)
    if lock is None:
        raise _LOCK.missing(sim.name)
    act(sim, board, lock)
    return f"door {board}/{lock} {outcome}"


def _door_action(name: str, label: str, outcome: str, *, act: DoorAct,
                 presets: Callable[[LockerBusSimulator], tuple[str, ...]],
                 fault: bool = False) -> ActionSpec:
    return ActionSpec(name, label, partial(_on_door, act=act, outcome=outcome), args=_DOOR,
                      options=_BOARD_AND_LOCK, presets=presets, fault=fault)


def _silence_board(sim: LockerBusSimulator, board: int) -> str:
    sim.silence(board)
    return f"board {board} stopped answering"


def _unplug_board(sim: LockerBusSimulator, board: int) -> str:
    sim.unplug_board(board)
    return f"board {board} unplugged"


def _corrupt(sim: LockerBusSimulator, count: int) -> str:
    sim.corrupt_replies(count)
    return f"next {count} replies corrupted"


LOCKER_ACTIONS = (
    _door_action("close_door", "Close a door", "closed", presets=_open_doors,
                 act=lambda sim, board, lock: sim.close_door(board, lock)),
    _door_action("put_item", "Put a document in", "now holds a document", presets=_open_doors,
                 act=lambda sim, board, lock: sim.put_item(board, lock)),
    _door_action("take_item", "Take the document out", "emptied", presets=_open_doors,
                 act=lambda sim, board, lock: sim.take_item(board, lock)),
    _door_action("force_open", "Force a door open", "forced open", presets=_first_doors,
                 fault=True, act=lambda sim, board, lock: sim.force_open(board, lock)),
    _door_action("jam", "Jam a lock", "jammed", presets=_first_doors, fault=True,
                 act=lambda sim, board, lock: sim.jam(board, lock)),
    ActionSpec("silence_board", "Board stops answering", _silence_board, args=(_BOARD,),
               presets=_first_boards, fault=True),
    ActionSpec("unplug_board", "Unplug a board", _unplug_board, args=(_BOARD,),
               presets=_first_boards, fault=True),
    ActionSpec("corrupt", "Corrupt the next replies", _corrupt, args=(Arg("count", int, 1),),
               presets=("1", "3"), fault=True),
    ActionSpec("noise", "Noise before each reply", lambda sim: sim.send_noise(), fault=True,
               done="noise before each reply"),
    ActionSpec("clear_faults", "Clear all faults", lambda sim: sim.clear_faults(),
               done="faults cleared"),
    ActionSpec("unplug", "Unplug the locker bus", lambda sim: sim.unplug(), fault=True,
               done="unplugged"),
    ActionSpec("plug", "Plug the locker bus back in", lambda sim: sim.plug(),
               done="plugged in"),
)
