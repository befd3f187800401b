"""Asking terminals for events lost on the way (the `outbox.resend` command).

A gap in a terminal's seqs is normal while its backlog drains: the drain sends by priority
class, so a routine report can follow business events written after it. A gap is a loss
only once the terminal says nothing is waiting (its heartbeat's `outbox.unsent` is 0) and
the gap has stayed open for CENTER_GAP_RESEND_AFTER_S; then the center asks for the range
again, and again after as long if it stays open. The terminal answers with the events, or
lists as `gone` the seqs it no longer keeps, which closes those for good (event_store).

The ingest workers run this beside sending due commands; a gap is claimed with a
conditional update, so two workers never ask twice for it in one round.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from center.commands.issue import LONGEST_RESEND, CommandRefused, issue_command
from center.fleet.models import Presence
from center.ingest.models import Gap

log = logging.getLogger(__name__)

# Requests made in one round, across the fleet: a burst the terminals and the broker take
# easily; the next round asks for the rest.
MAX_PER_ROUND = 100


def ask_for_lost_events(*, using: str = "default", now: datetime | None = None) -> int:
    """Issues outbox.resend for each gap that has outlived the backlog; returns how many."""
    now = now or timezone.now()
    patience = timedelta(seconds=settings.GAP_RESEND_AFTER_S)
    due = (Gap.objects.using(using).select_related("terminal")
           .filter(opened_at__lte=now - patience)
           .filter(Q(resend_asked_at__isnull=True) | Q(resend_asked_at__lte=now - patience))
           .order_by("opened_at"))
    asked = 0
    for gap in due[:MAX_PER_ROUND * 4]:
        terminal = gap.terminal
        if terminal.presence(now) != Presence.ONLINE or _backlog(terminal.heartbeat) != 0:
            continue
        claimed = Gap.objects.using(using).filter(
            pk=gap.pk, resend_asked_at=gap.resend_asked_at).update(resend_asked_at=now)
        if not claimed:
            continue                  # another worker asked, or the gap changed meanwhile
        last = min(gap.last_seq, gap.first_seq + LONGEST_RESEND - 1)
        try:
            issue_command(None, terminal, "outbox.resend",
                          {"fromSeq": gap.first_seq, "toSeq": last},
                          reason=f"seqs {gap.first_seq}-{last} missing since "
                                 f"{gap.opened_at:%Y-%m-%d %H:%M} UTC",
                          using=using)
        except CommandRefused as refusal:
            # No signing key: nothing can be asked of any terminal; say so once a round.
            log.error("cannot ask %s for seqs %d-%d again: %s", terminal.terminal_id,
                      gap.first_seq, last, refusal)
            return asked
        asked += 1
        if asked >= MAX_PER_ROUND:
            break
    return asked


def _backlog(heartbeat: object) -> int | None:
    """The heartbeat's count of events still waiting on the terminal, if it says."""
    if not isinstance(heartbeat, dict):
        return None
    outbox = heartbeat.get("outbox")
    unsent = outbox.get("unsent") if isinstance(outbox, dict) else None
    return unsent if type(unsent) is int else None
