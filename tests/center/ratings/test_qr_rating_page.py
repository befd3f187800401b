"""好差评 by QR, end to end: a ticket issued by the terminal's own queue, its slip printed on
the simulated printer and the code read off the paper as a phone reads it, the queue's
events through the real ingest, the address opened in Chromium on a 360 px phone: before
the service a kind "not yet", after it the five faces, 不满意 with a reason, one Rating row
(and its case); the same code again, or a second tab's form, refused politely; forged and
expired codes refused and counted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from center.audit.models import AuditEntry
from center.fleet.models import Station
from center.ratings.models import Rating, RatingCase
from contract.rating_tokens import read_claims
from kiosk.services.queue.model import IssuedTicket
from kiosk.services.queue.slips import ticket_slip
from kiosk.store import open_store
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_commands import terminal_at
from tests.fixtures.center_qr_ratings import (
    STATION,
    announce_rating_key,
    expired_token,
    forward_outbox,
    kiosk_queue,
    rating_key,
    token_for,
)

PHONE = {"width": 360, "height": 740}


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    cache.clear()                           # the lookups counted by earlier tests


def phone_page(chromium: Any) -> Any:
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                   viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                   has_touch=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def fits_the_phone(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def opened(page: Any, url: str) -> int:
    response = page.goto(url)
    assert response is not None
    return int(response.status)


@pytest.mark.django_db(transaction=True)
def test_a_ticket_is_rated_from_its_slip_once_and_only_once(chromium, live_server, printer_rig,
                                                            tmp_path: Path):
    station = Station.objects.create(district="xc", code="hsz", name=STATION.name)
    center_side = terminal_at(station, "xc-hsz-01")
    announce_rating_key(center_side, rating_key())          # the terminal's birth
    store = open_store(tmp_path / "kiosk.db")
    queue = kiosk_queue(store, f"{live_server.url}/r/")
    rig = printer_rig()
    issued = queue.issue("general")
    assert isinstance(issued, IssuedTicket)
    rig.printer.print_slip(ticket_slip(issued, STATION, queue.now()))
    (receipt,) = rig.sim.wait_for_receipts(1)
    [url] = receipt.qr_seen                                 # as a phone reads the paper
    assert url.startswith(f"{live_server.url}/r/")
    ref = f"{issued.ticket.label}/{issued.ticket.day}"
    forward_outbox(store, center_side)                      # queue.ticket_issued

    page = phone_page(chromium)
    second_tab = page.context.new_page()
    try:
        # Before the service the same address is the ticket's own page: where it stands,
        # nothing to rate yet, nothing kept.
        assert opened(page, url) == 200
        waiting = page.locator("#qr-waiting")
        assert waiting.locator("h1").inner_text() == "正在排队"
        assert "取号时前面没有人" in waiting.inner_text()
        assert "窗口办完后，这个页面会请您评价这次服务" in waiting.inner_text()
        assert page.locator("meta[http-equiv='refresh']").get_attribute("content") == "30"
        assert page.locator("label.face").count() == 0
        fits_the_phone(page)
        keep_screenshot(page, "qr-rating-not-yet")

        queue.call_next(2)
        forward_outbox(store, center_side)                  # queue.called
        assert opened(page, url) == 200
        assert waiting.locator("h1").inner_text() == "轮到您了"
        assert waiting.locator(".now").inner_text() == "请到 2 号窗口办理"
        keep_screenshot(page, "qr-rating-called")

        queue.finish(2)
        forward_outbox(store, center_side)                  # queue.finished

        assert opened(page, url) == 200
        assert opened(second_tab, url) == 200              # a second look, left open
        service = page.locator("#rated-service").inner_text()
        assert "花山镇便民服务站" in service
        assert "A001" in service
        assert "2 号窗口" in service
        faces = page.locator("label.face")
        assert faces.all_inner_texts() == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
        for box in (faces.nth(n).bounding_box() for n in range(5)):
            assert box is not None
            assert box["height"] >= 56
            assert box["width"] >= 300
        assert not page.locator("#reasons-2").is_visible()
        page.get_by_text("不满意", exact=True).click()
        assert page.locator("#reasons-2").is_visible()
        assert not page.locator("#reasons-1").is_visible()
        reason = page.locator("#reasons-2 label.reason", has_text="窗口人员业务不熟练")
        box = reason.bounding_box()
        assert box is not None
        assert box["height"] >= 48                          # as big as a thumb
        reason.click()
        fits_the_phone(page)
        keep_screenshot(page, "qr-rating-form")
        page.get_by_role("button", name="提交").click()
        page.wait_for_selector("#qr-thanks")
        assert page.locator("#qr-thanks h1").inner_text() == "谢谢您的评价"
        keep_screenshot(page, "qr-rating-thanks")

        [rating] = Rating.objects.all()
        assert (rating.terminal.terminal_id, rating.event_kind, rating.event_ref,
                rating.channel, rating.level, rating.options, rating.window, rating.item,
                rating.historical, rating.flooded) == (
            "xc-hsz-01", "window", ref, "qr", 2, [213], 2, "general", False, False)
        assert abs((timezone.now() - rating.rated_at).total_seconds()) < 60
        assert RatingCase.objects.get().rating == rating     # a bad rating is answered

        # The same code again: thanked, not asked.
        assert opened(page, url) == 200
        assert page.locator("#qr-thanks h1").inner_text() == "这次服务已经评价过了，谢谢您"
        assert page.locator("form").count() == 0
        keep_screenshot(page, "qr-rating-again")
        # The form left open in another tab, submitted now: refused, nothing kept.
        second_tab.get_by_text("非常满意", exact=True).click()
        second_tab.get_by_role("button", name="提交").click()
        second_tab.wait_for_selector("#qr-thanks")
        assert second_tab.locator("#qr-thanks").get_attribute("data-again") == "true"
        assert Rating.objects.count() == 1
        assert Rating.objects.get().level == 2
    finally:
        page.context.close()
        store.close()


@pytest.mark.django_db(transaction=True)
def test_forged_and_expired_codes_are_refused_and_counted(chromium, live_server):
    station = Station.objects.create(district="xc", code="hsz", name=STATION.name)
    center_side = terminal_at(station, "xc-hsz-01")
    announce_rating_key(center_side, rating_key())
    today = timezone.localdate()
    forged = token_for(rating_key(b"someone else's secret, 32 bytes"), "A001", today)
    expired = expired_token(rating_key(), "A001", today)
    page = phone_page(chromium)
    try:
        assert opened(page, f"{live_server.url}/r/{forged}") == 400
        assert page.locator("#qr-closed h1").inner_text() == "这个评价码无法使用"
        assert "请拿给窗口工作人员看" in page.locator("#qr-closed").inner_text()
        fits_the_phone(page)
        keep_screenshot(page, "qr-rating-refused")
        assert opened(page, f"{live_server.url}/r/{expired}") == 410
        assert page.locator("#qr-closed h1").inner_text() == "这个评价码已过期"
        assert opened(page, f"{live_server.url}/r/{forged[:40]}") == 400
        # A code for a terminal the center never heard of: cannot be used either.
        stranger = token_for(rating_key(), "A001", today, terminal="xc-zzz-09")
        assert opened(page, f"{live_server.url}/r/{stranger}") == 400
    finally:
        page.context.close()
    assert not Rating.objects.exists()
    counted = AuditEntry.objects.filter(action="rating.qr_refused").order_by("at")
    assert [(e.detail["reason"], e.terminal.terminal_id if e.terminal else None)
            for e in counted] == [("forged", "xc-hsz-01"), ("expired", "xc-hsz-01"),
                                  ("malformed", None), ("unknown", None)]
    assert read_claims(expired).terminal == "xc-hsz-01"      # genuine, only too old
    assert not any(forged in str(e.detail) for e in counted)
