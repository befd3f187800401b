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
from django.db.models import Q

from center.alarms.standing import clear_alarm, raise_alarm
from center.commands.sender import resend_after_birth
from center.fleet.models import Terminal
from center.fleet.presence import apply_birth, apply_death, apply_heartbeat
from center.fleet.samples import sample_heartbeat
from center.ingest.event_store import store_events
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
from center.ingest.models import Reject
from center.ratings.terminal_keys import keep_rating_key
from center.reports.presence_log import log_presence, presence_of
from contract.topics import TerminalTopic

TerminalKey = tuple[str, str]
# Everything ingest may change on a terminal; a batch writes only what it changed.
TERMINAL_FIELDS = ["online", "bd_seq", "born_at", "presence_since", "started_at", "version",
                   "last_seen_at", "heartbeat", "heartbeat_at", "catalog_version", "sampled_at",
                   "complete_upto", "highest_seq", "rejects", "seq_conflicts", "rating_key"]


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
    _create_new_terminals(keys, using)
    with transaction.atomic(using=using):
        terminals = _lock_terminals(keys, using)
        before = {key: _fields(terminal) for key, terminal in terminals.items()}
        events: dict[Terminal, list[EventMessage]] = defaultdict(list)
        for received, message in read:
            terminal = terminals[(message.where.district, message.where.terminal)]
            _seen(terminal, received.received_at)
            if isinstance(message, EventMessage):
                events[terminal].append(message)
            else:
                _apply_state(terminal, message, received.received_at, using)
        if events:
            stored = store_events(events, _latest(batch), using)
            outcome.stored += stored.count
            outcome.repeats += stored.repeats
            outcome.conflicts += stored.conflicts
        for received, problem in unreadable:
            owner = terminals.get((problem.where.district, problem.where.terminal)) \
                if problem.where else None
            _reject(owner, received, problem.reason, using)
            outcome.rejected += 1
            outcome.reasons.append(problem.reason)
        for key, terminal in terminals.items():
            changed = {name: value for name, value in _fields(terminal).items()
                       if value != before[key][name]}
            if changed:
                Terminal.objects.using(using).filter(pk=terminal.pk).update(**changed)
    return outcome


def _fields(terminal: Terminal) -> dict[str, object]:
    return {name: getattr(terminal, name) for name in TERMINAL_FIELDS}


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


def _create_new_terminals(keys: set[TerminalKey], using: str) -> None:
    """Rows for terminals never seen, each committed at once, before the batch's own
    transaction: a worker holding a new row's insert while it waits to lock a row another
    worker holds, which waits on that insert, was a deadlock (bench/center_ingest.py, two
    workers on PostgreSQL)."""
    if not keys:
        return
    missing = keys - set(_known(keys, using))
    if missing:
        Terminal.objects.using(using).bulk_create(
            [Terminal(district=d, terminal_id=t) for d, t in sorted(missing)],
            ignore_conflicts=True)


def _known(keys: set[TerminalKey], using: str) -> set[TerminalKey]:
    return set(Terminal.objects.using(using).filter(_wanted(keys)).values_list(
        "district", "terminal_id"))


def _wanted(keys: set[TerminalKey]) -> Q:
    wanted = Q()
    for district in sorted({d for d, _ in keys}):
        wanted |= Q(district=district, terminal_id__in=sorted(t for d, t in keys
                                                               if d == district))
    return wanted


def _lock_terminals(keys: set[TerminalKey], using: str) -> dict[TerminalKey, Terminal]:
    """The batch's terminals, locked in one order (no deadlocks); created here only if one
    vanished since _create_new_terminals."""
    if not keys:
        return {}
    found = _select_for_update(keys, using)
    missing = keys - set(found)
    if missing:
        Terminal.objects.using(using).bulk_create(
            [Terminal(district=d, terminal_id=t) for d, t in sorted(missing)],
            ignore_conflicts=True)
        found.update(_select_for_update(missing, using))
    return found


def _select_for_update(keys: set[TerminalKey], using: str) -> dict[TerminalKey, Terminal]:
    return {(t.district, t.terminal_id): t for t in Terminal.objects.using(using)
            .select_for_update().filter(_wanted(keys)).order_by("district", "terminal_id")}


def _seen(terminal: Terminal, at: datetime) -> None:
    if terminal.last_seen_at is None or at > terminal.last_seen_at:
        terminal.last_seen_at = at


def _apply_state(terminal: Terminal, message: Message, received_at: datetime,
                 using: str) -> None:
    if isinstance(message, Birth):
        connection, before = terminal.bd_seq, presence_of(terminal)
        apply_birth(terminal, message.bd_seq, message.at, message.version, message.started_at)
        log_presence(terminal, before, received_at, using)     # the uptime reports' history
        keep_rating_key(terminal, message.bd_seq, message.rating_key, using)
        if terminal.bd_seq != connection:
            resend_after_birth(terminal, using)
    elif isinstance(message, Death):
        before = presence_of(terminal)
        apply_death(terminal, message.bd_seq, received_at)
        log_presence(terminal, before, received_at, using)
    elif isinstance(message, Heartbeat):
        if apply_heartbeat(terminal, message.bd_seq, message.at, message.body):
            sample_heartbeat(terminal, message.at, message.body, using)
    elif isinstance(message, AlarmRaised):
        raise_alarm(terminal, message.kind, message.subject, message.raised_at,
                    message.detail, received_at=received_at, using=using)
    elif isinstance(message, AlarmCleared):
        clear_alarm(terminal, message.kind, message.subject, received_at=received_at,
                    using=using)


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
