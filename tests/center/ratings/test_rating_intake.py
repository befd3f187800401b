"""Ratings as terminals report them: kept once per service event, anonymous, malformed ones
left out, and the published rates (好评率, 差评率) over them. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from center.ingest.batch import ingest_batch
from center.ingest.models import Event
from center.ratings.figures import figures
from center.ratings.models import Rating
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_messages import PREFIX, FakeTerminal

pytestmark = pytest.mark.django_db(transaction=True, databases=DATABASES)


def rated(kiosk: FakeTerminal, seq: int, ref: str, stars: int, **overrides: object):
    payload = {"event": {"kind": "pickup", "ref": ref}, "channel": "terminal",
               "level": stars, "options": [213, 208] if stars == 2 else [], "item": None,
               "window": None, "at": (timezone.now() - timedelta(minutes=1)).isoformat(),
               **overrides}
    return kiosk.event(seq, "rating.submitted", payload=payload)


def test_a_rating_is_kept_once_per_service_event(using):
    kiosk = FakeTerminal()
    first = rated(kiosk, 1, "d-1", 2)
    ingest_batch([first, first, rated(kiosk, 2, "d-1", 5)], prefix=PREFIX, using=using)

    [rating] = Rating.objects.using(using).all()
    assert (rating.event_kind, rating.event_ref, rating.level, rating.options,
            rating.channel) == ("pickup", "d-1", 2, [208, 213], "terminal")
    assert Event.objects.using(using).filter(type="rating.submitted").count() == 2


@pytest.mark.parametrize("overrides", [
    {"level": 6}, {"level": "2"}, {"options": ["213"]}, {"channel": "phone"},
    {"event": {"kind": "visit", "ref": "x"}}, {"event": {"kind": "pickup", "ref": ""}},
    {"window": 0}, {"options": [213]},          # 213 is a reason for 不满意, not 基本满意
])
def test_a_payload_that_is_not_a_rating_is_not_counted(using, overrides):
    kiosk = FakeTerminal()
    ingest_batch([rated(kiosk, 1, "d-1", 3, **overrides)], prefix=PREFIX, using=using)
    assert not Rating.objects.using(using).exists()
    assert Event.objects.using(using).count() == 1          # the event itself is kept


def test_the_published_rates(using):
    kiosk = FakeTerminal()
    ingest_batch([rated(kiosk, n, f"d-{n}", level)
                  for n, level in enumerate([5, 4, 4, 3, 2, 1, 5, 5], start=1)],
                 prefix=PREFIX, using=using)
    counted = figures(Rating.objects.using(using).all())
    assert (counted.rated, counted.good, counted.bad) == (8, 5, 2)
    assert (counted.good_rate, counted.bad_rate) == (5 / 8, 2 / 8)
    assert figures(Rating.objects.using(using).none()).good_rate is None


def test_a_date_that_does_not_exist_falls_back_to_when_the_message_was_made(using):
    kiosk = FakeTerminal()
    made_at = timezone.now() - timedelta(minutes=5)
    ingest_batch([kiosk.event(1, "rating.submitted", at=made_at, payload={
        "event": {"kind": "pickup", "ref": "d-1"}, "channel": "terminal", "level": 5,
        "options": [], "at": "2026-02-30T10:00:00Z"})], prefix=PREFIX, using=using)

    rating = Rating.objects.using(using).get()
    assert rating.rated_at == made_at.replace(microsecond=made_at.microsecond // 1000 * 1000) \
        + timedelta(seconds=1)                  # FakeTerminal's createdAt: at + seq seconds


def test_a_rating_is_never_given_later_than_the_center_received_it(using):
    kiosk = FakeTerminal()
    before = timezone.now()
    ingest_batch([rated(kiosk, 1, "d-1", 5, at=(before + timedelta(hours=3)).isoformat())],
                 prefix=PREFIX, using=using)

    rating = Rating.objects.using(using).get()
    assert rating.rated_at == rating.received_at
    assert before <= rating.received_at <= timezone.now()
