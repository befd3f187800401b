"""A terminal's locker as a grid: each compartment free, occupied, overdue, out of service or
in alarm, from the terminal's locker events and standing alarms (the heartbeat says how many
compartments there are and which are out of service)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from center.alarms.models import Alarm
from center.fleet.models import Terminal
from center.ingest.models import Event

FREE, OCCUPIED, OVERDUE, OUT_OF_SERVICE, ALARM = (
    "free", "occupied", "overdue", "out_of_service", "alarm")
STATE_NAMES = {FREE: _("free"), OCCUPIED: _("occupied"), OVERDUE: _("overdue"),
               OUT_OF_SERVICE: _("out of service"), ALARM: _("alarm")}
# What each locker event leaves the compartment holding.
AFTER = {"locker.deposited": OCCUPIED, "locker.dropoff": OCCUPIED, "locker.overdue": OVERDUE,
         "locker.collected": FREE, "locker.retrieved": FREE}
_SUBJECT = re.compile(r"compartment (\d+)")


@dataclass(frozen=True)
class Cell:
    number: int
    state: str

    @property
    def name(self) -> str:
        return str(STATE_NAMES[self.state])


def compartment_grid(terminal: Terminal) -> list[Cell]:
    locker = terminal.section("locker") or {}
    count = locker.get("compartments")
    if type(count) is not int or count < 1:
        return []
    holding: dict[int, str] = {}
    out = {n for n in locker.get("outOfService", []) if type(n) is int}
    # Out of service comes from the heartbeat's list, newer than any locker.compartment event.
    for kind, payload in Event.objects.filter(terminal=terminal, type__in=list(AFTER)).order_by(
            "seq").values_list("type", "payload"):
        number = payload.get("compartment")
        if type(number) is int:
            holding[number] = AFTER[kind]
    alarmed = {int(m[1]) for m in (_SUBJECT.fullmatch(a.subject) for a in Alarm.objects.filter(
        terminal=terminal, active=True)) if m}
    cells = []
    for number in range(1, count + 1):
        if number in alarmed:
            state = ALARM
        elif number in out:
            state = OUT_OF_SERVICE
        else:
            state = holding.get(number, FREE)
        cells.append(Cell(number, state))
    return cells
