"""Ratings kept through center/ratings/intake.py keep_ratings, on SQLite and PostgreSQL: a
flood from one terminal kept, marked and opening no case; ratings a terminal sends days
later counted when they were given; each service event rated once whichever way it comes
(the ingest, the QR page); QR ratings never a flood; and a batch costing the same few
statements whatever its size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from center.fleet.models import Terminal
from center.ingest.batch import ingest_batch
from center.ratings.figures import figures
from center.ratings.intake import keep_ratings
from center.ratings.models import CaseStep, Rating, RatingCase
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_messages import PREFIX, FakeTerminal
from tests.fixtures.rating_cases import rating_message

pytestmark = pytest.mark.django_db(transaction=True, databases=DATABASES)
T0 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)            # a Monday, 10:00 in Beijing
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def flooded_refs(using: str) -> list[str]:
    return sorted(Rating.objects.using(using).filter(flooded=True)
                  .values_list("event_ref", flat=True))


def test_more_than_30_an_hour_from_one_terminal_are_kept_as_a_flood(using, settings):
    settings.RATING_FLOOD_PER_HOUR = 30
    kiosk, neighbour = FakeTerminal(), FakeTerminal("xc-hsz-02")
    # 40 不满意 in 40 minutes at one terminal, and 5 at its neighbour meanwhile.
    ingest_batch([rating_message(kiosk, n + 1, f"d-{n:02d}", 2, T0 + n * MINUTE,
                                 arrived_at=T0 + 41 * MINUTE) for n in range(40)]
                 + [rating_message(neighbour, n + 1, f"d-{n}", 2, T0 + n * MINUTE,
                                   arrived_at=T0 + 41 * MINUTE) for n in range(5)],
                 prefix=PREFIX, using=using)

    assert Rating.objects.using(using).count() == 45
    assert flooded_refs(using) == [f"d-{n}" for n in range(30, 40)]
    # Each flooded rating is kept and counted, opens no case, and the rates leave it out.
    assert RatingCase.objects.using(using).count() == 35
    assert not RatingCase.objects.using(using).filter(rating__flooded=True).exists()
    assert figures(Rating.objects.using(using).all()).rated == 35


def test_the_flood_counts_ratings_already_kept_and_the_hour_moves_on(using, settings):
    settings.RATING_FLOOD_PER_HOUR = 30
    kiosk = FakeTerminal()
    ingest_batch([rating_message(kiosk, n + 1, f"d-{n:02d}", 4, T0 + n * MINUTE,
                                 arrived_at=T0 + 30 * MINUTE)
                  for n in range(30)], prefix=PREFIX, using=using)
    assert flooded_refs(using) == []

    # The 31st within the hour, in a later batch; then one 70 minutes after the first,
    # when only 21 of them (10:10 to 10:30) fall within its hour.
    ingest_batch([rating_message(kiosk, 31, "d-30", 1, T0 + 30 * MINUTE,
                                 arrived_at=T0 + 71 * MINUTE),
                  rating_message(kiosk, 32, "d-31", 1, T0 + 70 * MINUTE,
                                 arrived_at=T0 + 71 * MINUTE)],
                 prefix=PREFIX, using=using)
    assert flooded_refs(using) == ["d-30"]
    assert list(RatingCase.objects.using(using).values_list("rating__event_ref", flat=True)
                ) == ["d-31"]


def test_ratings_sent_days_later_count_when_they_were_given(using, settings):
    settings.RATING_FLOOD_PER_HOUR = 30
    kiosk = FakeTerminal()
    offline_since = T0 - timedelta(days=3)
    back_at = T0
    # Three days of ratings (two an hour, 08:00 to 17:30 Beijing) kept on the terminal and
    # sent together when it comes back: no flood, each in its own day.
    given = [offline_since + timedelta(days=day, minutes=30 * n)
             for day in range(3) for n in range(20)]
    ingest_batch([rating_message(kiosk, seq, f"d-{seq}", 2 if seq % 10 == 1 else 5, at,
                                 arrived_at=back_at, historical=True)
                  for seq, at in enumerate(given, start=1)], prefix=PREFIX, using=using)

    ratings = Rating.objects.using(using)
    assert ratings.count() == 60
    assert flooded_refs(using) == []
    assert set(ratings.values_list("historical", flat=True)) == {True}
    assert sorted(ratings.values_list("rated_at", flat=True)) == given
    for day in range(3):
        start = offline_since + timedelta(days=day)
        counted = figures(ratings.filter(rated_at__gte=start,
                                         rated_at__lt=start + timedelta(days=1)))
        assert (counted.rated, counted.bad) == (20, 2)
    assert figures(ratings.filter(rated_at__gte=back_at)).rated == 0
    # Their cases open when the center learns of them, with the deadline from then.
    assert set(RatingCase.objects.using(using).values_list("opened_at", flat=True)) == {back_at}


def test_each_service_event_is_rated_once_whichever_way_it_comes(using):
    kiosk = FakeTerminal()
    first = rating_message(kiosk, 1, "A012/2026-12-07", 2, T0, kind="ticket", window=3)
    ingest_batch([first, first, rating_message(kiosk, 2, "A012/2026-12-07", 1, T0,
                                               kind="ticket")], prefix=PREFIX, using=using)
    terminal = Terminal.objects.using(using).get()
    # The same ticket rated again by QR code: not new, no second case.
    again = Rating(terminal=terminal, event_kind="ticket", event_ref="A012/2026-12-07",
                   channel="qr", level=1, options=[115], rated_at=T0 + MINUTE,
                   received_at=T0 + MINUTE)
    other = Rating(terminal=terminal, event_kind="ticket", event_ref="A013/2026-12-07",
                   channel="qr", level=1, options=[115], rated_at=T0 + MINUTE,
                   received_at=T0 + MINUTE)
    with transaction.atomic(using=using):
        new = keep_ratings([again, other, other], T0 + MINUTE, using)

    assert [(r.event_ref, r.channel, r.pk is not None) for r in new] == [
        ("A013/2026-12-07", "qr", True)]
    kept = Rating.objects.using(using).order_by("pk")
    assert list(kept.values_list("event_ref", "channel", "level", "window")) == [
        ("A012/2026-12-07", "terminal", 2, 3), ("A013/2026-12-07", "qr", 1, None)]
    assert list(RatingCase.objects.using(using).order_by("pk").values_list(
        "rating__event_ref", "state")) == [("A012/2026-12-07", "received"),
                                           ("A013/2026-12-07", "received")]
    assert CaseStep.objects.using(using).count() == 2


def test_a_batch_costs_the_same_few_statements_whatever_its_size(using):
    terminals = [Terminal.objects.using(using).create(district="xc", terminal_id=f"xc-{n}")
                 for n in range(5)]

    def batch(first: int, size: int) -> list[Rating]:
        return [Rating(terminal=terminals[n % 5], event_kind="pickup", event_ref=f"d-{n}",
                       channel="terminal", level=2 if n % 2 else 5,
                       options=[213] if n % 2 else [], rated_at=T0 + n * MINUTE,
                       received_at=T0) for n in range(first, first + size)]

    counts = []
    for first, size in ((0, 4), (100, 60)):
        with transaction.atomic(using=using), \
                CaptureQueriesContext(connections[using]) as queries:
            keep_ratings(batch(first, size), T0, using)
        counts.append(len(queries))
    # Lock (PostgreSQL), one read, the ratings' insert, the cases', their steps', audit's.
    assert counts[0] == counts[1] <= 6


def test_a_busy_terminal_gives_120_ratings_an_hour_before_a_flood(using):
    # 120 services an hour at a busy station's terminal, each rated once: no flood.
    assert settings.RATING_FLOOD_PER_HOUR == 120
    kiosk = FakeTerminal()
    ingest_batch([rating_message(kiosk, n + 1, f"d-{n:03d}", 5, T0 + n * MINUTE / 2,
                                 arrived_at=T0 + HOUR)
                  for n in range(121)], prefix=PREFIX, using=using)
    assert flooded_refs(using) == ["d-120"]


def test_qr_ratings_are_neither_counted_nor_flagged_as_a_flood(using, settings):
    settings.RATING_FLOOD_PER_HOUR = 2
    terminal = Terminal.objects.using(using).create(district="xc", terminal_id="xc-hsz-01")

    def given(ref: str, channel: str, minute: int) -> Rating:
        return Rating(terminal=terminal, event_kind="window" if channel == "qr" else "pickup",
                      event_ref=ref, channel=channel, level=2, options=[213],
                      rated_at=T0 + minute * MINUTE, received_at=T0 + minute * MINUTE)

    for batch in ([given("d-1", "terminal", 0)],
                  [given(f"A00{n}/2026-12-07", "qr", n) for n in (1, 2, 3)],
                  [given("d-2", "terminal", 10)]):
        with transaction.atomic(using=using):
            keep_ratings(batch, T0 + 10 * MINUTE, using)

    assert flooded_refs(using) == []
    assert RatingCase.objects.using(using).count() == 5
    # The third terminal rating within the hour is still one too many.
    with transaction.atomic(using=using):
        keep_ratings([given("d-3", "terminal", 20)], T0 + 20 * MINUTE, using)
    assert flooded_refs(using) == ["d-3"]
