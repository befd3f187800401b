"""Following terminals offline: an outage opens (and is told) when a terminal is first seen
offline outside maintenance, is told again every CENTER_OFFLINE_REMIND_MIN while it lasts,
and closes (told: back online) when the terminal is online again.

Only while the center is receiving: with no ingest worker reaching the broker every
terminal looks silent, and telling every station so would be wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from center.alarms.maintenance import terminals_in_maintenance
from center.fleet.models import SILENT_INTERVALS, Presence, Terminal
from center.ingest.models import WorkerState
from center.notifications.models import NoticeKind, Outage
from center.notifications.recipients import recipients
from center.notifications.record import record_notice

# An ingest worker beats every few seconds; one silent this long is taken as stopped.
WORKER_SILENT_AFTER = timedelta(seconds=30)


@dataclass
class OutageTotals:
    opened: int = 0
    reminded: int = 0
    closed: int = 0


def center_is_receiving(now: datetime, using: str = "default") -> bool:
    return WorkerState.objects.using(using).filter(
        connected=True, beat_at__gte=now - WORKER_SILENT_AFTER).exists()


def follow_outages(now: datetime, remind_every: timedelta, *, receiving: bool,
                   using: str = "default") -> OutageTotals:
    totals = OutageTotals()
    open_outages = {o.terminal_id: o for o in
                    Outage.objects.using(using).filter(ended_at__isnull=True)}
    in_maintenance = terminals_in_maintenance(now, using)
    for terminal in _offline_or_followed(now, set(open_outages), using):
        presence = terminal.presence(now)
        outage = open_outages.get(terminal.pk)
        silenced = terminal.pk in in_maintenance
        if presence == Presence.ONLINE and outage is not None:
            totals.closed += _close(outage, terminal, now, silenced, using)
        elif presence in (Presence.OFFLINE, Presence.SILENT) and receiving:
            if outage is None and not silenced:
                totals.opened += _open(terminal, now, remind_every, using)
            elif outage is not None:
                totals.reminded += _remind(outage, terminal, now, remind_every, silenced,
                                           using)
    return totals


def _offline_or_followed(now: datetime, followed: set[int], using: str) -> list[Terminal]:
    """The terminals that may be offline (the exact rule is Terminal.presence), and those
    with an open outage; a fleet's online terminals are not read."""
    silent_before = now - timedelta(seconds=SILENT_INTERVALS * settings.HEARTBEAT_INTERVAL_S)
    return list(Terminal.objects.using(using).select_related("station").filter(
        Q(online=False, bd_seq__isnull=False)
        | Q(online=True, born_at__lt=silent_before)
        & (Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=silent_before))
        | Q(pk__in=followed)))


def _open(terminal: Terminal, now: datetime, remind_every: timedelta, using: str) -> int:
    since = terminal.offline_since(now) or now
    try:
        with transaction.atomic(using=using):
            # The open outage is unique per terminal: a second notifier fails here.
            outage = Outage.objects.using(using).create(
                terminal=terminal, offline_since=since, opened_at=now,
                reminders=int((now - since) / remind_every))
            notice = record_notice(
                f"terminal.offline:{outage.pk}", NoticeKind.TERMINAL_OFFLINE, terminal,
                at=since, now=now, using=using,
                people=recipients(NoticeKind.TERMINAL_OFFLINE, terminal, using=using))
    except IntegrityError:
        return 0
    return int(notice is not None)


def _remind(outage: Outage, terminal: Terminal, now: datetime, remind_every: timedelta,
            silenced: bool, using: str) -> int:
    due = int((now - outage.offline_since) / remind_every)
    if due <= outage.reminders:
        return 0

    def claim() -> bool:
        return bool(Outage.objects.using(using).filter(pk=outage.pk, reminders__lt=due)
                    .update(reminders=due))

    notice = record_notice(
        f"terminal.still_offline:{outage.pk}:{due}", NoticeKind.TERMINAL_STILL_OFFLINE,
        terminal, at=outage.offline_since, now=now, silenced=silenced, claim=claim,
        detail={"reminder": due}, using=using,
        people=[] if silenced else recipients(NoticeKind.TERMINAL_STILL_OFFLINE, terminal,
                                              using=using))
    return int(notice is not None and not silenced)


def _close(outage: Outage, terminal: Terminal, now: datetime, silenced: bool,
           using: str) -> int:
    def claim() -> bool:
        return bool(Outage.objects.using(using).filter(pk=outage.pk, ended_at__isnull=True)
                    .update(ended_at=now))

    notice = record_notice(
        f"terminal.online:{outage.pk}", NoticeKind.TERMINAL_ONLINE, terminal,
        at=terminal.presence_since or now, now=now, silenced=silenced, claim=claim,
        using=using,
        people=[] if silenced else recipients(NoticeKind.TERMINAL_ONLINE, terminal,
                                              using=using))
    return int(notice is not None and not silenced)
