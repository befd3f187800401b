"""A device that stays broken is an alarm for staff and the district center.

The locker's line and boards and the receipt printer raise alarms of their own
(`bus_offline`, `board_offline`, `printer.*`). The devices residents hold things up to (the
QR scanner, the PC/SC reader, the ID-card reader) only report their health; this turns a
health of `fault` or `absent` that lasts `after_s` into the alarm `device.fault` with the
device's name as its subject, and clears it once the device is ready again. A short unplug
and replug, or a fault that passes, raises nothing. The resident's screen already says
"the staff have been told": this is how they are."""

from __future__ import annotations

import threading

from devices.health import DeviceHealth, DeviceState, HealthReporter
from kiosk.services.alarms import clear_alarm, raise_alarm
from kiosk.store import Store

DEVICE_FAULT = "device.fault"
BROKEN = (DeviceState.FAULT, DeviceState.ABSENT)


class DeviceFaultAlarms:
    def __init__(self, store: Store, after_s: float) -> None:
        self._store = store
        self._after_s = after_s
        self._lock = threading.Lock()
        self._timers: dict[str, threading.Timer] = {}
        self._stopped = False

    def watch(self, health: HealthReporter) -> None:
        health.subscribe(self._changed)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            timers, self._timers = list(self._timers.values()), {}
        for timer in timers:
            timer.cancel()

    def _changed(self, health: DeviceHealth) -> None:
        device = health.device
        # One lock around timers and writes, so a raise and a clear never cross.
        with self._lock:
            if self._stopped:
                return
            if health.state in BROKEN:
                if device not in self._timers:
                    timer = threading.Timer(self._after_s, self._still_broken, [health])
                    timer.name, timer.daemon = f"alarm-{device}", True
                    self._timers[device] = timer
                    timer.start()
                return
            if health.state is DeviceState.CONNECTING:
                return            # on its way back, or not yet known: no news either way
            pending = self._timers.pop(device, None)
            if pending is not None:
                pending.cancel()
            # Also clears an alarm left standing by a terminal stopped while it was broken.
            with self._store.transaction() as db:
                clear_alarm(db, DEVICE_FAULT, device)

    def _still_broken(self, health: DeviceHealth) -> None:
        with self._lock:
            if self._stopped or self._timers.get(health.device) is None:
                return
            with self._store.transaction() as db:
                raise_alarm(db, DEVICE_FAULT, health.device,
                            {"state": health.state.value, "detail": health.detail[:200]})
