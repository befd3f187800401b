"""How a pickup notice ends when it cannot do its job, for the sender and for the delivery
receipts alike: the notice marked (never again tried) and the station's staff told, once,
with the masked number when the sender had it."""

from __future__ import annotations

import logging
from datetime import datetime

from center.notifications.models import NoticeKind as StaffNoticeKind
from center.notifications.recipients import recipients
from center.notifications.record import record_notice
from center.pickup.models import NoticeState, PickupNotice
from center.pickup.phones import masked

log = logging.getLogger("center.pickup")


def finish(notice: PickupNotice, state: str, why: str, using: str,
           tries: int | None = None) -> None:
    PickupNotice.objects.using(using).filter(pk=notice.pk).update(
        state=state, last_error=why[:300], claimed_at=None,
        tries=notice.tries if tries is None else tries)
    if state != NoticeState.CANCELLED:
        log.warning("pickup notice %s: %s (%s)", notice.pk, state, why)


def tell_staff(notice: PickupNotice, now: datetime, why: str, using: str,
               phone: str | None = None,
               kind: str = StaffNoticeKind.PICKUP_PROBLEM) -> None:
    terminal = notice.deposit.terminal
    record_notice(f"{kind}:{notice.pk}", kind, terminal, at=now, now=now,
                  people=recipients(kind, terminal, using=using),
                  detail={"case": notice.deposit.case_number, "why": why,
                          "phone": masked(phone) if phone else ""},
                  using=using)
