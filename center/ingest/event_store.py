"""A batch's events into the database with a handful of statements, whatever the number of
terminals in it: one read of what is already kept, one insert, one read back, one read of
the open gaps, and the gaps rewritten only for terminals whose gaps changed.

Each event is kept once by (terminal, seq). A repeat with the same id is dropped; the same
seq with another id is a conflict (the terminal's database was reset), kept apart and never
written over. Another worker may store one of these seqs in between: what is kept is read
back after the insert, so neither worker can think its copy won when it did not."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connections

from center.commands.sender import apply_result
from center.fleet.models import Terminal
from center.ingest.completeness import OpenGap, Stream
from center.ingest.event_rows import insert_new_events
from center.ingest.messages import EventMessage
from center.ingest.models import DroppedRange, Event, Gap, SeqConflict
from center.pickup.intake import take_locker_events
from center.ratings.intake import take_ratings


class UnstorableEvent(ValueError):
    """An event that read well but that the database would not keep."""


@dataclass
class Stored:
    arrived: dict[Terminal, list[EventMessage]] = field(default_factory=dict)
    repeats: int = 0
    conflicts: int = 0

    @property
    def count(self) -> int:
        return sum(len(messages) for messages in self.arrived.values())


def store_events(events: dict[Terminal, list[EventMessage]], now: datetime,
                 using: str) -> Stored:
    stored = Stored()
    first: dict[Terminal, dict[int, EventMessage]] = {}
    again: list[tuple[Terminal, EventMessage]] = []
    for terminal, messages in events.items():
        seqs = first.setdefault(terminal, {})
        for message in messages:
            if seqs.setdefault(message.seq, message) is not message:
                again.append((terminal, message))
    kept = _kept_ids(first, using)
    new = {t: [m for seq, m in seqs.items() if (t.pk, seq) not in kept]
           for t, seqs in first.items()}
    insert_new_events([(t, m) for t, messages in new.items() for m in messages], now, using)
    kept.update(_kept_ids({t: {m.seq: m for m in ms} for t, ms in new.items() if ms}, using))
    inserted = {id(m) for messages in new.values() for m in messages}
    conflicts: list[SeqConflict] = []
    for terminal, message in [*((t, m) for t, seqs in first.items() for m in seqs.values()),
                              *again]:
        kept_id = kept.get((terminal.pk, message.seq))
        if kept_id is None:
            # The insert skipped a row without an error (SQLite's INSERT OR IGNORE also
            # skips a row its JSON check refuses): fail the batch so the worker finds it.
            raise UnstorableEvent(f"the database did not keep seq {message.seq}")
        if kept_id != message.event_id:
            conflicts.append(SeqConflict(
                terminal=terminal, seq=message.seq, kept_event_id=kept_id,
                other_event_id=message.event_id, other_type=message.type,
                other_created_at=message.created_at, received_at=now))
        elif id(message) in inserted:
            stored.arrived.setdefault(terminal, []).append(message)
        else:
            stored.repeats += 1
    if conflicts:
        SeqConflict.objects.using(using).bulk_create(conflicts, ignore_conflicts=True)
        stored.conflicts = len(conflicts)
        for terminal in {c.terminal for c in conflicts}:
            terminal.seq_conflicts = SeqConflict.objects.using(using).filter(
                terminal=terminal).count()
    for terminal, messages in stored.arrived.items():
        for message in messages:
            if message.type == "command.result":
                apply_result(terminal, message.payload, message.created_at, using)
    account(stored.arrived, now, using)
    take_locker_events(stored.arrived, now, using)
    take_ratings(stored.arrived, now, using)
    return stored


def _kept_ids(seqs: dict[Terminal, dict[int, EventMessage]], using: str
              ) -> dict[tuple[int, int], uuid.UUID]:
    """The ids already kept for these (terminal, seq) pairs. One plain statement over each
    terminal's seq range: building an ORM filter per terminal cost more than the query."""
    ranges = [(t.pk, min(by_seq), max(by_seq)) for t, by_seq in seqs.items() if by_seq]
    if not ranges:
        return {}
    table = Event._meta.db_table
    where = " OR ".join(["(terminal_id = %s AND seq BETWEEN %s AND %s)"] * len(ranges))
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT terminal_id, seq, event_id FROM {table} WHERE {where}",
                       [value for bounds in ranges for value in bounds])
        rows = cursor.fetchall()
    wanted = {(t.pk, seq) for t, by_seq in seqs.items() for seq in by_seq}
    # SQLite hands back a UUID column as text without dashes; PostgreSQL as a UUID.
    return {(t, seq): event_id if isinstance(event_id, uuid.UUID) else uuid.UUID(event_id)
            for t, seq, event_id in rows if (t, seq) in wanted}


