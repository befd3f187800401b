"""A Slip as ESC/POS bytes for a Chinese thermal printer.

Composed here, byte by byte, rather than through python-escpos's text(), qr() and cut()
(shared/reference/devices.md section 3):

- text(): MagicEncode sends a chunk as GB18030 only if it holds a Han ideograph, so "￥12.00",
  "，" or "〇" alone would print as "?". Every line goes out as GB18030 (or GBK) bytes in
  two-byte mode instead: FS & right after ESC @ (Chinese firmware defaults to it, but a
  memory switch can turn that off), FS . at the end so that a later job of some other program
  sending code-page text is not read as GB byte pairs.
- sizes: GS ! for single-byte characters and FS ! for two-byte ones, which some firmware
  sizes only through FS !.
- qr(): native GS ( k is not checked against the printer profile and many Chinese 58 mm
  printers lack it, so a raster GS v 0 image is the default; native is a configuration choice.
- cut(): sends GS V only if the profile claims a cutter, and the usual Chinese profiles
  (POS-5890, ZJ-5870) claim none, so it silently does not cut. GS V is emitted here whenever
  the configuration says the cutter exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import qrcode
import qrcode.constants

from devices.printer.slip import Qr, Rule, Slip, Spacer, Text, TextSize
from devices.printer.text_layout import (
    PAPER_COLUMNS,
    PAPER_DOTS,
    TextEncoding,
    encode,
    printable,
    wrap,
)

ESC, GS, FS, LF = b"\x1b", b"\x1d", b"\x1c", b"\n"
INITIALIZE = ESC + b"@"
TWO_BYTE_MODE_ON = FS + b"&"
TWO_BYTE_MODE_OFF = FS + b"."
FULL_CUT = GS + b"V\x00"
PARTIAL_CUT = GS + b"V\x01"

QrMode = Literal["raster", "native"]
CutMode = Literal["full", "partial"]

# (width, height) multipliers of each text size. 'large' keeps the line width and doubles
# the height: far easier to read for older residents, and nothing wraps differently.
# 'number' is GS !'s tallest, 8 x 24 dots = 192 dots, 24 mm at 203 dpi (a digit's ink is
# about three quarters of that, 18 mm: 'title' printed ticket numbers 4.5 mm tall), and
# 6 wide, so five characters still fit the 32 columns of 58 mm paper. Two-byte characters
# go no larger than FS !'s double size, hence ASCII only (slip.Text checks it).
SIZE_SCALE: dict[TextSize, tuple[int, int]] = {
    "normal": (1, 1), "large": (1, 2), "title": (2, 2), "number": (6, 8),
}
# The QR code takes about this share of the paper width...
QR_SHARE_OF_WIDTH = 0.6
# ...with modules of 3 to 8 dots (0.375-1 mm at 203 dpi): smaller ones blur on thermal
# paper, larger ones only waste it.
QR_MODULE_DOTS = (3, 8)
# White modules around the code inside the image, besides the paper's own margins.
QR_QUIET_MODULES = 2
QR_NATIVE_EC = 49          # GS ( k function 69: 48 L, 49 M, 50 Q, 51 H


@dataclass(frozen=True)
class ReceiptLayout:
    paper_width_mm: Literal[58, 80] = 58
    cutter: bool = True
    cut_mode: CutMode = "full"
    feed_lines_before_cut: int = 4
    qr_mode: QrMode = "raster"
    text_encoding: TextEncoding = "gb18030"

    @property
    def columns(self) -> int:
        return PAPER_COLUMNS[self.paper_width_mm]

    @property
    def dots(self) -> int:
        return PAPER_DOTS[self.paper_width_mm]


def render_slip(slip: Slip, layout: ReceiptLayout) -> bytes:
    out = bytearray(INITIALIZE + TWO_BYTE_MODE_ON)
    for block in slip.blocks:
        if isinstance(block, Text):
            out += _text(block.text, block.size, block.bold, block.align, layout)
        elif isinstance(block, Qr):
            out += _qr(block, layout)
        elif isinstance(block, Rule):
            out += _style("normal", False, "left") + b"-" * layout.columns + LF
        elif isinstance(block, Spacer):
            out += feed(block.lines)
    out += _style("normal", False, "left") + TWO_BYTE_MODE_OFF
    out += feed(layout.feed_lines_before_cut)
    if layout.cutter:
        out += PARTIAL_CUT if layout.cut_mode == "partial" else FULL_CUT
    return bytes(out)


def printed_lines(text: str, size: TextSize, layout: ReceiptLayout) -> list[str]:
    """The lines ``text`` prints as at ``size``: substituted, filtered and wrapped."""
    width, _height = SIZE_SCALE[size]
    return wrap(printable(text, layout.text_encoding), layout.columns // width)


def feed(lines: int) -> bytes:
    """ESC d n: print what is buffered and feed ``lines`` lines."""
    return ESC + b"d" + bytes([max(0, min(lines, 255))]) if lines else b""


def _text(text: str, size: TextSize, bold: bool, align: str, layout: ReceiptLayout) -> bytes:
    out = bytearray(_style(size, bold, align))
    for line in printed_lines(text, size, layout):
        out += encode(line, layout.text_encoding) + LF
    return bytes(out)


def _style(size: TextSize, bold: bool, align: str) -> bytes:
    width, height = SIZE_SCALE[size]
    single_byte = ((width - 1) << 4) | (height - 1)
    two_byte = (0x04 if width >= 2 else 0) | (0x08 if height >= 2 else 0)
    return (ESC + b"a" + (b"\x01" if align == "center" else b"\x00")
            + ESC + b"E" + (b"\x01" if bold else b"\x00")
            + GS + b"!" + bytes([single_byte])
            + FS + b"!" + bytes([two_byte]))


def _qr(block: Qr, layout: ReceiptLayout) -> bytes:
    modules = qr_matrix(block.data)
    module_dots = qr_module_dots(len(modules), layout.dots)
    if layout.qr_mode == "native":
        out = bytearray(_style("normal", False, "center"))
        out += native_qr(block.data, module_dots)
    else:
        # Left-justified: the image carries its own centring, whether or not the firmware
        # applies ESC a to raster images.
        out = bytearray(_style("normal", False, "left"))
        out += raster_qr(modules, module_dots, layout.dots)
    out += LF
    if block.caption:
        out += _text(block.caption, "normal", False, "center", layout)
    return bytes(out)


def qr_matrix(data: str) -> list[list[bool]]:
    """The code's modules, quiet zone included, at error correction M: enough to survive a
    fold or a smudge on a receipt without making the code too dense."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M,
                         border=QR_QUIET_MODULES)
    code.add_data(data.encode("utf-8"))
    code.make(fit=True)
    return code.get_matrix()


