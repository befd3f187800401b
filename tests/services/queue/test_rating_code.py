"""The rating code on a ticket slip (好差评 by QR): the district center's rating page for
exactly that ticket, signed by the terminal, printed under 扫码看排队进度，办完后评价 (in English on
the English screen), as the printer simulator sees it on the wire and as a phone reads it
off the paper; none when `ratings.qr_base_url` is empty."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from contract.rating_tokens import verify
from devices.printer.escpos_render import ReceiptLayout
from devices.printer.slip import plain_lines
from kiosk.config import ConfigError, load_config
from kiosk.config.schema import QueueConfig
from kiosk.services.keys import KeyedHash, rating_signing_key
from kiosk.services.queue.rating_links import RatingLinks
from kiosk.services.queue.service import QueueService
from kiosk.services.queue.slips import ticket_slip
from kiosk.store import open_store
from tests.fixtures.browser import ARTIFACTS
from tests.fixtures.queue import CATEGORIES, MONDAY, STATION, issue

BASE = "https://zwfw.example.gov.cn/r/"
SECRET = b"s" * 32
KEY = rating_signing_key(KeyedHash(SECRET))


@pytest.fixture
def rated_queue(tmp_path: Path, queue_clock):
    store = open_store(tmp_path / "kiosk.db")
    links = RatingLinks(BASE, KEY, STATION.district_id, STATION.terminal_id)
    service = QueueService(store, QueueConfig(enabled=True, categories=CATEGORIES), STATION,
                           KeyedHash(SECRET), rating_links=links)
    service.now = queue_clock.now
    yield service
    store.close()


def token_of(url: str) -> str:
    assert url.startswith(BASE)
    return url[len(BASE):]


def test_the_slip_carries_the_tickets_signed_rating_code(rated_queue):
    issued = issue(rated_queue, "general")

    slip = ticket_slip(issued, STATION, rated_queue.now())

    [code] = slip.qr_codes
    assert code.data == issued.rating_url
    assert code.caption == "扫码看排队进度，办完后评价"
    claims = verify(KEY.public_key(), token_of(code.data), MONDAY.date())
    assert (claims.district, claims.terminal, claims.ticket, claims.day) == (
        "d", "t-01", "A001", date(2026, 11, 23))
    assert plain_lines(slip)[-2:] == [f"[QR] {issued.rating_url}", "扫码看排队进度，办完后评价"]


def test_on_the_english_screen_the_words_are_english(rated_queue):
    issued = issue(rated_queue, "general")

    [code] = ticket_slip(issued, STATION, rated_queue.now(), "en").qr_codes

    assert code.caption == "Scan to follow your ticket, then rate the service"
    assert code.data == issued.rating_url


def test_each_ticket_has_its_own_code(rated_queue):
    first, second = issue(rated_queue, "general"), issue(rated_queue, "instant")

    tickets = [verify(KEY.public_key(), token_of(t.rating_url), MONDAY.date()).ticket
               for t in (first, second)]

    assert tickets == ["A001", "B001"]


def test_without_a_base_address_no_rating_code_is_printed(write_config, queue):
    config = write_config.load({"ratings": {"qr_base_url": ""}})
    assert RatingLinks.for_config(config, KeyedHash(SECRET)) is None
    issued = issue(queue, "general")            # tests/fixtures/queue.py: no rating links

    slip = ticket_slip(issued, STATION, queue.now())

    assert issued.rating_url == ""
    assert [q.caption for q in slip.qr_codes] == ["扫码在手机上查看排队进度"]


def test_the_configured_address_and_the_terminal_secret_make_the_links(write_config):
    config = write_config.load({"ratings": {"qr_base_url": BASE}})

    links = RatingLinks.for_config(config, KeyedHash(SECRET))

    assert links is not None
    url = links.for_ticket("A007", "2026-12-05")
    claims = verify(KEY.public_key(), token_of(url), date(2026, 12, 5))
    assert (claims.district, claims.terminal, claims.ticket) == (
        "test-district", "test-01", "A007")


@pytest.mark.parametrize(("url", "problem"), [
    ("https://zwfw.example.gov.cn/r", "must end with /"),
    ("https://zwfw.example.gov.cn/r?t=", "must end with /"),
    ("https://zwfw.example.gov.cn/" + "x" * 40 + "/", "at most 60"),
    ("ftp://zwfw.example.gov.cn/r/", "does not match"),
])
def test_a_base_address_a_token_cannot_follow_is_refused(write_config, url, problem):
    with pytest.raises(ConfigError, match=problem) as refused:
        write_config.load({"ratings": {"qr_base_url": url}})
    assert "ratings.qr_base_url" in str(refused.value)


def test_the_demo_terminal_points_at_the_demo_center():
    repo = Path(__file__).resolve().parents[3]
    config = load_config(repo / "config" / "kiosk.toml")
    run_demo = (repo / "scripts" / "run-demo").read_text(encoding="utf-8")

    assert config.ratings.qr_base_url == "http://127.0.0.1:8000/r/"
    assert 'CENTER_PORT", "8000"' in run_demo
    assert '"127.0.0.1:{options.center_port}"' in run_demo


@pytest.mark.parametrize("qr_mode", ["raster", "native"])
def test_the_code_on_the_paper_reads_back_as_the_address(rated_queue, printer_rig, qr_mode):
    rig = printer_rig(layout=ReceiptLayout(58, qr_mode=qr_mode))
    issued = issue(rated_queue, "general")

    rig.printer.print_slip(ticket_slip(issued, STATION, rated_queue.now()))

    (receipt,) = rig.sim.wait_for_receipts(1)
    if qr_mode == "native":
        # GS ( k: the address stored as it is, printed by the printer's own QR encoder.
        assert issued.rating_url.encode("ascii") in rig.sim.wire
        assert receipt.native_qr_payloads == [issued.rating_url]
    else:
        # A raster image: what a phone reads off the receipt the simulator drew.
        assert issued.rating_url.encode("ascii") not in rig.sim.wire
        assert receipt.qr_seen == [issued.rating_url]
        assert receipt.image_path is not None
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(receipt.image_path, ARTIFACTS / "kiosk-ticket-slip-rating-code.png")
    assert "扫码看排队进度，办完后评价" in [line.strip() for line in receipt.text_lines]
    verify(KEY.public_key(), token_of(issued.rating_url), MONDAY.date())

