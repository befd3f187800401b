"""Which boards of one lock-board bus answer, and what that makes of the line's health.

A board's change (first answer, silence, answering again) is logged and told to the
``on_board_health`` listeners once, not once per poll. The line is a fault when it is open
but no board answers on it at all: wiring, baud rate or power, not a single board.
Only the bus's worker thread calls the methods that change anything.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from devices.errors import DeviceError
from devices.health import DeviceState, HealthReporter
from devices.locker.port import BoardConfig, BoardHealth, BoardHealthListener
from devices.serial_link import SerialLink

log = logging.getLogger("devices.locker")


class BoardWatch:
    def __init__(self, bus: str, boards: Sequence[BoardConfig], link: SerialLink,
                 health: HealthReporter) -> None:
        self._bus = bus
        self._board_count = len(boards)
        self._link = link
        self._health = health
        self._online: dict[int, bool] = {}      # absent: not heard from yet
        self._strangers: set[int] = set()
        self._listeners: list[BoardHealthListener] = []

    def online(self, board: int) -> bool | None:
        """True/False once the board has answered or been given up on; None before."""
        return self._online.get(board)

    def subscribe(self, listener: BoardHealthListener) -> None:
        self._listeners.append(listener)

    def answered(self, address: int) -> None:
        previous = self._online.get(address)
        if previous is True:
            return
        if previous is False:
            log.info("board %d on bus %s answers again", address, self._bus)
        else:
            log.info("board %d on bus %s answers", address, self._bus)
        # Listeners hear of a change before online() shows it: whoever sees the new
        # state can count on the event having gone out (this is the bus's only thread).
        self._tell(BoardHealth(self._bus, address, True, "answering"))
        self._online[address] = True
        self.update_line_health()

    def failed(self, address: int, error: DeviceError) -> None:
        if self._online.get(address) is False:
            return
        log.warning("%s", error)
        self._tell(BoardHealth(self._bus, address, False, str(error)))
        self._online[address] = False

    def stranger(self, address: int) -> None:
        """A board nobody configured answered (to an all-boards status): said once."""
        if address in self._strangers:
            return
        self._strangers.add(address)
        log.warning("board %d answered on bus %s but is not configured; check the boards' "
                    "address switches and the locker configuration", address, self._bus)

    def update_line_health(self) -> None:
        """The line is a fault when it is open but no board answers on it at all."""
        if not self._link.is_open:
            return
        port = self._link.port
        if len(self._online) == self._board_count and not any(self._online.values()):
            self._health.set(DeviceState.FAULT,
                             f"{port}: no board answers; check the RS485 wiring (A to A, B "
                             f"to B), the baud rate ({self._link.baud}) and the boards' power")
        elif self._health.current.state is DeviceState.FAULT and any(self._online.values()):
            self._health.set(DeviceState.READY, port)

    def _tell(self, health: BoardHealth) -> None:
        for listener in self._listeners:
            try:
                listener(health)
            except Exception:
                log.exception("bus %s: a board health listener failed", self._bus)
