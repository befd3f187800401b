"""The ticket slip as it leaves the printer: the number large enough to read at arm's
length (at least 15 mm tall on paper), and the windows that will call it."""

from __future__ import annotations

import pytest

from devices.printer.escpos_interpreter import PrintedLine, Receipt
from devices.printer.escpos_render import ReceiptLayout, render_slip
from devices.printer.receipt_image import DOTS_PER_MM, render_receipt
from devices.printer.slip import Text
from kiosk.services.queue.slips import ticket_slip
from tests.fixtures.queue import STATION, issue

GS_BANG = b"\x1d!"
FONT_A_DOTS = 24            # font A cells are 12 x 24 dots (devices/printer/text_layout.py)
PRINTER_DPI = 203           # the usual ESC/POS thermal head: 8 dots a millimetre
MIN_NUMBER_MM = 15.0


def mm(dots: float) -> float:
    return dots * 25.4 / PRINTER_DPI


def test_the_number_goes_out_at_eight_times_font_a_height(queue):
    issued = issue(queue, "general")

    job = render_slip(ticket_slip(issued, STATION, queue.now()), ReceiptLayout(58))

    at = job.index(b"A001\n")
    size = job.rindex(GS_BANG, 0, at)
    character_size = job[size + 2]
    assert character_size == 0x57          # GS ! 0x57: 6 wide, 8 high
    assert job[size + 3:at] == b"\x1c!\x0c"  # then FS ! (two-byte: double), then the number
    height = (character_size & 0x0F) + 1
    width = (character_size >> 4) + 1
    assert mm(height * FONT_A_DOTS) == pytest.approx(24.0, abs=0.1)
    # A digit's ink is about three quarters of its cell (4.5 mm at 'title', 2 x 24 dots):
    assert mm(height * FONT_A_DOTS) * 0.75 >= MIN_NUMBER_MM
    # and the number still fits one line of 58 mm paper (384 dots).
    assert len("A001") * 12 * width <= 384


def test_the_printed_number_is_at_least_15_mm_tall_and_names_its_windows(queue, printer_rig):
    rig = printer_rig()
    issued = issue(queue, "general")

    rig.printer.print_slip(ticket_slip(issued, STATION, queue.now()))

    (receipt,) = rig.sim.wait_for_receipts(1)
    number = next(e for e in receipt.elements
                  if isinstance(e, PrintedLine) and e.text.strip() == "A001")
    assert (number.width, number.height, number.bold) == (6, 8, True)
    # The ink of the number as the simulator draws it, dot for dot at 8 dots a millimetre.
    drawn = render_receipt(Receipt(elements=[number]), 58, 384).convert("1")
    inked_rows = [y for y in range(drawn.height)
                  if any(drawn.getpixel((x, y)) == 0 for x in range(drawn.width))]
    ink_mm = (inked_rows[-1] - inked_rows[0] + 1) / DOTS_PER_MM
    assert ink_mm >= MIN_NUMBER_MM, f"the number is {ink_mm:.1f} mm tall"
    lines = [line.strip() for line in receipt.text_lines]
    assert lines[:4] == ["测试站", "综合受理", "A001", "请到 1、2 号窗口办理"]
    assert "请到 1、2 号窗口办理\n".encode("gb18030") in rig.sim.wire


def test_a_queue_served_at_one_window_names_that_window(queue):
    issued = issue(queue, "assisted")

    lines = [b.text for b in ticket_slip(issued, STATION, queue.now()).blocks
             if isinstance(b, Text)]

    assert "请到 3 号窗口办理" in lines


def test_only_a_short_ascii_number_can_be_printed_that_large():
    assert Text("A001", size="number").text == "A001"
    for text in ("一号", "", "A00001"):
        with pytest.raises(ValueError, match="number-size text"):
            Text(text, size="number")
