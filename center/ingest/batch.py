"""One batch of received messages written in one transaction (docs/center.md "Ingest").

Events are kept once by (terminal, seq): a repeat with the same id is dropped, the same seq
with another id is a conflict (the terminal's database was reset), kept as an incident and
never written over. State, heartbeats and alarms are applied by rules that give the same
result when applied again. Each terminal row is locked for the batch, so two workers never
interleave their changes to one terminal's completeness."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from center.alarms.standing import clear_alarm, raise_alarm
from center.commands.sender import apply_result, resend_after_birth
from center.fleet.models import Terminal
from center.fleet.presence import apply_birth, apply_death, apply_heartbeat
from center.ingest.completeness import OpenGap, Stream
from center.ingest.messages import (
    AlarmCleared,
    AlarmRaised,
    Birth,
    Death,
    EventMessage,
    Heartbeat,
    Message,
    Unreadable,
    read_message,
)
from center.ingest.models import DroppedRange, Event, Gap, Reject, SeqConflict
from contract.topics import TerminalTopic

TerminalKey = tuple[str, str]


class UnstorableEvent(ValueError):
    """An event that read well but that the database would not keep."""


@dataclass(frozen=True)
class Received:
    topic: str
    payload: bytes
    received_at: datetime


@dataclass
class BatchOutcome:
    stored: int = 0
    repeats: int = 0
    conflicts: int = 0
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)


def ingest_batch(batch: Sequence[Received], *, prefix: str, using: str = "default"
                 ) -> BatchOutcome:
    outcome = BatchOutcome()
    read: list[tuple[Received, Message]] = []
    unreadable: list[tuple[Received, Unreadable]] = []
    for received in batch:
        try:
            read.append((received, read_message(prefix, received.topic, received.payload)))
        except Unreadable as error:
            unreadable.append((received, error))
    keys = {(m.where.district, m.where.terminal) for _, m in read}
    keys |= {(e.where.district, e.where.terminal) for _, e in unreadable if e.where}
    with transaction.atomic(using=using):
        terminals = _lock_terminals(keys, using)
        events: dict[TerminalKey, list[EventMessage]] = defaultdict(list)
        for received, message in read:
            terminal = terminals[(message.where.district, message.where.terminal)]
            _seen(terminal, received.received_at)
            if isinstance(message, EventMessage):
                events[(message.where.district, message.where.terminal)].append(message)
            else:
                _apply_state(terminal, message, received.received_at, using)
        for key, messages in events.items():
            _store_events(terminals[key], messages, _latest(batch), outcome, using)
        for received, problem in unreadable:
            owner = terminals.get((problem.where.district, problem.where.terminal)) \
                if problem.where else None
            _reject(owner, received, problem.reason, using)
            outcome.rejected += 1
            outcome.reasons.append(problem.reason)
        for terminal in terminals.values():
            terminal.save(using=using)
    return outcome


def reject_unstorable(received: Received, reason: str, *, prefix: str,
                      using: str = "default") -> None:
    """Keeps as a reject a message the database refused although it read well: the worker
    found it by writing its batch one message at a time."""
    where: TerminalTopic | None
    try:
        where = read_message(prefix, received.topic, received.payload).where
    except Unreadable as error:
        where = error.where     # unreadable after all: read_message says why, not the DB
    with transaction.atomic(using=using):
        owner = None
        if where is not None:
            owner = _lock_terminals({(where.district, where.terminal)}, using).get(
                (where.district, where.terminal))
        _reject(owner, received, reason, using)
        if owner is not None:
            owner.save(using=using, update_fields=["rejects"])


def _latest(batch: Sequence[Received]) -> datetime:
    return max(r.received_at for r in batch)


def _lock_terminals(keys: set[TerminalKey], using: str) -> dict[TerminalKey, Terminal]:
    """The batch's terminals, created when new, locked in one order (no deadlocks)."""
    if not keys:
        return {}
    manager = Terminal.objects.using(using)
    manager.bulk_create([Terminal(district=d, terminal_id=t) for d, t in sorted(keys)],
                        ignore_conflicts=True)
    found: dict[TerminalKey, Terminal] = {}
    for district in sorted({d for d, _ in keys}):
        ids = sorted(t for d, t in keys if d == district)
        for terminal in manager.select_for_update().filter(
                district=district, terminal_id__in=ids).order_by("terminal_id"):
            found[(terminal.district, terminal.terminal_id)] = terminal
    return found


def _seen(terminal: Terminal, at: datetime) -> None:
    if terminal.last_seen_at is None or at > terminal.last_seen_at:
        terminal.last_seen_at = at


def _apply_state(terminal: Terminal, message: Message, received_at: datetime,
                 using: str) -> None:
    if isinstance(message, Birth):
        connection = terminal.bd_seq
        apply_birth(terminal, message.bd_seq, message.at, message.version, message.started_at)
        if terminal.bd_seq != connection:
            resend_after_birth(terminal, using)
    elif isinstance(message, Death):
        apply_death(terminal, message.bd_seq, received_at)
    elif isinstance(message, Heartbeat):
        apply_heartbeat(terminal, message.bd_seq, message.at, message.body)
    elif isinstance(message, AlarmRaised):
        raise_alarm(terminal, message.kind, message.subject, message.raised_at,
                    message.detail, received_at=received_at, using=using)
    elif isinstance(message, AlarmCleared):
        clear_alarm(terminal, message.kind, message.subject, received_at=received_at,
                    using=using)


