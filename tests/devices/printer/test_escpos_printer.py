"""The real ESC/POS adapter printing to the printer simulator over a pseudo-terminal:
what arrives on the wire, and what the printer makes of it."""

from __future__ import annotations

import pytest
from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode

from devices.printer.escpos_interpreter import PrintedLine
from devices.printer.escpos_render import ReceiptLayout
from devices.printer.simulator import scanned_text
from devices.printer.slip import Qr, Rule, Slip, Text
from devices.printer.text_layout import columns_of

MIXED = Slip((
    Text("一次性告知单", size="title", bold=True, align="center"),
    Text("中文 ABC 123 混排 mixed"),
    Text("￥12.00"),
    Text("，"),
    Text("〇"),
    Text("收费：¥0（免费）"),
))


def last_job(wire: bytes) -> bytes:
    """The last receipt's bytes: from its ESC @ to before the status requests after it."""
    job = wire[wire.rindex(b"\x1b@"):]
    while job[-3:-1] == b"\x10\x04":
        job = job[:-3]
    return job


def qr_codes_in(path) -> list[bytes]:
    return [found.data for found in decode(Image.open(path), symbols=[ZBarSymbol.QRCODE])]


def test_printed_text_reads_back_as_sent(printer_rig):
    rig = printer_rig()
    rig.printer.print_slip(MIXED)
    (receipt,) = rig.sim.wait_for_receipts(1)
    assert receipt.text_lines == ["一次性告知单", "中文 ABC 123 混排 mixed", "￥12.00", "，",
                                  "〇", "收费：￥0（免费）"]
    assert receipt.cut == "full"


def test_text_is_sent_as_gb18030_in_two_byte_mode(printer_rig):
    rig = printer_rig()
    rig.printer.print_slip(MIXED)
    rig.sim.wait_for_receipts(1)
    wire = rig.sim.wire
    job = last_job(wire)
    assert wire.startswith(b"\x10\x04\x01\x10\x04\x04\x1b@")   # status first, then the job
    assert job.startswith(b"\x1b@\x1c&")                  # ESC @, then FS & at once
    assert "￥12.00\n".encode("gb18030") == b"\xa3\xa412.00\n"
    assert b"\xa3\xa412.00\n" in job
    assert b"\xa3\xac\n" in job                           # '，' alone, not '?'
    assert b"\xa9\x96\n" in job                           # '〇' alone
    assert "中文 ABC 123 混排".encode("gb18030") in job
    # '¥' went out as the two-byte ￥, never as GB18030's four bytes 81 30 84 36.
    assert "收费：￥0".encode("gb18030") in job
    assert b"\x81\x30\x84\x36" not in wire
    assert job.index(b"\x1c.") > job.rindex(b"\n\x1b")    # FS . after the last text
    assert wire.endswith(b"\x10\x04\x01\x10\x04\x04")       # and status once it is out


def test_a_printer_whose_two_byte_mode_is_off_still_prints_chinese(printer_rig):
    # Its memory switch turned the Chinese default off: our FS & turns it on again.
    rig = printer_rig(two_byte_default=False)
    rig.printer.print_slip(MIXED)
    (receipt,) = rig.sim.wait_for_receipts(1)
    assert receipt.text_lines[1] == "中文 ABC 123 混排 mixed"


def test_the_simulator_prints_mojibake_for_gb_bytes_in_single_byte_mode(printer_rig):
    # What python-escpos's code-page path amounts to on such a printer: the reason for FS &.
    rig = printer_rig(two_byte_default=False)
    rig.printer.transport.write(b"\x1b@" + "中文\n".encode("gb18030") + b"\x1dV\x00")
    (receipt,) = rig.sim.wait_for_receipts(1)
    assert receipt.text_lines == ["╓╨╬─"]


@pytest.mark.parametrize(("cut_mode", "command"), [("full", b"\x1dV\x00"),
                                                   ("partial", b"\x1dV\x01")])
def test_the_cut_really_goes_out(printer_rig, cut_mode, command):
    rig = printer_rig(layout=ReceiptLayout(cutter=True, cut_mode=cut_mode,
                                           feed_lines_before_cut=5))
    rig.printer.print_slip(Slip((Text("切纸"),)))
    (receipt,) = rig.sim.wait_for_receipts(1)
    assert last_job(rig.sim.wire).endswith(b"\x1c.\x1bd\x05" + command)
    assert receipt.cut == cut_mode


def test_without_a_cutter_the_receipt_is_fed_past_the_tear_bar(printer_rig):
    rig = printer_rig(layout=ReceiptLayout(cutter=False, feed_lines_before_cut=3))
    rig.printer.print_slip(Slip((Text("撕纸"),)))
    (receipt,) = rig.sim.wait_for_receipts(1)     # ends when the line goes quiet
    assert b"\x1dV" not in rig.sim.wire
    assert last_job(rig.sim.wire).endswith(b"\x1c.\x1bd\x03")
    assert receipt.cut is None
    assert receipt.text_lines == ["撕纸"]


