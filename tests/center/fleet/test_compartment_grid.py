"""The terminal page's locker grid: each compartment's state from the locker events, the
heartbeat's out-of-service list and the standing alarms."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from center.ingest.batch import ingest_batch
from tests.fixtures.center_messages import PREFIX, FakeTerminal
from tests.fixtures.center_people import make_people

pytestmark = pytest.mark.django_db


def test_every_compartment_shows_what_it_holds(client):
    people = make_people()
    kiosk = FakeTerminal()
    now = timezone.now()

    def locker(seq, kind, compartment):
        return kiosk.event(seq, kind, {"deposit": f"d{compartment}", "compartment": compartment})

    ingest_batch([
        kiosk.birth(3, now),
        kiosk.heartbeat(3, now, locker={"compartments": 6, "occupied": 2, "outOfService": [5]}),
        locker(1, "locker.deposited", 1), locker(2, "locker.deposited", 2),
        locker(3, "locker.collected", 1), locker(4, "locker.overdue", 2),
        locker(5, "locker.dropoff", 3),
        kiosk.alarm("door_jammed", "compartment 4", now),
    ], prefix=PREFIX)
    client.force_login(people.admin)
    page = client.get("/fleet/xc/xc-hsz-01/").content.decode()
    states = {int(number): state for state, number in
              re.findall(r'class="cell (\w+)" data-compartment="(\d+)"', page)}
    assert states == {1: "free", 2: "overdue", 3: "occupied", 4: "alarm",
                      5: "out_of_service", 6: "free"}, states
    assert 'title="2: 超期"' in page
