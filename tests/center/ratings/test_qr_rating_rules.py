"""The QR rating page's rules, through Django's client (Chromium walks the page itself in
test_qr_rating_page.py): only a service given at a window (a no-show is told kindly), the
reasons of the chosen level only, QR ratings never a flood, the days a code is good for, a
terminal whose key the center lacks, lookups limited per address, and nothing cached, set
as a cookie, logged with the token or kept about it."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from center.audit.models import AuditEntry
from center.fleet.models import Station, Terminal
from center.ratings.models import Rating, RatingCase
from center.ratings.qr_views import LOOKUPS_PER_MINUTE
from tests.fixtures.center_commands import terminal_at
from tests.fixtures.center_messages import FakeTerminal
from tests.fixtures.center_qr_ratings import (
    FIRST_SEQ,
    announce_rating_key,
    rating_key,
    served,
    token_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    cache.clear()                           # the lookups counted by earlier tests


@pytest.fixture
def kiosk() -> FakeTerminal:
    station = Station.objects.create(district="xc", code="hsz", name="花山镇便民服务站")
    terminal = terminal_at(station, "xc-hsz-01")
    announce_rating_key(terminal, rating_key())
    return terminal


def address(ticket: str = "A001", days_ago: int = 0) -> str:
    day = timezone.localdate() - timedelta(days=days_ago)
    return f"/r/{token_for(rating_key(), ticket, day)}"


def private(response) -> None:
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies                      # no session, no CSRF cookie


def test_a_ticket_not_called_or_finished_another_day_cannot_be_rated(client, kiosk):
    today = timezone.localdate()
    served(kiosk, "A001", today - timedelta(days=1))            # yesterday's A001
    served(kiosk, "A002", today, kind="queue.called", seq=FIRST_SEQ + 1)

    for ticket, now in (("A001", "正在排队"), ("A002", "请到 2 号窗口办理")):
        response = client.post(address(ticket), {"level": "5"})
        assert response.status_code == 200          # the ticket's own page, as it stands
        private(response)
        assert now in response.content.decode()
        assert 'name="level"' not in response.content.decode()
    assert not Rating.objects.exists()


def test_a_ticket_missed_at_the_window_is_not_asked_for_a_rating(client, kiosk):
    served(kiosk, "A001", timezone.localdate(), window=3, kind="queue.no_show")

    for response in (client.get(address()),
                     client.post(address(), {"level": "1", "options_1": ["115", "113"]})):
        assert response.status_code == 409
        private(response)
        page = response.content.decode()
        assert "这张号已过号，没有在窗口办理，不需要评价。" in page
        assert 'name="level"' not in page
    assert not Rating.objects.exists()
    assert not RatingCase.objects.exists()


def test_a_ticket_missed_then_called_again_and_served_can_be_rated(client, kiosk):
    today = timezone.localdate()
    served(kiosk, "A001", today, window=3, kind="queue.no_show")
    served(kiosk, "A001", today, window=4, seq=FIRST_SEQ + 1)

    response = client.post(address(), {"level": "1", "options_1": ["115", "113"]})

    assert response.status_code == 200
    rating = Rating.objects.get()
    assert (rating.level, rating.options, rating.window) == (1, [113, 115], 4)


def test_the_expiry_page_gives_the_days_the_token_is_good_for(client, kiosk, monkeypatch):
    monkeypatch.setattr("center.ratings.qr_views.VALID_DAYS", 9)

    response = client.get(address(days_ago=30))

    assert response.status_code == 410
    assert "取号后 9 天内可以评价。" in response.content.decode()


def test_only_the_reasons_of_the_chosen_level_count(client, kiosk):
    served(kiosk, "A001", timezone.localdate())

    # Ticked under 非常不满意, then 不满意 chosen: the hidden boxes stay behind.
    response = client.post(address(), {"level": "2", "options_1": ["115"],
                                       "options_2": ["209"]})

    assert response.status_code == 200
    assert Rating.objects.get().options == [209]


def test_a_good_rating_needs_no_reason_and_opens_no_case(client, kiosk):
    served(kiosk, "A001", timezone.localdate())

    assert client.post(address(), {"level": "4", "options_2": ["209"]}).status_code == 200

    rating = Rating.objects.get()
    assert (rating.level, rating.options, rating.channel, rating.event_kind) == (
        4, [], "qr", "window")
    assert not RatingCase.objects.exists()


@pytest.mark.parametrize(("data", "shown"), [
    ({}, "请从五项中选一项"),
    ({"level": "6"}, "请从五项中选一项"),
    ({"level": "2", "options_2": ["115"]}, "所选原因不在列表中"),     # 非常不满意's reason
    ({"level": "2", "options_2": ["x"]}, "所选原因不在列表中"),
])
def test_an_answer_the_page_does_not_offer_is_asked_again(client, kiosk, data, shown):
    served(kiosk, "A001", timezone.localdate())

    response = client.post(address(), data)

    assert response.status_code == 400
    private(response)
    html = response.content.decode()
    assert shown in html
    assert 'id="qr-rating"' in html                             # the form again
    assert not Rating.objects.exists()


def test_qr_ratings_are_never_a_flood(client, kiosk, settings):
    # One per signed ticket already: neither flagged nor counted towards a flood.
    settings.RATING_FLOOD_PER_HOUR = 1
    today = timezone.localdate()
    for n in (1, 2, 3):
        served(kiosk, f"A00{n}", today, seq=FIRST_SEQ + n)
        assert client.post(address(f"A00{n}"), {"level": "2"}).status_code == 200

    assert list(Rating.objects.order_by("event_ref").values_list("flooded", flat=True)) == [
        False, False, False]
    assert RatingCase.objects.count() == 3


def test_a_terminal_whose_key_the_center_lacks_is_asked_to_wait(client):
    station = Station.objects.create(district="xc", code="hsz", name="花山镇便民服务站")
    terminal_at(station, "xc-hsz-01")                           # born without ratingKey

    response = client.get(address())

    assert response.status_code == 503
    assert "暂时无法核对这个评价码" in response.content.decode()
    entry = AuditEntry.objects.get(action="rating.qr_refused")
    assert (entry.detail, entry.terminal) == ({"reason": "no_key"},
                                              Terminal.objects.get())


def test_lookups_are_limited_per_address_and_the_limit_is_not_counted(client, kiosk):
    served(kiosk, "A001", timezone.localdate())
    guesses = [client.get(f"/r/guess{n}", REMOTE_ADDR="10.0.0.9").status_code
               for n in range(LOOKUPS_PER_MINUTE)]
    assert guesses == [400] * LOOKUPS_PER_MINUTE

    busy = client.get(address(), REMOTE_ADDR="10.0.0.9")        # even a good code

    assert busy.status_code == 429
    private(busy)
    assert "尝试次数过多" in busy.content.decode()
    assert client.get(address(), REMOTE_ADDR="10.0.0.10").status_code == 200
    assert AuditEntry.objects.filter(action="rating.qr_refused").count() == LOOKUPS_PER_MINUTE


def test_the_code_is_never_logged_nor_kept(client, kiosk, caplog):
    caplog.set_level(logging.DEBUG)
    served(kiosk, "A001", timezone.localdate())
    good = address()
    forged = f"/r/{token_for(rating_key(b'x' * 32), 'A001', timezone.localdate())}"

    assert client.get(good).status_code == 200
    assert client.post(good, {"level": "3"}).status_code == 200
    assert client.get(forged).status_code == 400
    assert client.get(good + "/more").status_code == 400
    assert client.get(address(days_ago=9)).status_code == 410

    assert "rating code refused (forged) for terminal xc-hsz-01" in caplog.text
    for path in (good, forged):
        token = path.removeprefix("/r/")
        assert token not in caplog.text
        assert not AuditEntry.objects.filter(detail__icontains=token[:40]).exists()
