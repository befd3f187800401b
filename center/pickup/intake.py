"""Locker events into deposits and notices, in the ingest batch's own transaction.

Only events stored for the first time come here (the event store drops repeats by
(terminal, seq)), and every notice has a unique (deposit, kind, generation): a deposit
event seen twice makes one notice, and a worker killed before its commit leaves neither
the event nor its notice, so the event arrives again and makes it then.

A batch is planned in memory, event by event in seq order, and written with a handful of
statements whatever the number of locker events in it (one per event cost a worker two
thirds of its rate on a day's backlog).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from center.fleet.models import Terminal
from center.ingest.messages import EventMessage
from center.pickup.models import (
    CARRIES_A_CODE,
    OPEN_STATES,
    CaseContact,
    Deposit,
    DepositState,
    NoticeKind,
    NoticeState,
    PickupNotice,
)

LOCKER_EVENTS = ("locker.deposited", "locker.code_reissued", "locker.collected",
                 "locker.retrieved", "locker.overdue")
WAITING_TO_GO = (NoticeState.PENDING, NoticeState.RETRYING)
ALL_KINDS = tuple(NoticeKind)

Key = tuple[int, str]               # (terminal pk, the terminal's deposit id)


@dataclass
class _Plan:
    deposits: dict[Key, Deposit]
    new: list[Key] = field(default_factory=list)
    changed: set[Key] = field(default_factory=set)
    notices: dict[tuple[Key, str, int], None] = field(default_factory=dict)
    # (deposit, kinds, generations below which to cancel; None for all)
    cancels: list[tuple[Key, tuple[str, ...], int | None]] = field(default_factory=list)
    reopened_cases: set[str] = field(default_factory=set)
    closed_cases: set[str] = field(default_factory=set)

    def notice(self, key: Key, kind: str, generation: int) -> None:
        self.notices[(key, kind, generation)] = None

    def cancel(self, key: Key, kinds: tuple[str, ...], below: int | None = None) -> None:
        """Notices of ``kinds`` not yet sent are not needed: those kept and those planned."""
        self.cancels.append((key, kinds, below))
        for planned in [p for p in self.notices if p[0] == key and p[1] in kinds
                        and (below is None or p[2] < below)]:
            del self.notices[planned]


def take_locker_events(arrived: dict[Terminal, list[EventMessage]], now: datetime,
                       using: str) -> None:
    events = [(terminal, message) for terminal, messages in arrived.items()
              for message in sorted(messages, key=lambda m: m.seq)
              if message.type in LOCKER_EVENTS and _deposit_id(message) is not None]
    if not events:
        return
    wanted = {(t.pk, str(_deposit_id(m))) for t, m in events}
    kept = Deposit.objects.using(using).filter(reduce(or_, (
        Q(terminal_id=t, deposit_id__in=[d for t2, d in wanted if t2 == t])
        for t in {t for t, _d in wanted})))
    plan = _Plan({(d.terminal_id, d.deposit_id): d for d in kept})
    for terminal, message in events:
        _plan_event(plan, terminal, message)
    _write(plan, now, using)


def _plan_event(plan: _Plan, terminal: Terminal, message: EventMessage) -> None:
    payload = message.payload
    key = (terminal.pk, str(_deposit_id(message)))
    deposit = plan.deposits.get(key)
    if message.type in ("locker.deposited", "locker.code_reissued"):
        if deposit is None:
            deposit = _new_deposit(terminal, key[1], payload, message)
            if deposit is None:
                return                  # a drop-off's, or a malformed event: nothing to tell
            plan.deposits[key] = deposit
            plan.new.append(key)
            plan.reopened_cases.add(deposit.case_number)
        elif message.type == "locker.code_reissued":
            deposit.code_generation += 1
            deposit.sealed_code = _sealed(payload)
            plan.changed.add(key)
            plan.cancel(key, CARRIES_A_CODE, below=deposit.code_generation)
        if deposit.state in OPEN_STATES:
            kind = NoticeKind.STORED if deposit.code_generation == 1 else NoticeKind.REISSUED
            plan.notice(key, kind, deposit.code_generation)
        return
    if deposit is None:
        return                          # a drop-off, or a result stored before the center
    if message.type == "locker.overdue":
        if deposit.state == DepositState.WAITING:
            deposit.state = DepositState.OVERDUE
            plan.changed.add(key)
            plan.cancel(key, CARRIES_A_CODE)        # the code no longer opens the door
            plan.notice(key, NoticeKind.OVERDUE, 0)
        return
    if deposit.state not in OPEN_STATES:
        return
    collected = message.type == "locker.collected"
    deposit.state = DepositState.COLLECTED if collected else DepositState.RETRIEVED
    deposit.closed_at = _when(payload.get("at"), message.created_at)
    deposit.collected_by = str(payload.get("by", ""))[:10]
    deposit.sealed_code = {}            # nothing to open any more
    plan.changed.add(key)
    plan.cancel(key, ALL_KINDS)
    if collected and payload.get("by") == "proxy":
        plan.notice(key, NoticeKind.PROXY_COLLECTED, 0)
    plan.closed_cases.add(deposit.case_number)


def _write(plan: _Plan, now: datetime, using: str) -> None:
    deposits = Deposit.objects.using(using)
    new = [plan.deposits[key] for key in plan.new]
    if new:
        deposits.bulk_create(new)            # both databases hand back the new ids
    created = set(plan.new)
    changed = [plan.deposits[key] for key in plan.changed if key not in created]
    for deposit in changed:
        # One plain UPDATE each: a batch changes a few, and bulk_update's CASE over a JSON
        # column cost more than these.
        deposits.filter(pk=deposit.pk).update(
            state=deposit.state, closed_at=deposit.closed_at,
            collected_by=deposit.collected_by, sealed_code=deposit.sealed_code,
            code_generation=deposit.code_generation)
    cancels = [Q(deposit_id=plan.deposits[key].pk, kind__in=list(kinds),
                 **({"generation__lt": below} if below is not None else {}))
               for key, kinds, below in plan.cancels if key not in created]
    if cancels:
        PickupNotice.objects.using(using).filter(state__in=WAITING_TO_GO).filter(
            reduce(or_, cancels)).update(state=NoticeState.CANCELLED)
    if plan.notices:
        PickupNotice.objects.using(using).bulk_create([
            PickupNotice(deposit=plan.deposits[key], kind=kind, generation=generation,
                         created_at=now, next_try_at=now)
            for key, kind, generation in plan.notices], ignore_conflicts=True)
    contacts = CaseContact.objects.using(using)
    if plan.reopened_cases:
        # A new result for the case: its number is needed again, not forgotten.
        contacts.filter(case_number__in=plan.reopened_cases).update(forget_after=None)
    if plan.closed_cases:
        _forget_later(plan.closed_cases, now, using)


def _forget_later(cases: Iterable[str], now: datetime, using: str) -> None:
    """A number goes a retention period after its case's last deposit closes."""
    still_open = set(Deposit.objects.using(using).filter(
        case_number__in=list(cases), state__in=OPEN_STATES).values_list("case_number",
                                                                         flat=True))
    done = [case for case in cases if case not in still_open]
    if done:
        CaseContact.objects.using(using).filter(case_number__in=done).filter(
            Q(forget_after__isnull=True) | Q(forget_after__lt=now)).update(
            forget_after=now + timedelta(days=settings.PHONE_RETENTION_DAYS))