@pytest.mark.parametrize(("paper", "columns"), [(58, 32), (80, 48)])
def test_long_text_is_wrapped_to_the_paper(printer_rig, paper, columns):
    text = "请携带本人身份证原件、户口簿原件及复印件，到便民服务站3号窗口办理 (window 3)。"
    rig = printer_rig(layout=ReceiptLayout(paper_width_mm=paper))
    rig.printer.print_slip(Slip((Text(text), Text(text, size="title"))))
    (receipt,) = rig.sim.wait_for_receipts(1)
    lines = [e for e in receipt.elements if isinstance(e, PrintedLine) and e.text]
    normal = [line.text for line in lines if line.width == 1]
    title = [line.text for line in lines if line.width == 2]
    assert all(columns_of(line) <= columns for line in normal)
    assert all(columns_of(line) <= columns // 2 for line in title)
    assert len(title) > len(normal) > 1
    assert "".join(normal).replace(" ", "") == text.replace(" ", "")


def test_sizes_bold_and_alignment_reach_the_printer(printer_rig):
    rig = printer_rig()
    rig.printer.print_slip(Slip((
        Text("标题", size="title", bold=True, align="center"),
        Text("大字 A12", size="large"),
        Text("正文"),
    )))
    (receipt,) = rig.sim.wait_for_receipts(1)
    title, large, body = (e for e in receipt.elements if isinstance(e, PrintedLine) and e.text)
    assert (title.width, title.height, title.bold, title.align) == (2, 2, True, "center")
    assert (large.width, large.height, large.bold, large.align) == (1, 2, False, "left")
    assert (body.width, body.height, body.bold) == (1, 1, False)


def test_raster_qr_code_scans_off_the_rendered_receipt(printer_rig):
    url = "https://zwfw.example.gov.cn/guide/item/42?from=kiosk"
    rig = printer_rig(layout=ReceiptLayout(qr_mode="raster"))
    rig.printer.print_slip(Slip((Text("扫码"), Qr(url, caption="扫码查看办事指南"), Rule())))
    (receipt,) = rig.sim.wait_for_receipts(1)
    assert b"\x1dv0\x00" in rig.sim.wire
    assert b"\x1d(k" not in rig.sim.wire
    assert len(receipt.images) == 1
    assert receipt.image_path is not None
    assert receipt.image_path.name == "receipt-0001.png"
    assert qr_codes_in(receipt.image_path) == [url.encode()]
    assert receipt.qr_seen == [url]
    assert "扫码查看办事指南" in receipt.text_lines


def test_native_qr_code_is_stored_and_printed_by_the_printer(printer_rig):
    data = "预约号:20261121-0007 https://zwfw.example.gov.cn/q?t=A012"
    rig = printer_rig(layout=ReceiptLayout(qr_mode="native"))
    rig.printer.print_slip(Slip((Qr(data, caption="扫码取号"),)))
    (receipt,) = rig.sim.wait_for_receipts(1)
    assert b"\x1dv0" not in rig.sim.wire
    assert b"\x1d(k" + (len(data.encode()) + 3).to_bytes(2, "little") + b"1P0" + data.encode() \
        in rig.sim.wire
    assert receipt.native_qr_payloads == [data]
    # zbar reads UTF-8 Chinese as Shift-JIS (pyzbar#14); scanned_text undoes that.
    (scanned,) = qr_codes_in(receipt.image_path)
    assert scanned_text(scanned) == data


def test_receipts_are_drawn_to_numbered_pngs(printer_rig):
    rig = printer_rig()
    for number in range(2):
        rig.printer.print_slip(Slip((Text(f"第{number + 1}张"),)))
    receipts = rig.sim.wait_for_receipts(2)
    assert [r.image_path.name for r in receipts] == ["receipt-0001.png", "receipt-0002.png"]
    with Image.open(receipts[0].image_path) as image:
        assert image.width == 58 * 8
        # Some dark dots where the text is: the glyphs were drawn, not left blank.
        assert image.convert("L").getextrema()[0] < 64


def test_control_characters_in_slip_text_cannot_reach_the_printer(printer_rig):
    rig = printer_rig()
    rig.printer.print_slip(Slip((Text("A\x1bd\x09B\x1dV\x00C"),)))
    (receipt,) = rig.sim.wait_for_receipts(1)
    assert receipt.text_lines == ["Ad    BVC"]
    assert rig.sim.wire.count(b"\x1dV") == 1
