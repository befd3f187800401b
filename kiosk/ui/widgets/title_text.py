"""Long titles broken where a reader expects, in the label's own font.

A Kivy label wraps a line without spaces at whatever character no longer fits, which can
leave one character alone on the last line (…开 / 柜。). These widgets take the title
unbroken and put the line breaks in themselves (kiosk/services/guide/line_breaks.py),
measuring with the font the label draws in, again whenever its width or font changes.
Kivy's own wrapping still catches anything that would not fit.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kivy.core.text import Label as CoreLabel
from kivy.properties import StringProperty
from kivy.uix.label import Label

from kiosk.services.guide.line_breaks import Measure, with_line_breaks

# Widths are sums of the pieces' advances; a pixel per line to spare keeps rounding in
# Kivy's own layout from wrapping a line that just fits.
SPARE_PX = 2


@lru_cache(maxsize=64)
def font_measure(font_name: str, font_size: float, bold: bool) -> Measure:
    """The width in pixels of a text drawn in this font (cached per font)."""
    extents = CoreLabel(font_name=font_name, font_size=font_size, bold=bold
                        ).get_cached_extents()

    @lru_cache(maxsize=4096)
    def measure(text: str) -> float:
        return float(extents(text)[0])

    return measure


def broken_title(title: str, label: Label) -> str:
    """``title`` with line breaks for ``label``'s width and font."""
    wrap_width = label.text_size[0] if label.text_size[0] is not None else label.width
    width = wrap_width - label.padding[0] - label.padding[2] - SPARE_PX
    if width <= 0:
        return title        # not laid out yet
    return with_line_breaks(title, width, font_measure(label.font_name, label.font_size,
                                                       label.bold))


class TitleLabel(Label):
    """A label that shows ``title`` broken into lines where a reader expects; set
    ``title``, not ``text``."""

    title = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fbind("title", self._break_title)
        for name in ("width", "text_size", "font_size", "font_name", "bold", "padding"):
            self.fbind(name, self._break_title)
        self._break_title()

    def _break_title(self, *_args: object) -> None:
        self.text = broken_title(self.title, self)
