"""Pickup notices (center/pickup PickupNotice) made in the period for the scope's
terminals' results, by what became of them: sent, delivered, failed, no number on file,
still waiting, not needed any more. One grouped query."""

from __future__ import annotations

from django.db.models import Count

from center.pickup.models import NoticeState, PickupNotice
from center.reports.scope import Scope
from center.reports.tally import Raw, Tally, share

FIELDS = ("notices", "sent", "delivered", "failed", "no_contact", "waiting", "cancelled")
# What each state counts as; "sent" is every notice the gateway took (delivered or not).
COUNTED_AS: dict[str, tuple[str, ...]] = {
    NoticeState.SENT: ("sent",),
    NoticeState.DELIVERED: ("sent", "delivered"),
    NoticeState.FAILED: ("failed",),
    NoticeState.UNOPENABLE: ("failed",),
    NoticeState.NO_CONTACT: ("no_contact",),
    NoticeState.PENDING: ("waiting",),
    NoticeState.SENDING: ("waiting",),
    NoticeState.RETRYING: ("waiting",),
    NoticeState.CANCELLED: ("cancelled",),
}


def notices_tally(scope: Scope) -> Tally:
    tally = Tally(FIELDS)
    notices = PickupNotice.objects.using(scope.using).filter(
        scope.terminals("deposit__terminal__"), created_at__gte=scope.start,
        created_at__lt=scope.end)
    for pk, state, count in notices.values("deposit__terminal_id", "state").annotate(
            n=Count("pk")).values_list("deposit__terminal_id", "state", "n"):
        tally.add(pk, notices=count, **dict.fromkeys(COUNTED_AS.get(state, ()), count))
    return tally


def finish_notices(raw: Raw) -> dict[str, float | None]:
    return {**raw, "delivered_share": share(raw["delivered"], raw["sent"])}
