"""From a board's raw bits to door facts, applying the board's configured wiring."""

from __future__ import annotations

from devices.errors import ProtocolError
from devices.locker.port import BoardConfig, BoardSnapshot, DoorState
from devices.locker.protocols.base import RawStatus


def door_states(raw: RawStatus, config: BoardConfig, where: str) -> tuple[DoorState, ...]:
    """One DoorState per configured lock. ``where`` names the bus for the error message.

    The hook bit reads "closed" when set on the spec's wiring and the other way round on
    the other switch type, so ``closed_when_bit_set`` decides; item bits mean nothing
    where no sensor is fitted, so they become None there."""
    if len(raw.locks) < config.locks:
        raise ProtocolError(
            f"board {config.address} {where} reports {len(raw.locks)} locks but is "
            f"configured with {config.locks}; check the board's model and its 'locks' setting")
    doors = []
    for index in range(config.locks):
        bit = raw.locks[index]
        closed = bit if config.closed_when_bit_set else not bit
        item = None
        if config.item_sensor and raw.items is not None:
            item = raw.items[index]
        doors.append(DoorState(lock=index + 1, open=not closed, item=item))
    return tuple(doors)


def snapshot(bus: str, raw: RawStatus, config: BoardConfig, frame: bytes, at: float,
             where: str) -> BoardSnapshot:
    return BoardSnapshot(bus=bus, board=config.address, doors=door_states(raw, config, where),
                         raw=frame, monotonic=at)
