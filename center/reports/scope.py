"""What a report is computed over: a district's terminals (or one station's), a period, the
moment of computing and the database; and each terminal's few facts the sections need,
read in one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.fields.json import KeyTransform

from center.fleet.models import SILENT_INTERVALS, Station, Terminal
from center.reports.models import PresenceSpan
from center.reports.periods import Period
from center.reports.sql import LocalDate, zone_offsets


@dataclass(frozen=True)
class Scope:
    district: str
    station: Station | None             # None: the whole district
    period: Period
    now: datetime
    using: str = "default"

    @property
    def start(self) -> datetime:
        return self.period.start

    @property
    def end(self) -> datetime:
        return self.period.end

    def day_of(self, field: str) -> LocalDate:
        """The local date of a time field, for grouping by day."""
        return LocalDate(F(field), settings.TIME_ZONE, zone_offsets(self.start, self.end))

    def terminals(self, prefix: str = "terminal__") -> Q:
        """The scope's terminals, seen from a model that reaches them by ``prefix``."""
        wanted = Q(**{f"{prefix}district": self.district})
        if self.station is not None:
            wanted &= Q(**{f"{prefix}station": self.station.pk})
        return wanted


@dataclass(frozen=True)
class TerminalInfo:
    pk: int
    terminal_id: str
    station_id: int | None
    station_code: str
    station_name: str
    online: bool
    bd_seq: int | None
    born_at: datetime | None
    presence_since: datetime | None
    heartbeat_at: datetime | None
    heartbeat_bd_seq: Any
    outbox: Any                         # the last heartbeat's outbox section, as sent
    spans_before_end: bool              # the center saw it before the period ended
    spans_at_all: bool

    def last_sign_of_life(self) -> datetime | None:
        """As Terminal.last_sign_of_life, on these columns."""
        times = [self.born_at]
        if self.heartbeat_at is not None and self.heartbeat_bd_seq == self.bd_seq:
            times.append(self.heartbeat_at)
        return max((t for t in times if t is not None), default=None)

    def offline_since(self, now: datetime) -> datetime | None:
        """When it went offline, by its death or by falling silent (the fleet page's
        rule); None while online (or never seen)."""
        if self.bd_seq is None:
            return None
        if not self.online:
            return self.presence_since or self.last_sign_of_life()
        last = self.last_sign_of_life()
        if last is None:
            return None
        silent = last + timedelta(seconds=SILENT_INTERVALS * settings.HEARTBEAT_INTERVAL_S)
        return silent if now >= silent else None

    @property
    def in_period(self) -> bool:
        """Whether the terminal belongs in the period's figures: seen before its end, or
        never followed at all (then its time is unknown, and the report says so)."""
        return self.spans_before_end or not self.spans_at_all


def terminal_infos(scope: Scope) -> list[TerminalInfo]:
    spans = PresenceSpan.objects.using(scope.using).filter(terminal=OuterRef("pk"))
    rows = Terminal.objects.using(scope.using).filter(scope.terminals("")).annotate(
        hb_bd_seq=KeyTransform("bdSeq", "heartbeat"),
        hb_outbox=KeyTransform("outbox", "heartbeat"),
        spans_before_end=Exists(spans.filter(started_at__lt=scope.end)),
        spans_at_all=Exists(spans),
    ).order_by("terminal_id").values_list(
        "pk", "terminal_id", "station_id", "station__code", "station__name", "online",
        "bd_seq", "born_at",
        "presence_since", "heartbeat_at", "hb_bd_seq", "hb_outbox", "spans_before_end",
        "spans_at_all")
    return [TerminalInfo(pk, terminal_id, station_id, code or "", name or "", online, bd_seq,
                         born_at, presence_since, heartbeat_at, hb_bd_seq, outbox,
                         before_end, at_all)
            for (pk, terminal_id, station_id, code, name, online, bd_seq, born_at,
                 presence_since, heartbeat_at, hb_bd_seq, outbox, before_end, at_all)
            in rows]