def account(arrived: dict[Terminal, list[EventMessage]], now: datetime, using: str) -> None:
    """Moves each terminal's watermark and gaps past the events just stored."""
    if not arrived:
        return
    open_gaps: dict[int, list[OpenGap]] = defaultdict(list)
    row_of: dict[tuple[int, OpenGap], int] = {}
    # Plain tuples: a draining fleet has thousands of open gaps, read on every batch.
    for pk, terminal_id, first, last, opened_at, asked_at in Gap.objects.using(using).filter(
            terminal__in=list(arrived)).order_by("terminal_id", "first_seq").values_list(
            "pk", "terminal_id", "first_seq", "last_seq", "opened_at", "resend_asked_at"):
        kept = OpenGap(first, last, opened_at, asked_at)
        open_gaps[terminal_id].append(kept)
        row_of[(terminal_id, kept)] = pk
    closed: list[int] = []
    opened: list[Gap] = []
    dropped: list[DroppedRange] = []
    for terminal, messages in arrived.items():
        before = open_gaps[terminal.pk]
        stream = Stream(terminal.highest_seq, list(before))
        for message in sorted(messages, key=lambda m: m.seq):
            stream.arrived(message.seq, now)
            for first, last in never_coming(message):
                dropped.append(DroppedRange(terminal=terminal, first_seq=first,
                                            last_seq=last, announced_by_seq=message.seq))
                stream.filled(first, last, now)
        terminal.highest_seq = stream.highest
        terminal.complete_upto = stream.complete_upto
        # Only the gaps that changed are written: while a backlog drains, a terminal has
        # many open gaps and a batch narrows one or two of them.
        after, earlier = set(stream.gaps), set(before)
        closed += [row_of[(terminal.pk, gap)] for gap in before if gap not in after]
        opened += [Gap(terminal=terminal, first_seq=g.first, last_seq=g.last,
                       opened_at=g.opened_at, resend_asked_at=g.resend_asked_at)
                   for g in stream.gaps if g not in earlier]
    if dropped:
        DroppedRange.objects.using(using).bulk_create(dropped, ignore_conflicts=True)
    if closed:
        Gap.objects.using(using).filter(pk__in=closed).delete()
    if opened:
        Gap.objects.using(using).bulk_create(opened)


def never_coming(message: EventMessage) -> list[tuple[int, int]]:
    """Seq ranges the event says will never arrive: those an `outbox.dropped` event lists,
    and those an `outbox.resend` result answers as gone (no longer kept)."""
    if message.type == "outbox.dropped":
        return seq_ranges(message.payload.get("seq_ranges"))
    if message.type == "command.result" and message.payload.get("type") == "outbox.resend":
        detail = message.payload.get("detail")
        return seq_ranges(detail.get("gone") if isinstance(detail, dict) else None)
    return []


def seq_ranges(ranges: object) -> list[tuple[int, int]]:
    if not isinstance(ranges, list):
        return []
    return [(r[0], r[1]) for r in ranges
            if isinstance(r, list) and len(r) == 2 and all(type(n) is int for n in r)
            and 0 < r[0] <= r[1]]
