"""The drop-off receipt (issue 12, defect 4): printed with its QR code, kept on screen until
the resident says done, printed again on request with the same number, and scanned by
staff to open the drop-off's compartment. Real taps, a real lock-board simulator, a real
ESC/POS printer simulator and a real serial QR scanner."""

from __future__ import annotations

import shutil

import pytest

from devices.locker.simulator import LockerBusSimulator
from devices.printer.simulator import PrinterSimulator
from devices.qr.simulator import QrScannerSimulator
from kiosk.services.locker.receipts import receipt_qr_payload
from tests.fixtures.idle_clock import use_fake_idle_clock
from tests.fixtures.locker_ui import BOARD, drop_off_by_taps, locker_settings, sign_in, wait_door
from tests.fixtures.ui import ARTIFACTS
from tests.ui.screen_checks import assert_shows, assert_widget_reads

pytestmark = pytest.mark.ui

GS_K = b"\x1d(k"      # ESC/POS GS ( k: a QR code the printer draws itself


@pytest.fixture
def receipt_ui(launch_ui, tmp_path):
    """launch(with_printer=True, **display_settings): the app with a locker, a QR scanner
    and, unless with_printer is False, a receipt printer drawing QR codes natively."""
    locker = LockerBusSimulator(tmp_path / "dev" / "locker", "kerong-cu16", (BOARD,))
    locker.start()
    scanner = QrScannerSimulator(tmp_path / "dev" / "qr")
    scanner.start()
    printer = PrinterSimulator(tmp_path / "dev" / "printer", paper_width_mm=58)
    printer.start()

    def launch(*, with_printer: bool = True, **display):
        devices = {"qr_scanner": {"driver": "serial", "port": scanner.path}}
        if with_printer:
            devices["printer"] = {"driver": "escpos", "transport": "serial",
                                  "port": printer.path, "baud": 115200, "qr_mode": "native"}
        ui = launch_ui({
            "station": {"hotline": "0571-12345678"},
            "display": display,
            "devices": devices,
            **locker_settings(locker.path, tmp_path),
        })
        ui.simulator, ui.scanner, ui.printer = locker, scanner, printer
        ui.wait_until(lambda: ui.terminal.locker.ready.is_set(), what="locker ready")
        return ui

    yield launch
    printer.stop()
    scanner.stop()
    locker.stop()


def drop_off_by_service(ui):
    started = ui.terminal.locker.dropoff("S").result(5)
    wait_door(ui, started.compartment, True)
    ui.pump(0.3)
    ui.simulator.put_item(0, started.compartment)
    ui.simulator.close_door(0, started.compartment)
    ui.wait_until(lambda: ui.terminal.locker.waiting_for_staff(), what="the drop-off stored")
    [stored] = ui.terminal.locker.waiting_for_staff()
    return stored.receipt, stored.compartment


def receipt_screen(ui):
    return ui.app.screens.get_screen("dropoff_receipt")


def texts_anywhere(ui):
    """Every text and QR payload any widget of any screen holds, shown or not."""
    found = []
    for screen in ui.app.screens.screens:
        for widget in screen.walk(restrict=True):
            found += [str(getattr(widget, attr, "")) for attr in ("text", "data")]
    return found


def test_a_drop_off_prints_its_receipt_again_on_request_and_done_clears_it(receipt_ui):
    ui = receipt_ui()
    receipt, number = drop_off_by_taps(ui)

    screen = receipt_screen(ui)
    assert ui.widget("receipt_number").text == receipt
    assert ui.widget("compartment").text == f"您的材料存放在{number}号柜。"
    [first] = ui.printer.wait_for_receipts(1, timeout_s=15)
    ui.wait_until(lambda: not screen.printing, timeout_s=10, what="the print result")
    assert ui.widget("print_line").text == "已打印，请从下方出纸口取走回执。"
    payload = receipt_qr_payload("test-01", receipt)
    assert receipt in first.text_lines
    assert f"存放柜格：{number}号柜" in first.text_lines
    assert "咨询电话：0571-12345678" in first.text_lines
    assert first.native_qr_payloads == [payload]
    assert receipt.encode() in ui.printer.wire
    assert GS_K in ui.printer.wire
    drawn = ui.printer.output_dir / f"receipt-{first.number:04d}.png"
    shutil.copyfile(drawn, ARTIFACTS / "dropoff-receipt-slip.png")   # the paper, as drawn
    image = ui.screenshot("dropoff-receipt-printed")
    assert_shows(image, "回执号", "已打印")
    assert_widget_reads(image, ui.widget("receipt_number"), receipt)
    assert_widget_reads(image, ui.widget("print_again"), "再打印一张")

    ui.printer.clear()
    ui.tap(ui.widget("print_again"))
    [second] = ui.printer.wait_for_receipts(1, timeout_s=15)
    ui.wait_until(lambda: not screen.printing, timeout_s=10, what="the second print result")
    assert second.text_lines == first.text_lines      # the same slip, the same number
    assert second.native_qr_payloads == [payload]
    assert receipt.encode() in ui.printer.wire
    assert ui.widget("receipt_number").text == receipt

    # Shown again (a repeated report from the door, say): no second slip, no new number.
    ui.app.show_dropoff_receipt(receipt, number)
    ui.pump(1.0)
    assert len(ui.printer.receipts) == 1

    ui.tap(ui.widget("done"))
    ui.skip_rating()
    assert not [text for text in texts_anywhere(ui) if receipt in text]
    assert screen.receipt == ""


