"""The heartbeat's standard content: software, uptime, disk, devices, locker, outbox."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.services.alarms import active_alarms
from kiosk.services.heartbeat import Heartbeat
from kiosk.services.locker.model import SIZES
from kiosk.services.locker.service import LockerService
from kiosk.services.outbox import backlog
from kiosk.services.status import TerminalStatus
from kiosk.store import Store

_STARTED = time.monotonic()


def register_standard_sources(heartbeat: Heartbeat, *, store: Store, status: TerminalStatus,
                              locker: LockerService | None) -> None:
    heartbeat.register("version", lambda: __version__)
    heartbeat.register("uptimeS", lambda: int(time.monotonic() - _STARTED))
    heartbeat.register("disk", lambda: disk_space(Path(store.path).parent))
    heartbeat.register("devices", lambda: device_health(status))
    heartbeat.register("outbox", lambda: outbox_backlog(store))
    heartbeat.register("alarms", lambda: active_alarm_count(store))
    if locker is not None:
        heartbeat.register("locker", lambda: locker_occupancy(locker))


def disk_space(directory: Path) -> dict[str, int]:
    """The disk holding the database: what the outbox and the locker records need."""
    usage = shutil.disk_usage(directory)
    return {"freeBytes": usage.free, "totalBytes": usage.total}


def device_health(status: TerminalStatus) -> dict[str, dict[str, str]]:
    return {name: {"state": health.state.value, "detail": health.detail}
            for name, health in sorted(status.snapshot().devices.items())}


def outbox_backlog(store: Store) -> dict[str, Any]:
    with store.reading() as db:
        current = backlog(db)
    return {"unsent": current.unsent, "oldestUnsentAt": current.oldest_created_at}


def active_alarm_count(store: Store) -> int:
    with store.reading() as db:
        return len(active_alarms(db))


def locker_occupancy(locker: LockerService) -> dict[str, Any]:
    """Compartments by size: how many there are, hold a document, are free to use, and
    which are out of service."""
    out = set(locker.out_of_service())
    occupied = {deposit.compartment for deposit in locker.stored()}
    free = locker.free_compartments()
    sizes: dict[str, dict[str, int]] = {}
    for size in SIZES:
        numbers = [n for n, c in locker.compartments.items() if c.size == size]
        if numbers:
            sizes[size] = {"total": len(numbers),
                           "occupied": sum(1 for n in numbers if n in occupied),
                           "free": free.get(size, 0)}
    return {"compartments": len(locker.compartments), "occupied": len(occupied),
            "outOfService": sorted(out), "bySize": sizes}
