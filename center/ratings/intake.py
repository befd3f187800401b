"""Ratings into the database: `rating.submitted` events in the ingest batch's own transaction
(take_ratings), and the ratings the center's QR page takes (it calls keep_ratings in its own
transaction). A payload that does not read as a rating is left in the event log and not
counted.

keep_ratings is the one way in. Whatever the batch's size it costs a few statements: the
terminals' rows locked (PostgreSQL), one read of what the terminals already have around the
batch's times, one insert, and for new bad ratings the cases' three inserts.

- Once: a rating is kept once per service event by its unique (terminal, event kind, event
  ref); one already there, or twice in the batch, is not new.
- Floods: at most CENTER_RATING_FLOOD_PER_HOUR (120) ratings given at one terminal count
  within an hour. A terminal rating with that many or more of its terminal's terminal
  ratings (kept ones and the batch's) given within the hour before it, by rated_at, is kept
  with ``flooded`` set: counted as a flood, left out of the published rates, opening no
  case. QR ratings (channel "qr") are one per signed ticket already, so they are neither
  counted towards a flood nor flagged as one.
- History: a rating sent after an outage keeps its own rated_at (the terminal's clock,
  never later than when the center received it), so it counts in the period it was given,
  and floods are judged by when ratings were given, not when they arrived. An `at` that is
  no real time (2026-02-30) falls back to the message's createdAt.
- Cases: each new bad rating (不满意, 非常不满意) that is not a flood opens a case
  (center/ratings/cases.py)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from center.fleet.models import Terminal
from center.ingest.messages import EventMessage
from center.ratings.cases import open_cases
from center.ratings.models import BAD, LEVELS, Rating
from contract import rating_options

KINDS = ("pickup", "dropoff", "notice", "ticket")
CHANNELS = ("terminal", "qr")
FLOOD_CHANNEL = "terminal"          # QR ratings are one per signed ticket: never a flood
HOUR = timedelta(hours=1)
Key = tuple[int, str, str]          # terminal pk, event kind, event ref


def take_ratings(arrived: dict[Terminal, list[EventMessage]], now: datetime,
                 using: str) -> None:
    ratings = [rating for terminal, messages in arrived.items() for message in messages
               if message.type == "rating.submitted"
               for rating in [_rating(terminal, message, now)] if rating is not None]
    keep_ratings(ratings, now, using)


def keep_ratings(ratings: list[Rating], now: datetime, using: str) -> list[Rating]:
    """Keeps the ratings not kept yet, each once, marks floods, opens a case for each new
    bad rating that is not a flood, and returns the new ones with their pks. Runs inside
    the caller's transaction; ``ratings`` carry their terminal objects."""
    if not ratings:
        return []
    batch: dict[Key, Rating] = {}
    for rating in ratings:
        batch.setdefault(_key(rating), rating)
    terminals = sorted({key[0] for key in batch})
    if connections[using].features.has_select_for_update:
        # One writer at a time per terminal, so what the read below finds kept stays true
        # until the insert. The ingest batch holds these rows already; the QR page may not.
        list(Terminal.objects.using(using).select_for_update().filter(pk__in=terminals)
             .order_by("pk").values_list("pk", flat=True))
    kept, given = _around(list(batch.values()), using)
    new = sorted((r for key, r in batch.items() if key not in kept),
                 key=lambda r: r.rated_at)
    limit = settings.RATING_FLOOD_PER_HOUR
    for rating in new:
        if rating.channel != FLOOD_CHANNEL:
            rating.flooded = False
            continue
        times = given[rating.terminal_id]
        within = (bisect_right(times, rating.rated_at)
                  - bisect_left(times, rating.rated_at - HOUR))
        rating.flooded = limit > 0 and within >= limit
        insort(times, rating.rated_at)
    Rating.objects.using(using).bulk_create(new)
    open_cases([r for r in new if r.level in BAD and not r.flooded], now, using)
    return new


def _key(rating: Rating) -> Key:
    return (rating.terminal_id, rating.event_kind, rating.event_ref)


def _around(batch: list[Rating], using: str) -> tuple[set[Key], dict[int, list[datetime]]]:
    """In one read: which of the batch's events are rated already, and when each terminal's
    kept terminal ratings (the ones a flood counts) in the hour before and during the
    batch's span were given (sorted)."""
    spans: dict[int, list[datetime]] = {}
    for rating in batch:
        span = spans.setdefault(rating.terminal_id, [rating.rated_at, rating.rated_at])
        span[0], span[1] = min(span[0], rating.rated_at), max(span[1], rating.rated_at)
    near = Q()
    for terminal, (first, last) in spans.items():
        near |= Q(terminal_id=terminal, rated_at__gte=first - HOUR, rated_at__lte=last)
    wanted = {_key(r) for r in batch}
    same = Q(terminal_id__in=list(spans), event_ref__in=sorted({r.event_ref for r in batch}))
    kept: set[Key] = set()
    given: dict[int, list[datetime]] = defaultdict(list)
    for terminal, kind, ref, at, channel in Rating.objects.using(using).filter(
            near | same).values_list("terminal_id", "event_kind", "event_ref", "rated_at",
                                     "channel"):
        if (terminal, kind, ref) in wanted:
            kept.add((terminal, kind, ref))
        first, last = spans[terminal]
        if channel == FLOOD_CHANNEL and first - HOUR <= at <= last:
            given[terminal].append(at)
    for times in given.values():
        times.sort()
    return kept, given


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
    return Rating(terminal=terminal, event_kind=event["kind"], event_ref=ref,
                  channel=payload["channel"], level=level, options=sorted(options),
                  item=item[:64] if isinstance(item, str) else "", window=window,
                  rated_at=_rated_at(payload.get("at"), message.created_at, now),
                  received_at=now, historical=message.historical)


def _rated_at(given: object, created_at: datetime, now: datetime) -> datetime:
    """When the rating was given: the payload's `at` when it reads as a time with its zone
    (a date that does not exist, such as 02-30, does not), else the message's createdAt;
    never later than the center received it, so a terminal's clock running ahead cannot
    put a rating into a period not begun."""
    at = None
    if isinstance(given, str):
        try:
            at = parse_datetime(given)
        except ValueError:
            at = None
    rated = at if at is not None and at.tzinfo else created_at
    return min(rated, now)
