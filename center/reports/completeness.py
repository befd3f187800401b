"""Which terminals' events for the period may not all be here when the report is made, and
why: a gap in their seqs (center/ingest Gap rows still open) that falls in the period, a
terminal offline (or silent) since before the period ended, which may hold what it did
since, or a terminal whose last heartbeat said events of the period wait in its outbox.

A gap's own dates are unknown (its events are missing): it falls in the period unless the
event just before it was made after the period ended, or the one just after it before the
period began. One query for the gaps; the rest is in the terminal facts already read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.dateparse import parse_datetime

from center.ingest.models import Event, Gap
from center.reports.scope import Scope, TerminalInfo

MOST_GAPS_NAMED = 5                     # per terminal; the rest are counted


def incomplete_terminals(scope: Scope, terminals: list[TerminalInfo]) -> list[dict[str, Any]]:
    reasons: dict[int, list[dict[str, Any]]] = {}
    for pk, first, last in _gaps_in_period(scope):
        reasons.setdefault(pk, []).append({"why": "gap", "first": first, "last": last})
    for terminal in terminals:
        since = terminal.offline_since(scope.now)
        if since is not None and since < scope.end:
            reasons.setdefault(terminal.pk, []).append(
                {"why": "offline", "since": since.isoformat()})
            continue
        unsent, oldest = _outbox(terminal.outbox)
        if unsent and (oldest is None or oldest < scope.end):
            reasons.setdefault(terminal.pk, []).append({"why": "backlog", "unsent": unsent})
    named = {t.pk: t for t in terminals}
    found = []
    for pk, why in reasons.items():
        if pk not in named:
            continue
        gaps = [w for w in why if w["why"] == "gap"]
        kept = [w for w in why if w["why"] != "gap"] + gaps[:MOST_GAPS_NAMED]
        if len(gaps) > MOST_GAPS_NAMED:
            kept.append({"why": "more_gaps", "count": len(gaps) - MOST_GAPS_NAMED})
        found.append({"terminal": named[pk].terminal_id, "station_id": named[pk].station_id,
                      "station": named[pk].station_name, "reasons": kept})
    return sorted(found, key=lambda entry: (entry["station"], entry["terminal"]))


def _gaps_in_period(scope: Scope) -> list[tuple[int, int, int]]:
    events = Event.objects.using(scope.using).filter(terminal=OuterRef("terminal"))
    gaps = Gap.objects.using(scope.using).filter(scope.terminals()).annotate(
        made_before=Subquery(events.filter(seq__lt=OuterRef("first_seq"))
                             .order_by("-seq").values("created_at")[:1]),
        made_after=Subquery(events.filter(seq__gt=OuterRef("last_seq"))
                            .order_by("seq").values("created_at")[:1]))
    found = []
    for pk, first, last, before, after in gaps.order_by(
            "terminal_id", "first_seq").values_list(
            "terminal_id", "first_seq", "last_seq", "made_before", "made_after"):
        if (before is None or before < scope.end) and (after is None or after >= scope.start):
            found.append((pk, first, last))
    return found


def _outbox(section: Any) -> tuple[int, datetime | None]:
    if not isinstance(section, dict):
        return 0, None
    unsent = section.get("unsent")
    oldest = section.get("oldestUnsentAt")
    try:
        at = parse_datetime(oldest) if isinstance(oldest, str) else None
    except ValueError:                  # well formed, but no such time
        at = None
    return (unsent if type(unsent) is int and unsent > 0 else 0,
            at if at is not None and at.tzinfo is not None else None)
