"""The link in a pickup notice (/p/<token>), opened as the resident opens it: from the SMS the
real sender texted to the simulated SMSC, signed out. It shows the code as the QR the
terminal's scanner accepts (decoded here from the PNG, and from a phone's screen in
Chromium) while the code opens the door; after collection, a new code or the deadline it
says so without naming the case; unknown tokens are 404; lookups are limited per address;
nothing is cached, passed on as a referrer, or logged with the token."""

from __future__ import annotations

import base64
import io
import logging
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from PIL import Image
from pyzbar.pyzbar import decode

from center.fleet.models import Station
from center.pickup.models import Deposit
from center.pickup.views_link import LOOKUPS_PER_MINUTE
from kiosk.services.locker.codes import code_from_qr
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_commands import terminal_at
from tests.fixtures.center_pickup import write_sealing_key
from tests.fixtures.pickup_deposits import (
    LockerEvents,
    links_in,
    notice_sender,
    on_file,
    send_and_settle,
    smsc,
)

__all__ = ["notice_sender", "smsc"]         # fixtures, used by name

CASE, PHONE = "XC-2026-0042", "13800138000"
CODE, NEW_CODE = "20261205", "55554444"
STATION = "花山镇便民服务站"
QR_PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    cache.clear()                           # the lookups counted by earlier tests


@pytest.fixture
def stored(sealing_key, notice_sender, smsc) -> tuple[LockerEvents, str]:
    """A result stored at 花山镇 and its notice texted: the locker, and the SMS's token."""
    station = Station.objects.create(district="xc", code="hsz", name=STATION)
    locker = LockerEvents(terminal_at(station, "xc-hsz-01"), sealing_key, "xc-hsz-01")
    on_file(CASE, PHONE)
    locker.stored("d-1", CODE, CASE)
    [message] = send_and_settle(notice_sender, smsc, 1)
    [token] = links_in(message)
    return locker, token


def qr_text(png: bytes) -> str:
    [symbol] = decode(Image.open(io.BytesIO(png)))
    return str(symbol.data.decode("ascii"))


def shown_qr(html: str) -> str:
    match = QR_PNG.search(html)
    assert match, "no QR on the page"
    return qr_text(base64.b64decode(match[1]))


def private(response) -> None:
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


