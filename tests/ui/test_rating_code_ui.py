"""The rating code on the ticket slip as a resident gets it: a number taken on the screen,
the slip printed on the simulated printer, and the code a phone reads off the paper, with
its words in the resident's language (扫码看排队进度，办完后评价, or English on the English
screen); the same code on the ticket screen."""

from __future__ import annotations

from datetime import date

import pytest

from contract.rating_tokens import public_key_from_text, public_key_text, verify
from devices.printer.simulator import PrinterSimulator
from kiosk.services.keys import KeyedHash, load_or_create_key, rating_signing_key
from tests.fixtures.queue_ui import free_port, queue_settings

pytestmark = pytest.mark.ui

BASE = "https://zwfw.example.gov.cn/r/"


@pytest.fixture
def printer_sim(tmp_path):
    sim = PrinterSimulator(tmp_path / "printer" / "tty", paper_width_mm=58)
    sim.start()
    yield sim
    sim.stop()


def take_general(ui) -> None:
    ui.tap(ui.widget("queue"))
    button = next(b for b in ui.widget("categories").children if b.category_id == "general")
    ui.tap(button)
    ui.wait_until(lambda: ui.screen == "ticket", what="the ticket screen")


@pytest.mark.parametrize(("language", "words"), [
    ("zh_CN", "扫码看排队进度，办完后评价"),
    ("en", "Scan to follow your ticket, then rate the service")])
def test_the_slip_carries_the_code_in_the_residents_language(launch_ui, printer_sim,
                                                            language, words):
    settings = queue_settings(free_port(), "")
    settings["devices"] = {"printer": {"driver": "escpos", "transport": "serial",
                                       "port": printer_sim.path, "baud": 115200}}
    settings["ratings"] = {"qr_base_url": BASE}
    ui = launch_ui(settings)
    if language == "en":
        ui.tap(ui.widget("language"))

    take_general(ui)

    [receipt] = printer_sim.wait_for_receipts(1, timeout_s=15)
    # One code, on the paper and on the screen: the center's page for this ticket (the
    # configured status page is left out when there is one).
    [rating] = receipt.qr_seen
    assert ui.widget("status_qr").data == rating
    assert rating.startswith(BASE)
    # English wraps onto a second line of the 32 columns.
    assert words in " ".join(line.strip() for line in receipt.text_lines)
    secret = KeyedHash(load_or_create_key(ui.terminal.config.security.key_file))
    key = public_key_from_text(public_key_text(rating_signing_key(secret)))
    claims = verify(key, rating.removeprefix(BASE), date.today())
    assert (claims.terminal, claims.ticket) == ("test-01", "A001")
    ui.app.end_session("test")
