"""Uptime: the share of the period each terminal was online, from its presence spans
(presence_log.py), in one grouped query whatever the number of terminals.

A terminal still counted online whose heartbeat has stopped (the broker sent no death) is
offline from when it fell silent, as on the fleet page. Time before the center first saw a
terminal is unknown, and reported as such; a terminal first seen after the period is left
out."""

from __future__ import annotations

from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least

from center.reports.models import PresenceSpan
from center.reports.scope import Scope, TerminalInfo
from center.reports.sql import Seconds
from center.reports.tally import Raw, Tally, share

FIELDS = ("online_s", "offline_s", "unknown_s", "terminals")


def uptime_tally(scope: Scope, terminals: list[TerminalInfo]) -> Tally:
    tally = Tally(FIELDS)
    wanted = {t.pk: t for t in terminals if t.in_period}
    length = (scope.end - scope.start).total_seconds()
    known: dict[int, dict[bool, float]] = {pk: {True: 0.0, False: 0.0} for pk in wanted}
    spans = PresenceSpan.objects.using(scope.using).filter(
        scope.terminals(), started_at__lt=scope.end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=scope.start))
    clipped = spans.annotate(
        from_=Greatest(F("started_at"), Value(scope.start)),
        to=Least(Coalesce(F("ended_at"), Value(scope.now)), Value(scope.end)))
    for pk, was_online, seconds in clipped.values("terminal_id", "online").annotate(
            seconds=Sum(Seconds(F("from_"), F("to")))).values_list(
            "terminal_id", "online", "seconds"):
        if pk in known:
            known[pk][bool(was_online)] += max(float(seconds or 0), 0.0)
    for pk, terminal in wanted.items():
        _silent_is_offline(known[pk], terminal, scope)
        online, offline = known[pk][True], known[pk][False]
        tally.add(pk, online_s=online, offline_s=offline,
                  unknown_s=max(length - online - offline, 0.0), terminals=1)
    return tally


def _silent_is_offline(seconds: dict[bool, float], terminal: TerminalInfo,
                       scope: Scope) -> None:
    """The open online span of a terminal silent now ends, for the figures, when it fell
    silent."""
    if not terminal.online:
        return
    silent = terminal.offline_since(scope.now)
    if silent is None:
        return
    overlap = (min(scope.now, scope.end) - max(silent, scope.start)).total_seconds()
    if overlap > 0:
        moved = min(overlap, seconds[True])
        seconds[True] -= moved
        seconds[False] += moved


def finish_uptime(raw: Raw) -> dict[str, float | None]:
    known = raw["online_s"] + raw["offline_s"]
    return {**raw, "share": share(raw["online_s"], known),
            "known_share": share(known, known + raw["unknown_s"])}
