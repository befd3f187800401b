"""The drop-off receipt slip, the QR code on it that the staff's retrieve screen reads, and
what the receipt screen says about printing it (its text function, without a window)."""

from __future__ import annotations

from datetime import datetime

import pytest

from devices.printer.escpos_render import ReceiptLayout, render_slip
from devices.printer.slip import Qr, plain_lines
from kiosk.config.schema import StationConfig
from kiosk.i18n import translator
from kiosk.services.locker.codes import QR_PREFIX
from kiosk.services.locker.receipts import (
    RECEIPT_QR_PREFIX,
    dropoff_receipt_slip,
    is_receipt_qr,
    receipt_from_qr,
    receipt_qr_payload,
)
from kiosk.services.printing import PrintOutcome
from kiosk.ui.receipt_text import print_status_text

STORED_AT = datetime(2026, 6, 11, 21, 5)


def slip_for(hotline="", hours="周一至周五 9:00-17:00"):
    station = StationConfig(terminal_id="test-01", station_id="test-station",
                            district_id="test-district", name="测试社区便民服务站",
                            hotline=hotline)
    return dropoff_receipt_slip("260611003", 4, station, STORED_AT, hours)


def test_the_slip_says_what_staff_and_the_resident_need():
    lines = plain_lines(slip_for(hotline="0571-12345678"))
    assert lines[:2] == ["存件回执", "测试社区便民服务站"]
    assert "260611003" in lines
    assert "存放柜格：4号柜" in lines
    assert "存件时间：2026-06-11 21:05" in lines
    assert any(line.startswith("工作人员将在工作时间处理您的材料") for line in lines)
    assert "工作时间：周一至周五 9:00-17:00" in lines
    assert "咨询电话：0571-12345678" in lines
    assert lines[-2:] == ["[QR] KIOSK-DROPOFF:test-01:260611003", "工作人员扫码取件"]


def test_no_hotline_and_no_hours_leave_their_lines_out():
    lines = plain_lines(slip_for(hours=""))
    assert not any(line.startswith(("咨询电话", "工作时间")) for line in lines)


def test_the_receipt_number_prints_large():
    slip = slip_for()
    [number] = [b for b in slip.blocks if getattr(b, "text", "") == "260611003"]
    assert number.size == "title"
    assert number.bold


def test_printed_natively_the_bytes_hold_the_number_and_a_gs_k_qr():
    data = render_slip(slip_for(), ReceiptLayout(qr_mode="native"))
    assert b"260611003" in data
    assert b"\x1d(k" in data
    assert b"KIOSK-DROPOFF:test-01:260611003" in data


def test_the_qr_payload_round_trips_for_this_terminal_only():
    payload = receipt_qr_payload("test-01", "260611003")
    assert payload == f"{RECEIPT_QR_PREFIX}test-01:260611003"
    assert is_receipt_qr(payload)
    assert receipt_from_qr(payload, "test-01") == "260611003"
    assert receipt_from_qr(payload, "test-02") is None


@pytest.mark.parametrize("text", [
    "KIOSK-DROPOFF:test-01:",
    "KIOSK-DROPOFF:test-01:26061100",        # too short to be a receipt
    "KIOSK-DROPOFF:test-01:2606110O3",       # a letter O
    "KIOSK-DROPOFF:test-01:２６０６１１００３",  # full-width digits
    "KIOSK-DROPOFF:test-01:260611003:extra",
    "KIOSK-PICKUP:test-01:12345678",
    "260611003",
])
def test_anything_else_is_not_a_receipt(text):
    assert receipt_from_qr(text, "test-01") is None


def test_a_receipt_qr_is_never_taken_for_a_pickup_qr():
    assert not receipt_qr_payload("test-01", "260611003").startswith(QR_PREFIX)


def test_the_qr_carries_nothing_but_terminal_and_number():
    [qr] = slip_for().qr_codes
    assert isinstance(qr, Qr)
    assert qr.data.removeprefix(RECEIPT_QR_PREFIX).split(":") == ["test-01", "260611003"]


def test_a_failed_print_says_so_and_points_to_the_number_on_screen():
    tr = translator("zh_CN")
    assert print_status_text(tr, None) == "正在打印……"
    assert print_status_text(tr, PrintOutcome(True)) == "已打印，请从下方出纸口取走回执。"
    paper_out = print_status_text(tr, PrintOutcome(False, "paper_out"))
    assert paper_out.startswith("打印机没有纸了")
    assert "记下回执号" in paper_out
    assert "记下回执号" in print_status_text(tr, PrintOutcome(False, "offline"))
    assert "记下回执号" in print_status_text(tr, RuntimeError("boom"))
    assert print_status_text(tr, PrintOutcome(False, "no_printer")).startswith("本机没有打印机")
