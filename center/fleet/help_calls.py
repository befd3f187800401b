"""Residents' calls for help (呼叫帮助) still waiting for staff, from the terminals' events
(docs/mqtt.md: help.requested, then help.answered with the same request number). A request
nobody answers expires on the terminal after help.unanswered_after_min and raises the
help.unanswered alarm, so only the last day's calls are read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from center.ingest.models import Event

LOOK_BACK = timedelta(hours=24)
# The terminal's screen names (its help.requested `screen`) as staff know those screens.
SCREEN_NAMES = {
    "home": _("home"), "pickup": _("pickup"), "door": _("locker door"), "dropoff": _("drop-off"),
    "queue": _("take a number"), "ticket": _("ticket"), "guide": _("service guide"),
    "guide_item": _("service guide"), "guide_search": _("service guide"),
}


@dataclass(frozen=True)
class HelpCall:
    request: int
    screen: str
    at: datetime


def waiting_calls(terminal_ids: Iterable[int], now: datetime | None = None
                  ) -> dict[int, list[HelpCall]]:
    """Per terminal id, the calls asked and not yet answered, oldest first."""
    since = (now or timezone.now()) - LOOK_BACK
    asked: dict[int, dict[int, HelpCall]] = defaultdict(dict)
    answered: dict[int, set[int]] = defaultdict(set)
    for terminal_id, kind, payload, created_at in Event.objects.filter(
            terminal_id__in=list(terminal_ids), type__in=["help.requested", "help.answered"],
            created_at__gte=since).values_list("terminal_id", "type", "payload", "created_at"):
        number = payload.get("request")
        if type(number) is not int:
            continue
        if kind == "help.answered":
            answered[terminal_id].add(number)
        else:
            screen = str(payload.get("screen", ""))[:40]
            asked[terminal_id][number] = HelpCall(number, str(SCREEN_NAMES.get(screen, screen)),
                                                  created_at)
    return {terminal_id: sorted((c for n, c in calls.items()
                                 if n not in answered[terminal_id]), key=lambda c: c.at)
            for terminal_id, calls in asked.items()}
