"""A simulated receipt as a picture a person can look at: one pixel per printer dot.

Text is drawn cell by cell as the printer does (12 x 24 dots for a single-byte character,
24 x 24 for a two-byte one, scaled by GS ! / FS !), raster images bit for bit, and native
QR codes regenerated from the data the printer stored. The CJK font is found through
fontconfig like the UI's (kiosk/ui/fonts.py), but Pillow can open a face inside a .ttc
collection by its index, so nothing needs copying out of Noto's collection here.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess

import qrcode
from PIL import Image, ImageDraw, ImageFont

from devices.printer.escpos_interpreter import (
    Align,
    PrintedImage,
    PrintedLine,
    PrintedQr,
    Receipt,
)

CELL_HEIGHT = 24           # font A: 12 x 24 dots, two-byte characters 24 x 24
LINE_PITCH = 30            # the default line spacing, in dots
DOTS_PER_MM = 8            # 203 dpi
MARGIN_DOTS = 24           # blank paper before the first line and after the last
PREFERRED_FAMILY = "Noto Sans CJK SC"

log = logging.getLogger("devices.printer.simulator")

AnyFont = ImageFont.FreeTypeFont | ImageFont.ImageFont


def render_receipt(receipt: Receipt, paper_width_mm: int, printable_dots: int) -> Image.Image:
    paper = paper_width_mm * DOTS_PER_MM
    left = (paper - printable_dots) // 2
    pieces = [_element(element, printable_dots) for element in receipt.elements]
    height = MARGIN_DOTS * 2 + sum(piece.height for piece in pieces) + (
        LINE_PITCH if receipt.cut else 0)
    image = Image.new("L", (paper, height), 255)
    y = MARGIN_DOTS
    for piece in pieces:
        image.paste(piece, (left, y))
        y += piece.height
    if receipt.cut:
        _cut_mark(image, y + MARGIN_DOTS + LINE_PITCH // 2, receipt.cut)
    return image


def _element(element: PrintedLine | PrintedImage | PrintedQr, width: int) -> Image.Image:
    if isinstance(element, PrintedLine):
        return _line(element, width)
    if isinstance(element, PrintedImage):
        bitmap = Image.frombytes("1", (element.width_bytes * 8, element.height),
                                 element.data, "raw", "1;I").convert("L")
        return _aligned(bitmap, width, element.align)
    code = qrcode.QRCode(box_size=element.module_dots, border=2)
    code.add_data(element.data.encode("utf-8"))
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix) * element.module_dots
    bitmap = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(bitmap)
    for row, modules in enumerate(matrix):
        for column, dark in enumerate(modules):
            if dark:
                x, y = column * element.module_dots, row * element.module_dots
                draw.rectangle((x, y, x + element.module_dots - 1, y + element.module_dots - 1),
                               fill=0)
    return _aligned(bitmap, width, element.align)


def _line(line: PrintedLine, width: int) -> Image.Image:
    cells: list[tuple[str, int]] = []
    for char in line.text:
        cells.append((char, 12 if ord(char) < 0x80 else 24))
        if sum(cell for _, cell in cells) * line.width > width:
            cells.pop()      # the adapter never sends such a line: cut it at the edge
            break
    natural = Image.new("L", (max(1, sum(w for _, w in cells)), CELL_HEIGHT), 255)
    draw = ImageDraw.Draw(natural)
    font = cjk_font(line.bold)
    x = 0
    for char, cell in cells:
        if not char.isspace():
            draw.text((x + cell / 2, CELL_HEIGHT / 2), char, font=font, fill=0, anchor="mm",
                      stroke_width=1 if line.bold and font is _fallback_font() else 0)
        x += cell
    scaled = natural.resize((natural.width * line.width, CELL_HEIGHT * line.height),
                            Image.Resampling.NEAREST)
    row = Image.new("L", (width, LINE_PITCH * line.height), 255)
    row.paste(_aligned(scaled, width, line.align), (0, (LINE_PITCH - CELL_HEIGHT) * line.height))
    return row


def _aligned(bitmap: Image.Image, width: int, align: Align) -> Image.Image:
    if bitmap.width > width:
        bitmap = bitmap.crop((0, 0, width, bitmap.height))   # the printer drops what overflows
    row = Image.new("L", (width, bitmap.height), 255)
    offset = {"left": 0, "center": (width - bitmap.width) // 2,
              "right": width - bitmap.width}[align]
    row.paste(bitmap, (offset, 0))
    return row


def _cut_mark(image: Image.Image, y: int, cut: str) -> None:
    draw = ImageDraw.Draw(image)
    for x in range(0, image.width, 12):
        draw.line((x, y, x + 6, y), fill=128 if cut == "partial" else 0, width=2)


@functools.cache
def cjk_font(bold: bool) -> AnyFont:
    found = _fontconfig_face("bold" if bold else "regular")
    if found is None:
        log.warning("printer simulator: no CJK font found through fontconfig (apt-get install "
                    "fonts-noto-cjk); receipts will show boxes for Chinese")
        return _fallback_font()
    path, index = found
    return ImageFont.truetype(path, CELL_HEIGHT, index=index)


@functools.cache
def _fallback_font() -> AnyFont:
    return ImageFont.load_default(CELL_HEIGHT)


def _fontconfig_face(style: str) -> tuple[str, int] | None:
    if shutil.which("fc-match") is None:
        return None
    output = subprocess.run(
        ["fc-match", "--format=%{file}\n%{index}\n%{lang}",
         f"{PREFERRED_FAMILY}:lang=zh-cn:style={style}"],
        capture_output=True, text=True, check=False,
    ).stdout.splitlines()
    # fc-match always answers with *some* font; only one covering zh-cn will do.
    if len(output) < 3 or "zh-cn" not in output[2].split("|"):
        return None
    return output[0], int(output[1] or 0)
