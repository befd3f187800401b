"""The boards of one simulated lock-board bus, and what their firmware does with a request.

No wire and no threads here: the simulator (simulator.py) reads requests off its
pseudo-terminal, hands each decoded one to ``SimBoards.answer`` under its lock, and writes
the replies, with whatever faults it was told to add. The doors themselves are in
sim_model.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from devices.locker.port import BoardConfig
from devices.locker.protocols.base import Command, LockProtocol
from devices.locker.protocols.generic_8a import Generic8A
from devices.locker.protocols.kerong_cu16 import KerongCu16
from devices.locker.sim_model import SimBoard

# Generic 8A firmware for 24 channels answers "query all" with 3 status bytes even on an
# 8-channel board (Open-Locker ADR-0061), so the simulated boards do too.
GENERIC_8A_MIN_STATUS_LOCKS = 24


class SimBoards:
    """Every board on the bus, in address order."""

    def __init__(self, protocol: LockProtocol, configs: Iterable[BoardConfig]) -> None:
        self.protocol = protocol
        self._boards = {config.address: SimBoard(config, self._status_locks(config))
                        for config in sorted(configs, key=lambda c: c.address)}

    def __iter__(self) -> Iterator[SimBoard]:
        return iter(self._boards.values())

    def __len__(self) -> int:
        return len(self._boards)

    def get(self, address: int) -> SimBoard | None:
        return self._boards.get(address)

    def board(self, address: int) -> SimBoard:
        """The board at ``address``; ValueError naming the boards there are."""
        try:
            return self._boards[address]
        except KeyError:
            known = ", ".join(map(str, self._boards))
            raise ValueError(f"no simulated board {address}; boards: {known}") from None

    def answer(self, command: Command, now: float, open_delay_s: float = 0.0) -> list[bytes]:
        """Acts on a command and returns the replies to send, in order. ``open_delay_s``:
        from an unlock pulse to the door springing open."""
        if command.kind == "status_all":
            return [self._status(board, now, all_boards=True)
                    for board in self._boards.values() if _answers(board)]
        board = self._boards.get(command.board) if command.board is not None else None
        if board is None or board.unplugged:
            return []
        replies = self._act(board, command, now, open_delay_s)
        return replies if _answers(board) else []

    def _act(self, board: SimBoard, command: Command, now: float, open_delay_s: float,
             ) -> list[bytes]:
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
            board.pulse(command.lock, now, open_delay_s)
            bit = board.lock_bits(now)[command.lock - 1]
            reply = protocol.encode_unlock_reply(board.address, command.lock, bit)
            return [reply] if reply is not None else []
        if command.kind == "unlock_all":
            for lock in range(1, len(board.doors) + 1):
                board.pulse(lock, now, open_delay_s)
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

    def _status_locks(self, config: BoardConfig) -> int:
        if isinstance(self.protocol, Generic8A):
            return max(GENERIC_8A_MIN_STATUS_LOCKS, -(-config.locks // 8) * 8)
        return self.protocol.max_locks


def _answers(board: SimBoard) -> bool:
    return not (board.silent or board.unplugged)