@pytest.mark.django_db
def test_the_link_shows_the_code_as_the_qr_the_terminal_scans(client, stored):
    _locker, token = stored
    response = client.get(f"/p/{token}")                 # signed out, as a resident
    assert response.status_code == 200
    private(response)
    html = response.content.decode()
    qr = shown_qr(html)
    assert qr == f"KIOSK-PICKUP:xc-hsz-01:{CODE}"
    assert code_from_qr(qr, "xc-hsz-01") == CODE         # the terminal's own reading
    assert f'id="pickup-code">{CODE}<' in html
    deadline = timezone.localtime(Deposit.objects.get().expires_at)
    assert STATION in html
    assert "中格" in html
    assert f"请于{deadline.month}月{deadline.day}日 {deadline:%H:%M}前领取" in html
    assert CASE not in html
    assert "138" not in html


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_qr_on_the_screen_scans(chromium, live_server, stored):
    _locker, token = stored
    phone = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                 device_scale_factor=2, is_mobile=True, has_touch=True)
    page = phone.new_page()
    try:
        page.goto(f"{live_server.url}/p/{token}")
        qr = page.locator("#pickup-qr")
        box = qr.bounding_box()
        assert box is not None
        assert 250 <= box["width"] <= 390
        assert qr_text(qr.screenshot()) == f"KIOSK-PICKUP:xc-hsz-01:{CODE}"
        code = page.locator("#pickup-code")
        assert code.inner_text() == CODE
        assert float(code.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 36
        assert page.evaluate("document.documentElement.scrollWidth") <= 390    # no sideways
        keep_screenshot(page, "pickup-link-phone")
    finally:
        phone.close()


@pytest.mark.django_db
def test_the_code_no_longer_shows_once_collected(client, stored):
    locker, token = stored
    locker.collected("d-1")
    response = client.get(f"/p/{token}")
    assert response.status_code == 410
    private(response)
    html = response.content.decode()
    assert "此取件码已失效" in html
    assert "办件结果已被领取" in html
    assert CODE not in html
    assert CASE not in html
    assert "data:image" not in html


@pytest.mark.django_db
def test_a_new_code_replaces_the_old_link(client, stored, notice_sender, smsc):
    locker, old = stored
    locker.reissued("d-1", NEW_CODE, CASE)
    response = client.get(f"/p/{old}")
    assert response.status_code == 410
    assert "已更换为新取件码" in response.content.decode()
    assert CODE not in response.content.decode()
    [_first, second] = send_and_settle(notice_sender, smsc, 2)
    [new] = links_in(second)
    response = client.get(f"/p/{new}")
    assert response.status_code == 200
    assert shown_qr(response.content.decode()) == f"KIOSK-PICKUP:xc-hsz-01:{NEW_CODE}"
    assert CODE not in response.content.decode()


@pytest.mark.django_db
def test_the_code_no_longer_shows_past_its_deadline(client, stored):
    locker, token = stored
    Deposit.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(f"/p/{token}")                # before the terminal says so
    assert response.status_code == 410
    assert "已过领取期限" in response.content.decode()
    Deposit.objects.update(expires_at=timezone.now() + timedelta(days=1))
    locker.overdue("d-1", CASE)                         # the terminal says so
    response = client.get(f"/p/{token}")
    assert response.status_code == 410
    assert "已过领取期限" in response.content.decode()
    assert CODE not in response.content.decode()


@pytest.mark.django_db
def test_unknown_and_malformed_tokens_are_not_found(client, stored):
    _locker, token = stored
    for wrong in ("A" * 22, token[:-1] + ("B" if token[-1] != "B" else "C"), "short",
                  "x" * 65, "%E5%8F%96" * 4):
        response = client.get(f"/p/{wrong}")
        assert response.status_code == 404, wrong
        private(response)
        assert "链接无效" in response.content.decode()
    assert client.get(f"/p/{token}/").status_code == 404           # only the SMS's form


@pytest.mark.django_db
def test_lookups_are_limited_per_address(client, stored):
    _locker, token = stored
    guesses = [client.get(f"/p/guess{n:020d}", REMOTE_ADDR="10.0.0.9").status_code
               for n in range(LOOKUPS_PER_MINUTE)]
    assert guesses == [404] * LOOKUPS_PER_MINUTE
    busy = client.get(f"/p/{token}", REMOTE_ADDR="10.0.0.9")        # even the right one
    assert busy.status_code == 429
    private(busy)
    assert "尝试次数过多" in busy.content.decode()
    assert CODE not in busy.content.decode()
    assert client.get(f"/p/{token}", REMOTE_ADDR="10.0.0.10").status_code == 200


@pytest.mark.django_db
def test_the_token_is_never_logged(client, stored, caplog, tmp_path, settings):
    locker, token = stored
    caplog.set_level(logging.DEBUG)
    assert client.get(f"/p/{token}").status_code == 200
    settings.CENTER_SEALING_KEY_FILE = str(tmp_path / "another.key")
    write_sealing_key(tmp_path / "another.key")          # a key that does not open it
    assert client.get(f"/p/{token}").status_code == 503
    assert "暂时无法显示取件码" in client.get(f"/p/{token}").content.decode()
    locker.collected("d-1")
    assert client.get(f"/p/{token}").status_code == 410
    assert client.get(f"/p/{token[::-1]}").status_code == 404
    assert client.get(f"/p/{token}/more").status_code == 404
    for _ in range(LOOKUPS_PER_MINUTE):
        client.get(f"/p/{token}")
    assert client.get(f"/p/{token}").status_code == 429
    assert "does not open" in caplog.text                # the 503 was logged, by notice
    assert token not in caplog.text
    assert token[::-1] not in caplog.text
    assert CODE not in caplog.text
