"""A terminal as one row of the fleet table: every figure the page shows, read once from
the terminal's presence, its latest heartbeat and its alarms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from center.fleet.models import Presence, Terminal


@dataclass(frozen=True)
class FleetRow:
    terminal: Terminal
    presence: str
    since: datetime | None
    faulty_devices: list[str]
    occupied: int | None
    compartments: int | None
    waiting: int | None
    unsent: int | None
    alarms: int
    gaps: int
    help_waiting: int = 0

    @property
    def online(self) -> bool:
        return self.presence == Presence.ONLINE


def fleet_row(terminal: Terminal, now: datetime, alarms: int, gaps: int,
              help_waiting: int = 0) -> FleetRow:
    presence = terminal.presence(now)
    since = terminal.presence_since if presence == Presence.ONLINE \
        else terminal.offline_since(now)
    locker = terminal.section("locker") or {}
    queues = terminal.section("queues")
    outbox = terminal.section("outbox") or {}
    return FleetRow(
        terminal=terminal, presence=presence, since=since,
        faulty_devices=_faulty(terminal.section("devices") or {}),
        occupied=_int(locker.get("occupied")), compartments=_int(locker.get("compartments")),
        waiting=sum(v for v in queues.values() if isinstance(v, int)) if queues else None,
        unsent=_int(outbox.get("unsent")), alarms=alarms, gaps=gaps,
        help_waiting=help_waiting)


def _faulty(devices: dict[str, Any]) -> list[str]:
    return sorted(name for name, health in devices.items()
                  if isinstance(health, dict) and health.get("state") in ("fault", "absent"))


def _int(value: Any) -> int | None:
    return value if type(value) is int else None