def qr_module_dots(modules: int, paper_dots: int) -> int:
    smallest, largest = QR_MODULE_DOTS
    return max(smallest, min(largest, int(paper_dots * QR_SHARE_OF_WIDTH) // modules))


def raster_qr(modules: list[list[bool]], module_dots: int, paper_dots: int) -> bytes:
    """GS v 0: the code as a bit image, centred by white dots on its left rather than by
    ESC a, which not every firmware applies to raster images."""
    size = len(modules) * module_dots
    left = max(0, (paper_dots - size) // 2)
    width_bytes = (left + size + 7) // 8
    rows = bytearray()
    for module_row in modules:
        bits = 0
        for dark in module_row:
            bits = (bits << module_dots) | ((1 << module_dots) - 1 if dark else 0)
        shift = width_bytes * 8 - left - size
        row = (bits << shift).to_bytes(width_bytes, "big")
        rows += row * module_dots
    header = GS + b"v0\x00" + _low_high(width_bytes) + _low_high(size)
    return header + bytes(rows)


def native_qr(data: str, module_dots: int) -> bytes:
    """GS ( k: model 2, module size, error correction M, store the UTF-8 data, print it."""
    payload = data.encode("utf-8")

    def function(fn: int, parameters: bytes) -> bytes:
        return GS + b"(k" + _low_high(len(parameters) + 2) + b"1" + bytes([fn]) + parameters

    return (function(65, b"2\x00") + function(67, bytes([min(module_dots, 16)]))
            + function(69, bytes([QR_NATIVE_EC])) + function(80, b"0" + payload)
            + function(81, b"0"))


def _low_high(value: int) -> bytes:
    return value.to_bytes(2, "little")
