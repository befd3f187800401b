"""Checks on screenshots: something is drawn, and Chinese text is real glyphs, not tofu."""

from __future__ import annotations

import difflib
import os
import subprocess
from typing import Any

from PIL import Image, ImageChops, ImageOps, ImageStat

from tests.fixtures.system import require


def assert_not_blank(image: Image.Image) -> None:
    grey = image.convert("L")
    spread = ImageStat.Stat(grey).stddev[0]
    colours = len(grey.getcolors(maxcolors=256) or range(256))
    blank = f"the screen looks blank (luminance spread {spread:.1f}, {colours} grey levels)"
    assert spread > 10, blank
    assert colours > 16, blank


def ocr(image: Image.Image, page_mode: int = 3) -> str:
    """Text tesseract reads off the image, with spaces removed (Chinese has none)."""
    require("tesseract", "tesseract-ocr")
    result = subprocess.run(
        ["tesseract", "-", "-", "-l", "chi_sim+eng", "--psm", str(page_mode)],
        input=_png(image), capture_output=True, check=False,
        # One thread: tesseract's OpenMP threads only spin against the other test worker.
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    if b"chi_sim" in result.stderr and result.returncode != 0:
        raise AssertionError("tesseract has no chi_sim data: install tesseract-ocr-chi-sim")
    return result.stdout.decode("utf-8", errors="replace").replace(" ", "")


def assert_shows(image: Image.Image, *phrases: str) -> str:
    """Every phrase must be legible on screen: proof that glyphs are real, not boxes."""
    text = ocr(image)
    missing = [p for p in phrases if not reads_as(text, p)]
    assert not missing, f"not legible on screen: {missing}; OCR read: {text!r}"
    return text


def assert_widget_reads(image: Image.Image, widget: Any, expected: str) -> None:
    """OCR of just this widget (a button, say) must read ``expected``."""
    left, top, right, bottom = widget_box(widget)
    inset = 24  # leave out the outline and rounded corners, which OCR takes for letters
    crop = image.crop((left + inset, top + inset, right - inset, bottom - inset)).convert("L")
    if ImageStat.Stat(crop).mean[0] < 128:
        crop = ImageOps.invert(crop)  # light text on a dark fill
    crop = crop.point(lambda v: 0 if v < 128 else 255)
    crop = ImageOps.expand(crop, border=24, fill=255)
    text = ocr(crop, page_mode=7).strip()      # one line
    if not reads_as(text, expected):
        text = ocr(crop, page_mode=6).strip()  # a block: buttons with a second line
    assert reads_as(text, expected), f"{widget} reads {text!r}, expected {expected!r}"


def reads_as(text: str, phrase: str, threshold: float = 0.85) -> bool:
    """Whether ``phrase`` occurs in OCR output, allowing OCR's usual slips (I/l, 0/O)
    in Latin text; a missing glyph changes a whole character and fails."""
    needle = phrase.replace(" ", "").casefold()
    haystack = text.replace(" ", "").replace("\n", "").casefold()
    if needle in haystack:
        return True
    size = len(needle)
    return any(
        difflib.SequenceMatcher(None, needle, haystack[i:i + size]).ratio() >= threshold
        for i in range(max(1, len(haystack) - size + 1))
    )


def widget_box(widget: Any) -> tuple[int, int, int, int]:
    """The widget's rectangle in screenshot pixels (left, top, right, bottom)."""
    from kivy.core.window import Window

    x, y = widget.to_window(widget.x, widget.y)
    top = Window.height - (y + widget.height)
    return int(x), int(top), int(x + widget.width), int(top + widget.height)


def assert_distinct_glyphs(image: Image.Image, label: Any) -> None:
    """Cuts a one-line Han label into its full-width character cells and requires the
    cells to differ: a font without the glyphs draws the same box in every cell."""
    from kivy.core.window import Window

    text = label.text
    assert text, "the label is empty"
    assert all("\u4e00" <= ch <= "\u9fff" for ch in text), f"not all Han: {text!r}"
    # The texture spans the label's text_size; the text itself is centred inside it.
    width, _ = label._label.get_extents(text)
    height = label.texture_size[1]
    x, y = label.to_window(label.center_x - width / 2, label.center_y - height / 2)
    top = Window.height - (y + height)
    crop = image.crop((int(x), int(top), int(x + width), int(top + height))).convert("L")
    cell = crop.width / len(text)
    cells = [crop.crop((int(i * cell), 0, int((i + 1) * cell), crop.height))
             for i in range(len(text))]
    for index, glyph in enumerate(cells):
        assert ImageStat.Stat(glyph).stddev[0] > 10, f"character {text[index]!r} drew nothing"
    for i in range(len(cells)):
        for j in range(i + 1, len(cells)):
            if text[i] == text[j]:
                continue
            size = (min(cells[i].width, cells[j].width), cells[i].height)
            difference = ImageChops.difference(cells[i].crop((0, 0, *size)),
                                               cells[j].crop((0, 0, *size)))
            assert ImageStat.Stat(difference).mean[0] > 3, (
                f"{text[i]!r} and {text[j]!r} look the same: missing glyphs (tofu)"
            )


def _png(image: Image.Image) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
