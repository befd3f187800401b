"""The guide service: notices printed on the real printer adapter, lookups counted, the
catalog replaced with its audit entry and event."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from devices.printer.slip import plain_lines
from kiosk.config.schema import OpeningSession, QueueCategory
from kiosk.services.guide.catalog import CatalogError
from kiosk.services.guide.library import CatalogLibrary
from kiosk.services.guide.lookups import record_lookup
from kiosk.services.guide.service import GuideService
from kiosk.services.printing import PrintService
from kiosk.store import open_store
from tests.fixtures.configs import SHIPPED_CATALOG as SHIPPED
from tests.fixtures.guide_catalogs import MINIMAL, STATION, newer


@pytest.fixture
def store(tmp_path: Path):
    store = open_store(tmp_path / "kiosk.db")
    yield store
    store.close()


def make_guide(store, tmp_path: Path, printer=None, featured=()) -> GuideService:
    library = CatalogLibrary(SHIPPED, tmp_path / "catalog" / "services.toml")
    guide = GuideService(library, store, STATION, tuple(featured), PrintService(store, printer))
    guide.now = lambda: datetime(2026, 11, 22, 10, 0)
    return guide


def events(store, event_type: str) -> list[dict]:
    with store.reading() as db:
        rows = db.execute("SELECT payload FROM outbox WHERE type = ? ORDER BY seq",
                          [event_type]).fetchall()
    return [json.loads(row[0]) for row in rows]


def test_a_notice_prints_on_the_wire_and_is_reported(store, tmp_path, printer_rig):
    rig = printer_rig()
    guide = make_guide(store, tmp_path, rig.printer)
    item = guide.catalog.item("linyi-a3-001")

    slip, printing = guide.print_notice(item)
    outcome = printing.result(timeout=20)

    assert outcome.printed
    receipt = rig.sim.wait_for_receipts(1)[0]
    assert "开具居住地住址证明" in "".join(receipt.text_lines)
    assert slip.title == "一次性告知单"
    assert events(store, "guide.notice") == [
        {"item_id": "linyi-a3-001", "catalog_version": "2026.11.22-1", "printed": True}]
    guide.printing.stop()


def test_without_a_printer_the_notice_is_not_printed_and_says_why(store, tmp_path):
    guide = make_guide(store, tmp_path)

    _slip, printing = guide.print_notice(guide.catalog.item("linyi-a3-001"))
    outcome = printing.result(timeout=5)

    assert (outcome.printed, outcome.reason) == (False, "no_printer")
    assert events(store, "guide.notice")[0]["printed"] is False
    guide.printing.stop()


def test_most_asked_follows_recent_lookups_then_the_featured_items(store, tmp_path):
    guide = make_guide(store, tmp_path, featured=["linyi-a2-003", "no-such-item"])
    for _ in range(3):
        guide.open_item("linyi-a3-002")
    guide.open_item("linyi-a3-005")
    # Interest from two months ago no longer counts.
    for _ in range(9):
        record_lookup(store, "linyi-a3-009", today=date.today() - timedelta(days=60))

    ids = [item.id for item in guide.most_asked(limit=4)]

    assert ids[:3] == ["linyi-a3-002", "linyi-a3-005", "linyi-a2-003"]
    assert len(ids) == 4
    assert "linyi-a3-009" not in ids


def test_a_replaced_catalog_is_audited_and_reported(store, tmp_path):
    guide = make_guide(store, tmp_path)

    guide.replace_catalog(newer("t-2"), actor="center")

    assert guide.catalog.info.version == "t-2"
    assert events(store, "guide.catalog_replaced") == [
        {"version": "t-2", "previous": "2026.11.22-1", "items": 1}]
    with store.reading() as db:
        row = db.execute("SELECT actor, action, subject FROM audit_log "
                         "WHERE action = 'guide.catalog_replaced'").fetchone()
    assert tuple(row) == ("center", "guide.catalog_replaced", "t-2")


def test_a_bad_replacement_changes_nothing_and_reports_nothing(store, tmp_path):
    guide = make_guide(store, tmp_path)

    with pytest.raises(CatalogError):
        guide.replace_catalog(b"[catalog]\nversion = 'x'", actor="center")

    assert guide.catalog.info.version == "2026.11.22-1"
    assert events(store, "guide.catalog_replaced") == []


def test_the_notice_asks_residents_to_come_in_the_hours_of_the_window_named(store, tmp_path):
    shipped = tmp_path / "shipped.toml"
    shipped.write_text(MINIMAL.replace('handling = "网办"', 'handling = "网办"\n'
                                       'queue_category = "instant"'), encoding="utf-8")
    instant = QueueCategory(id="instant", name="即办", prefix="B", windows=(2,), sessions=(
        OpeningSession(days=(1, 2, 3, 4, 5), start="09:00", end="12:00"),))
    guide = GuideService(CatalogLibrary(shipped, tmp_path / "installed.toml"), store,
                         STATION, (), PrintService(store, None),
                         opening_hours=lambda: "周一至周六 8:30–17:30", windows=(instant,))
    item = guide.catalog.item("t-001")

    lines = plain_lines(guide.notice(item))

    assert guide.handling_window(item) is instant
    assert any("请在即办窗口的办理时间（周一至周五 9:00–12:00）前往咨询" in line for line in lines)
    guide.printing.stop()
