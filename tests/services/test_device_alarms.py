"""A scanner or card reader that stays broken raises device.fault; one that comes back
in time raises nothing; one that is ready again clears it."""

from __future__ import annotations

import json
import logging
import time

from devices.health import DeviceState, HealthReporter
from kiosk.services.device_alarms import DeviceFaultAlarms
from kiosk.store import open_store
from tests.waiting import wait_until


def active(store) -> set[tuple[str, str]]:
    with store.reading() as db:
        return {(k, s) for k, s in db.execute(
            "SELECT kind, subject FROM alarms WHERE cleared_at IS NULL")}


def test_a_device_broken_past_the_delay_raises_and_ready_clears(tmp_path):
    store = open_store(tmp_path / "kiosk.db")
    alarms = DeviceFaultAlarms(store, after_s=0.2)
    reader = HealthReporter("idcard", logging.getLogger("test"))
    alarms.watch(reader)
    try:
        reader.set(DeviceState.FAULT, "the SAM does not answer")
        wait_until(lambda: ("device.fault", "idcard") in active(store), "the alarm")
        with store.reading() as db:
            [(payload,)] = db.execute("SELECT payload FROM outbox WHERE type = 'alarm.raised'")
        assert json.loads(payload)["detail"] == {"state": "fault",
                                                 "detail": "the SAM does not answer"}
        reader.set(DeviceState.CONNECTING)        # on its way back: still broken
        assert ("device.fault", "idcard") in active(store)
        reader.set(DeviceState.READY, "/dev/ttyUSB0")
        assert active(store) == set()
    finally:
        alarms.stop()
        store.close()


def test_a_short_unplug_raises_nothing(tmp_path):
    store = open_store(tmp_path / "kiosk.db")
    alarms = DeviceFaultAlarms(store, after_s=0.5)
    scanner = HealthReporter("qr_scanner", logging.getLogger("test"))
    alarms.watch(scanner)
    try:
        scanner.set(DeviceState.ABSENT, "no such device")
        scanner.set(DeviceState.READY, "back")
        time.sleep(0.7)             # past the delay the alarm would have had
        with store.reading() as db:
            assert db.execute("SELECT count(*) FROM alarms").fetchone()[0] == 0
    finally:
        alarms.stop()
        store.close()
