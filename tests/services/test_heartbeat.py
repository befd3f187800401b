"""The heartbeat is what registered providers say; a missing feature is a missing key."""

from __future__ import annotations

import pytest

from devices.health import DeviceHealth, DeviceState
from kiosk.services.heartbeat import Heartbeat
from kiosk.services.heartbeat_sources import register_standard_sources
from kiosk.services.status import TerminalStatus
from kiosk.store import open_store


def test_content_comes_from_providers_and_a_failing_one_costs_only_its_key():
    heartbeat = Heartbeat()
    heartbeat.register("version", lambda: "1.0")
    heartbeat.register("broken", lambda: 1 / 0)
    assert heartbeat.compose() == {"version": "1.0"}
    assert "queues" not in heartbeat.compose()
    heartbeat.register("queues", lambda: {"general": 3})
    assert heartbeat.compose()["queues"] == {"general": 3}
    with pytest.raises(ValueError, match="reserved"):
        heartbeat.register("bdSeq", lambda: 0)


def test_the_standard_sources(tmp_path, locker_rig):
    rig = locker_rig()
    service = rig.start()
    number = rig.deposit("CASE-HB-1")
    status = TerminalStatus()
    status.report_device(DeviceHealth("printer", DeviceState.ABSENT, "no port"))
    heartbeat = Heartbeat()
    register_standard_sources(heartbeat, store=rig.store, status=status, locker=service)

    content = heartbeat.compose()

    assert set(content) == {"version", "uptimeS", "disk", "devices", "outbox", "alarms",
                            "locker"}
    assert content["devices"] == {"printer": {"state": "absent", "detail": "no port"}}
    assert content["disk"]["freeBytes"] > 0
    assert content["outbox"]["unsent"] >= 1
    locker = content["locker"]
    assert locker["compartments"] == 8
    assert locker["occupied"] == 1
    assert locker["bySize"]["S"]["total"] == 6
    assert locker["bySize"]["S" if number <= 6 else "L"]["occupied"] == 1
    assert locker["outOfService"] == []


def test_without_a_locker_there_is_no_locker_key(tmp_path):
    store = open_store(tmp_path / "kiosk.db")
    heartbeat = Heartbeat()
    register_standard_sources(heartbeat, store=store, status=TerminalStatus(), locker=None)
    assert "locker" not in heartbeat.compose()
    store.close()
