"""`rating.submitted` events into ratings, in the ingest batch's own transaction: one
statement per batch, and a rating seen twice (the same event, or another event for the same
service) kept once by its unique (terminal, event kind, event ref). A payload that does
not read as a rating is left in the event log and not counted."""

from __future__ import annotations

from datetime import datetime

from django.utils.dateparse import parse_datetime

from center.fleet.models import Terminal
from center.ingest.messages import EventMessage
from center.ratings.models import LEVELS, Rating
from contract import rating_options

KINDS = ("pickup", "dropoff", "notice", "ticket")
CHANNELS = ("terminal", "qr")


def take_ratings(arrived: dict[Terminal, list[EventMessage]], now: datetime,
                 using: str) -> None:
    ratings = [rating for terminal, messages in arrived.items() for message in messages
               if message.type == "rating.submitted"
               for rating in [_rating(terminal, message, now)] if rating is not None]
    if ratings:
        Rating.objects.using(using).bulk_create(ratings, ignore_conflicts=True)


def _rating(terminal: Terminal, message: EventMessage, now: datetime) -> Rating | None:
    payload = message.payload
    event = payload.get("event")
    level, options, window = payload.get("level"), payload.get("options", []), \
        payload.get("window")
    if not isinstance(event, dict) or event.get("kind") not in KINDS:
        return None
    ref = event.get("ref")
    if not isinstance(ref, str) or not 0 < len(ref) <= 80:
        return None
    if type(level) is not int or level not in LEVELS or payload.get("channel") not in CHANNELS:
        return None
    # The codes of the level chosen, as the terminal offers them (contract/rating_options.py).
    if rating_options.options_problem(level, options) is not None:
        return None
    if window is not None and (type(window) is not int or not 0 < window < 1000):
        return None
    item = payload.get("item")
    at = parse_datetime(payload["at"]) if isinstance(payload.get("at"), str) else None
    return Rating(terminal=terminal, event_kind=event["kind"], event_ref=ref,
                  channel=payload["channel"], level=level, options=sorted(options),
                  item=item[:64] if isinstance(item, str) else "", window=window,
                  rated_at=at if at is not None and at.tzinfo else message.created_at,
                  received_at=now, historical=message.historical)