def test_out_of_paper_the_number_stays_on_screen_and_prints_once_paper_is_back(receipt_ui):
    ui = receipt_ui()
    ui.printer.run_out_of_paper()
    receipt, number = drop_off_by_service(ui)
    ui.app.show_dropoff_receipt(receipt, number)

    screen = receipt_screen(ui)
    ui.wait_until(lambda: not screen.printing, timeout_s=10, what="the print result")
    assert ui.printer.receipts == []
    assert screen.print_failed
    assert ui.widget("print_line").text == (
        "打印机没有纸了，回执没能打印出来。请记下回执号，或用手机拍下这一页。")
    assert ui.widget("receipt_number").text == receipt
    image = ui.screenshot("dropoff-receipt-paper-out")
    assert_shows(image, "打印机没有纸了", "请记下回执号")
    assert_widget_reads(image, ui.widget("receipt_number"), receipt)

    ui.printer.load_paper()
    ui.tap(ui.widget("print_again"))
    [printed] = ui.printer.wait_for_receipts(1, timeout_s=15)
    ui.wait_until(lambda: not screen.printing, timeout_s=10, what="the print result")
    assert not screen.print_failed
    assert receipt in printed.text_lines
    assert printed.native_qr_payloads == [receipt_qr_payload("test-01", receipt)]


def test_without_a_printer_the_screen_says_so_and_offers_no_reprint(receipt_ui):
    ui = receipt_ui(with_printer=False)
    receipt, number = drop_off_by_service(ui)
    ui.app.show_dropoff_receipt(receipt, number)
    screen = receipt_screen(ui)
    ui.wait_until(lambda: not screen.printing, timeout_s=5, what="the print result")
    assert ui.widget("print_line").text.startswith("本机没有打印机")
    assert ui.widget("print_again").disabled
    assert ui.widget("print_again").width == 0
    assert ui.widget("receipt_number").text == receipt
    assert_shows(ui.screenshot("dropoff-receipt-no-printer"), "本机没有打印机")


def test_the_receipt_has_no_timer_of_its_own_but_idle_clears_it(receipt_ui):
    ui = receipt_ui()
    receipt, number = drop_off_by_service(ui)
    ui.app.show_dropoff_receipt(receipt, number)
    assert ui.app.in_use()
    clock = use_fake_idle_clock(ui)
    clock.advance(ui.terminal.config.display.idle_timeout_s - 1)
    ui.pump(1.5)
    assert ui.screen == "dropoff_receipt"
    assert ui.app.idle.prompt is None
    clock.advance(2)
    ui.wait_until(lambda: ui.app.idle.prompt is not None, what="are you still there?")
    ui.wait_until(lambda: ui.screen == "home", timeout_s=15, what="home")
    assert not [text for text in texts_anywhere(ui) if receipt in text]


def test_staff_scan_a_receipt_and_its_compartment_opens(receipt_ui):
    ui = receipt_ui()
    receipt, number = drop_off_by_service(ui)
    sign_in(ui)
    ui.tap(ui.widget("retrieve"))
    assert ui.screen == "staff_retrieve"
    retrieve = ui.app.screens.get_screen("staff_retrieve")

    ui.scanner.scan(receipt_qr_payload("test-01", "991231999"))
    ui.wait_until(lambda: retrieve.message, what="the unknown receipt refused")
    assert ui.widget("message").text == "柜中没有回执号为 991231999 的群众存件，可能已经取出。"
    ui.scanner.scan(receipt_qr_payload("test-02", receipt))
    ui.wait_until(lambda: "本机" in retrieve.message, what="another terminal's receipt")
    assert ui.widget("message").text == "这张回执不是本机存件柜开出的。"
    assert_shows(ui.screenshot("staff-retrieve-unknown-receipt"), "不是本机存件柜")
    assert ui.simulator.door(0, number).open is False

    ui.scanner.scan(receipt_qr_payload("test-01", receipt))
    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    door = ui.app.screens.get_screen("door")
    assert door.purpose == "retrieve"
    assert door.compartment == number
    wait_door(ui, number, True)
    ui.pump(0.3)
    ui.simulator.take_item(0, number)
    ui.simulator.close_door(0, number)
    ui.wait_until(lambda: door.finished, what="taken out")
    assert ui.terminal.locker.waiting_for_staff() == []
    with ui.terminal.store.reading() as db:
        [(actor,)] = db.execute(
            "SELECT actor FROM door_operations WHERE purpose = 'retrieve'").fetchall()
    assert actor == "admin-1"