def _store_events(terminal: Terminal, messages: list[EventMessage], now: datetime,
                  outcome: BatchOutcome, using: str) -> None:
    first: dict[int, EventMessage] = {}
    repeats_in_batch: list[EventMessage] = []
    for message in messages:
        if message.seq in first:
            repeats_in_batch.append(message)
        else:
            first[message.seq] = message
    stored_ids = dict(Event.objects.using(using).filter(
        terminal=terminal, seq__in=list(first)).values_list("seq", "event_id"))
    new = [m for seq, m in first.items() if seq not in stored_ids]
    Event.objects.using(using).bulk_create([
        Event(terminal=terminal, seq=m.seq, event_id=m.event_id, type=m.type,
              priority=m.priority, created_at=m.created_at, historical=m.historical,
              payload=m.payload, received_at=now) for m in new], ignore_conflicts=True)
    # Another worker may have stored one of these seqs a moment ago: read what is kept.
    stored_ids.update(Event.objects.using(using).filter(
        terminal=terminal, seq__in=[m.seq for m in new]).values_list("seq", "event_id"))
    inserted = {id(m) for m in new}
    conflicts: list[SeqConflict] = []
    arrived: list[EventMessage] = []
    lost = sorted(set(first) - set(stored_ids))
    if lost:
        # The insert skipped a row without an error (SQLite's INSERT OR IGNORE also skips a
        # row its JSON check refuses): fail the batch, so the worker finds the message.
        raise UnstorableEvent(f"the database did not keep seq {lost[0]}")
    for message in [*first.values(), *repeats_in_batch]:
        kept = stored_ids[message.seq]
        if kept != message.event_id:
            conflicts.append(SeqConflict(
                terminal=terminal, seq=message.seq, kept_event_id=kept,
                other_event_id=message.event_id, other_type=message.type,
                other_created_at=message.created_at, received_at=now))
        elif id(message) in inserted:
            arrived.append(message)
        else:
            outcome.repeats += 1
    outcome.stored += len(arrived)
    for message in arrived:
        if message.type == "command.result":
            apply_result(terminal, message.payload, message.created_at, using)
    if conflicts:
        SeqConflict.objects.using(using).bulk_create(conflicts, ignore_conflicts=True)
        outcome.conflicts += len(conflicts)
        terminal.seq_conflicts = SeqConflict.objects.using(using).filter(
            terminal=terminal).count()
    if arrived:
        _account(terminal, arrived, now, using)


def _account(terminal: Terminal, arrived: list[EventMessage], now: datetime,
             using: str) -> None:
    """Moves the terminal's watermark and gaps past the events just stored."""
    gaps = Gap.objects.using(using).filter(terminal=terminal)
    stream = Stream(terminal.highest_seq, [
        OpenGap(g.first_seq, g.last_seq, g.opened_at, g.resend_asked_at) for g in gaps])
    before = (stream.highest, list(stream.gaps))
    for message in sorted(arrived, key=lambda m: m.seq):
        stream.arrived(message.seq, now)
        if message.type == "outbox.dropped":
            for first, last in _dropped_ranges(message):
                DroppedRange.objects.using(using).get_or_create(
                    terminal=terminal, first_seq=first, last_seq=last,
                    defaults={"announced_by_seq": message.seq})
                stream.filled(first, last, now)
    if (stream.highest, stream.gaps) == before:
        return
    gaps.delete()
    Gap.objects.using(using).bulk_create([
        Gap(terminal=terminal, first_seq=g.first, last_seq=g.last, opened_at=g.opened_at,
            resend_asked_at=g.resend_asked_at) for g in stream.gaps])
    terminal.highest_seq = stream.highest
    terminal.complete_upto = stream.complete_upto


def _dropped_ranges(message: EventMessage) -> list[tuple[int, int]]:
    ranges = message.payload.get("seq_ranges")
    if not isinstance(ranges, list):
        return []
    return [(r[0], r[1]) for r in ranges
            if isinstance(r, list) and len(r) == 2 and all(type(n) is int for n in r)
            and 0 < r[0] <= r[1]]


_DIGIT_RUN = re.compile(r"\d{6,}")


def _reject(terminal: Terminal | None, received: Received, reason: str, using: str) -> None:
    text = received.payload[:400].decode("utf-8", errors="replace")
    # Long digit runs could be an ID or phone number in a payload nobody vouches for.
    excerpt = _DIGIT_RUN.sub(lambda m: "#" * len(m.group()), text)
    excerpt = "".join(c if c.isprintable() else "?" for c in excerpt)[:200]
    Reject.objects.using(using).create(
        terminal=terminal, topic=received.topic[:300], reason=reason[:300], excerpt=excerpt,
        size=len(received.payload), sha256=hashlib.sha256(received.payload).hexdigest(),
        received_at=received.received_at)
    if terminal is not None:
        terminal.rejects += 1
