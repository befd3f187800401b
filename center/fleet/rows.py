"""A terminal as one row of the fleet table: every figure the page shows, read once from
the terminal's presence, its latest heartbeat and its alarms; and every terminal's standing
(presence, alarms, gaps, calls for help), read without the heartbeats, which the page counts,
sorts and pages by."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.db.models import Count, QuerySet
from django.db.models.fields.json import KT

from center.alarms.models import Alarm
from center.fleet.help_calls import LOOK_BACK, waiting_calls
from center.fleet.models import Presence, Terminal
from center.ingest.models import Event, Gap


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


# -- every terminal's standing ------------------------------------------------------------

# What comes first when the worst come first: a terminal that cannot be reached, then a
# resident waiting at one, then standing alarms, then one never seen, then missing events.
OFFLINE, HELP, ALARMS, NEVER_SEEN, GAPS, WELL = range(6)


class Standing(NamedTuple):
    """What the fleet page counts, sorts and pages every terminal by. A tuple of plain
    values, which the garbage collector stops following after its first pass: 2,000 of
    them a request would otherwise bring its full passes (tens of ms) every few requests."""

    pk: int
    district: str
    terminal_id: str
    station: str | None
    presence: str
    alarms: int
    gaps: int
    help_waiting: int

    @property
    def offline(self) -> bool:
        return self.presence in (Presence.OFFLINE, Presence.SILENT)

    @property
    def concern(self) -> int:
        if self.offline:
            return OFFLINE
        if self.help_waiting:
            return HELP
        if self.alarms:
            return ALARMS
        if self.presence == Presence.NEVER:
            return NEVER_SEEN
        return GAPS if self.gaps else WELL


def read_standings(terminals: QuerySet[Terminal], now: datetime) -> list[Standing]:
    """Every terminal of ``terminals`` in five statements whatever their number: the columns
    presence is decided by (the heartbeat's bdSeq alone, not the whole heartbeat), standing
    alarms and open gaps counted per terminal, and the calls for help still waiting (which
    terminals were asked, then their calls)."""
    light = list(terminals.order_by().values_list(
        "pk", "district", "terminal_id", "station__name", "online", "bd_seq", "born_at",
        "heartbeat_at", KT("heartbeat__bdSeq")))
    chosen = terminals.order_by().values("pk")
    alarms = dict(Alarm.objects.filter(active=True, terminal__in=chosen).order_by()
                  .values_list("terminal").annotate(count=Count("pk")))
    gaps = dict(Gap.objects.filter(terminal__in=chosen).order_by()
                .values_list("terminal").annotate(count=Count("pk")))
    # Only the few terminals asked for help lately: 2,000 ids in a query cost more to
    # build than to run.
    asked = Event.objects.filter(type="help.requested", created_at__gte=now - LOOK_BACK,
                                 terminal__in=chosen).order_by().values_list(
        "terminal_id", flat=True).distinct()
    calls = waiting_calls(list(asked), now)
    columns = _PresenceColumns()
    return [Standing(pk=pk, district=district, terminal_id=terminal_id, station=station,
                     presence=columns.presence_of(online, bd_seq, born_at, heartbeat_at,
                                                  _whole_number(beat_bd_seq), now),
                     alarms=alarms.get(pk, 0), gaps=gaps.get(pk, 0),
                     help_waiting=len(calls.get(pk, ())))
            for (pk, district, terminal_id, station, online, bd_seq, born_at, heartbeat_at,
                 beat_bd_seq) in light]


class _PresenceColumns:
    """The columns Terminal.presence reads, and the heartbeat's bdSeq alone (not the whole
    heartbeat; PostgreSQL hands that number over as text); the model's own methods decide,
    so there is one rule. A plain holder filled again for each terminal, not an unsaved
    Terminal per terminal: for 2,000 rows a model instance costs ten times more to make,
    and each object made brings the garbage collector's full passes (tens of ms) sooner."""

    __slots__ = ("bd_seq", "born_at", "heartbeat", "heartbeat_at", "online")
    presence = Terminal.presence
    silent_since = Terminal.silent_since
    last_sign_of_life = Terminal.last_sign_of_life

    def __init__(self) -> None:
        self.heartbeat: dict[str, int | None] = {"bdSeq": None}

    def presence_of(self, online: bool, bd_seq: int | None, born_at: datetime | None,
                    heartbeat_at: datetime | None, heartbeat_bd_seq: int | None,
                    now: datetime) -> str:
        self.online, self.bd_seq, self.born_at = online, bd_seq, born_at
        self.heartbeat_at = heartbeat_at
        self.heartbeat["bdSeq"] = heartbeat_bd_seq
        # The model's method on a holder of its columns: duck-typed on purpose.
        return self.presence(now)  # type: ignore[misc]


def _whole_number(value: object) -> int | None:
    if type(value) is int:
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def page_rows(standings: Sequence[Standing], now: datetime) -> list[FleetRow]:
    """The full rows of one page, in its order: its terminals read whole (heartbeats
    included) in one statement."""
    found = Terminal.objects.select_related("station").in_bulk([s.pk for s in standings])
    return [fleet_row(found[s.pk], now, s.alarms, s.gaps, s.help_waiting)
            for s in standings if s.pk in found]
