"""PrintService through the real ESC/POS adapter and the printer simulator: printed or not
(with a reason the UI shows the slip for), and the printer's alarms raised and cleared."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.printer.slip import Qr, Slip, Text
from kiosk.services.alarms import active_alarms
from kiosk.services.printing import (
    ALARM_OFFLINE,
    ALARM_PAPER_LOW,
    ALARM_PAPER_OUT,
    ALARM_UNREACHABLE,
    PrintOutcome,
    PrintService,
)
from kiosk.store import Store, open_store
from tests.waiting import wait_until

NOTICE = Slip((Text("一次性告知单", size="title", align="center"),
               Text("收费：免费"), Qr("https://zwfw.example.gov.cn/g/7", caption="扫码")))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "kiosk.db")
    yield store
    store.close()


def alarm_kinds(store: Store) -> list[str]:
    with store.reading() as db:
        return sorted(alarm.kind for alarm in active_alarms(db))


def alarm_events(store: Store) -> list[tuple[str, str]]:
    with store.reading() as db:
        rows = db.execute("SELECT type, payload FROM outbox WHERE type LIKE 'alarm.%' "
                          "ORDER BY seq").fetchall()
    return [(kind, json.loads(payload)["kind"]) for kind, payload in rows]


def test_a_slip_is_printed(store, printer_rig):
    rig = printer_rig()
    service = PrintService(store, rig.printer)
    assert service.print_slip(NOTICE) == PrintOutcome(printed=True)
    assert rig.sim.wait_for_receipts(1)[0].text_lines[0] == "一次性告知单"
    assert alarm_kinds(store) == []


def test_out_of_paper_nothing_printed_alarm_raised_then_cleared(store, printer_rig):
    rig = printer_rig()
    service = PrintService(store, rig.printer)
    rig.sim.run_out_of_paper()
    outcome = service.print_slip(NOTICE)
    assert (outcome.printed, outcome.reason) == (False, "paper_out")
    assert "out of paper" in outcome.detail
    assert rig.sim.receipts == []
    assert alarm_kinds(store) == [ALARM_PAPER_OUT]       # not also "offline"
    rig.sim.load_paper()
    rig.printer.status()                # the next status check, idle or before a receipt
    assert alarm_kinds(store) == []
    assert alarm_events(store) == [("alarm.raised", ALARM_PAPER_OUT),
                                   ("alarm.cleared", ALARM_PAPER_OUT)]
    assert service.print_slip(NOTICE).printed


def test_the_idle_status_check_clears_the_alarm_without_printing(store, printer_rig):
    rig = printer_rig(poll_interval_s=0.1, start=True)
    PrintService(store, rig.printer)
    rig.sim.run_out_of_paper()
    wait_until(lambda: alarm_kinds(store) == [ALARM_PAPER_OUT], what="paper-out alarm")
    rig.sim.load_paper()
    wait_until(lambda: alarm_kinds(store) == [], timeout_s=8, what="alarm cleared")
    assert rig.sim.receipts == []


def test_paper_low_is_an_alarm_but_still_prints(store, printer_rig):
    rig = printer_rig()
    service = PrintService(store, rig.printer)
    rig.sim.paper_near_end()
    assert service.print_slip(NOTICE).printed
    assert alarm_kinds(store) == [ALARM_PAPER_LOW]
    rig.sim.run_out_of_paper()
    assert service.print_slip(NOTICE).reason == "paper_out"
    assert alarm_kinds(store) == [ALARM_PAPER_OUT]
    rig.sim.load_paper()
    rig.printer.status()
    assert alarm_kinds(store) == []


def test_offline_printer(store, printer_rig):
    rig = printer_rig()
    service = PrintService(store, rig.printer)
    rig.sim.open_cover()
    outcome = service.print_slip(NOTICE)
    assert (outcome.printed, outcome.reason) == (False, "offline")
    assert "the cover is open" in outcome.detail
    assert alarm_kinds(store) == [ALARM_OFFLINE]
    with store.reading() as db:
        (alarm,) = active_alarms(db)
    assert alarm.subject == "printer"
    assert alarm.detail == {"detail": "the cover is open"}
    rig.sim.close_cover()
    assert service.print_slip(NOTICE).printed
    assert alarm_kinds(store) == []


def test_silent_and_unplugged_printers(store, printer_rig):
    rig = printer_rig()
    service = PrintService(store, rig.printer)
    rig.sim.silence()
    outcome = service.print_slip(NOTICE)
    assert (outcome.printed, outcome.reason) == (False, "not_responding")
    assert alarm_kinds(store) == [ALARM_UNREACHABLE]
    rig.sim.silence(False)
    rig.sim.unplug()
    assert service.print_slip(NOTICE).reason == "unreachable"
    assert alarm_kinds(store) == [ALARM_UNREACHABLE]
    rig.sim.plug()
    assert service.print_slip(NOTICE).printed
    assert alarm_kinds(store) == []


def test_without_a_printer_the_slip_is_shown_on_screen(store):
    service = PrintService(store, None)
    outcome = service.print_slip(NOTICE)
    assert (outcome.printed, outcome.reason) == (False, "no_printer")


def test_alarms_left_from_before_a_restart_are_cleared(store, printer_rig):
    rig = printer_rig()
    rig.sim.run_out_of_paper()
    PrintService(store, rig.printer).print_slip(NOTICE)
    assert alarm_kinds(store) == [ALARM_PAPER_OUT]
    rig.sim.load_paper()
    # A new terminal process: its service knows nothing yet and states every fact once.
    restarted = rig.printer
    PrintService(store, restarted)
    restarted.status()
    assert alarm_kinds(store) == []