def _new_deposit(terminal: Terminal, deposit_id: str, payload: dict[str, Any],
                 message: EventMessage) -> Deposit | None:
    case_number, compartment = payload.get("case_number"), payload.get("compartment")
    expires_at = _when(payload.get("expires_at"), None)
    if not isinstance(case_number, str) or not case_number or type(compartment) is not int \
            or not 0 < compartment < 2 ** 31 or expires_at is None:
        return None
    size = payload.get("size")
    return Deposit(
        terminal=terminal, deposit_id=deposit_id, case_number=case_number[:64],
        compartment=compartment, size=size if size in ("S", "M", "L") else "",
        stored_at=_when(payload.get("stored_at"), message.created_at) or message.created_at,
        expires_at=expires_at, sealed_code=_sealed(payload),
        # A reissue seen first (its deposit event lost): that code is a later generation.
        code_generation=1 if message.type == "locker.deposited" else 2)


def _deposit_id(message: EventMessage) -> str | None:
    deposit = message.payload.get("deposit")
    return deposit if isinstance(deposit, str) and 0 < len(deposit) <= 64 else None


def _sealed(payload: dict[str, Any]) -> dict[str, Any]:
    sealed = payload.get("pickup")
    return sealed if isinstance(sealed, dict) else {}


def _when(value: object, default: datetime | None) -> datetime | None:
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    return default
