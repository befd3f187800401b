"""Each terminal's time online and offline, kept as spans for the uptime figures.

The terminal row keeps only its presence now (center/fleet/presence.py); the ingest batch
calls ``presence_of`` before it applies a birth or a death and ``log_presence`` after, in
the same transaction with the terminal row locked, so a state message read again (every
worker reads the retained state) changes nothing here either.

When a connection ended is not always said by its death: a Will's own time is the
connection's, so the center dates a death by when it read it, and a center that was away
reads it late; the broker may send no death at all before the next birth. A connection is
taken to have ended at the latest when the terminal was silent for SILENT_INTERVALS
heartbeat intervals after its last sign of life, the rule the fleet page shows offline by.

A birth is dated the same way, by the center: a terminal whose clock is behind (or was
reset) would otherwise date its new connection back over the outage before it, and one
whose clock is ahead would open a span in the future. The birth's own time is used only
when it lies between the start of the span it ends and the reading: then it is the better
date (the center read the retained birth late).

Terminals already running when the spans began to be kept got one span each from the
migration (0002_open_spans); a terminal with none yet that is known online gets its online
span from when its presence last flipped before the change is logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from center.fleet.models import SILENT_INTERVALS, Terminal
from center.reports.models import PresenceSpan


@dataclass(frozen=True)
class PresenceBefore:
    online: bool
    bd_seq: int | None
    last_sign_of_life: datetime | None
    presence_since: datetime | None = None


def presence_of(terminal: Terminal) -> PresenceBefore:
    return PresenceBefore(terminal.online, terminal.bd_seq, terminal.last_sign_of_life(),
                          terminal.presence_since)


def silence() -> timedelta:
    return timedelta(seconds=SILENT_INTERVALS * settings.HEARTBEAT_INTERVAL_S)


def log_presence(terminal: Terminal, before: PresenceBefore, received_at: datetime,
                 using: str) -> None:
    """Closes the open span and opens the next when the birth or death just applied
    changed the terminal's presence."""
    if terminal.online and terminal.born_at is not None and (
            not before.online or terminal.bd_seq != before.bd_seq):
        _born(terminal, before, terminal.born_at, received_at, using)
    elif before.online and not terminal.online:
        ended = received_at
        if before.last_sign_of_life is not None:
            ended = min(ended, before.last_sign_of_life + silence())
        _change(terminal, before, online=False, at=ended, using=using)
    elif not terminal.online and before.bd_seq is None and terminal.bd_seq is not None:
        # A death before any birth: the center started after this connection did. It is
        # offline from now at least; before, nobody here knows.
        _change(terminal, before, online=False, at=received_at, using=using)


def _born(terminal: Terminal, before: PresenceBefore, stated: datetime, received_at: datetime,
          using: str) -> None:
    span_start = _open_span_start(terminal, before, using)
    born = received_at
    if span_start is not None and span_start <= stated <= received_at:
        born = stated
    if before.online and before.last_sign_of_life is not None and \
            born - before.last_sign_of_life > silence():
        # A new connection while the last one still counted as online: its death never
        # came. Offline from when it fell silent until this birth.
        _change(terminal, before, online=False, at=before.last_sign_of_life + silence(),
                using=using)
    _change(terminal, before, online=True, at=born, using=using)


def _open_span_start(terminal: Terminal, before: PresenceBefore,
                     using: str) -> datetime | None:
    current = PresenceSpan.objects.using(using).filter(
        terminal=terminal, ended_at__isnull=True).values_list("started_at", flat=True).first()
    return current if current is not None else before.presence_since


def _change(terminal: Terminal, before: PresenceBefore, *, online: bool, at: datetime,
            using: str) -> None:
    spans = PresenceSpan.objects.using(using)
    current = spans.filter(terminal=terminal, ended_at__isnull=True).first()
    if current is None and before.online and before.presence_since is not None and \
            before.presence_since <= at:
        # Online before spans were kept (or before the migration ran): the span it was
        # in opens from when its presence last flipped.
        current = spans.create(terminal=terminal, online=True,
                               started_at=before.presence_since)
    if current is not None:
        if current.online == online:
            return
        # Terminal clocks and the center's differ a little: a span never ends before it
        # began.
        at = max(at, current.started_at)
        spans.filter(pk=current.pk).update(ended_at=at)
    spans.create(terminal=terminal, online=online, started_at=at)
