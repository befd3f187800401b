"""Font sizes that make a text fit its box, for texts whose box cannot grow: a title
between Back and Home, a tile or a button in a row, words that share the screen with a
keypad or a print result beside Done. Everywhere else a box grows with its text.

A text fits when, wrapped at the box's width, its lines fit the box's height and no
English word had to be broken to get there (Chinese wraps between any two characters).
The size shrinks from the design size in small steps, never below a floor: the caller's,
which is never less than theme.TEXT_SMALL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from kivy.core.text import Label as CoreLabel
from kivy.core.text.markup import MarkupLabel

# One text at one size, bold or not.
Part = tuple[str, float, bool]

# A line of text is about 1.46 times its font size tall (Noto Sans CJK's ascent plus
# descent): n lines at size s fit in n * s * LINE_HEIGHT_EM pixels.
LINE_HEIGHT_EM = 1.5
# Each try is 6 % smaller than the last: steps too small for a resident to notice.
_STEP = 0.94
# A word Kivy must not break: a run of Latin letters, digits and their punctuation.
_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.,:;!?()/&+\-–]*")


@lru_cache(maxsize=4096)
def fitting_font_size(text: str, width: float, height: float, largest: float,
                      smallest: float, bold: bool = False) -> int:
    """The largest size from ``largest`` down to ``smallest`` at which ``text`` fits a
    ``width`` x ``height`` box; ``smallest`` if none does."""
    for scale in _scales():
        size = int(max(smallest, largest * scale))
        label = CoreLabel(text=text, font_size=size, bold=bold)
        if size <= smallest or (_height_at(label, width) <= height
                                and _words_whole(((text, size, bold),), width)):
            return size
    raise AssertionError("unreachable")


@lru_cache(maxsize=1024)
def tile_markup(title: str, subtitle: str, title_size: float, subtitle_size: float,
                width: float, height: float, smallest: float, base_size: float) -> str:
    """A home-screen tile's title over its subtitle (Kivy markup for a bold label whose
    font_size is ``base_size``, a KioskButton's), both shrunk alike until they fit the
    tile, neither smaller than ``smallest``."""
    for scale in _scales():
        title_px = int(max(smallest, title_size * scale))
        subtitle_px = int(max(smallest, subtitle_size * scale))
        markup = f"[size={title_px}][b]{title}[/b][/size]\n[size={subtitle_px}]{subtitle}[/size]"
        label = MarkupLabel(text=markup, font_size=base_size, bold=True, markup=True)
        if max(title_px, subtitle_px) <= smallest or (
                _height_at(label, width) <= height
                and _words_whole(((title, title_px, True), (subtitle, subtitle_px, True)),
                                 width)):
            return markup
    raise AssertionError("unreachable")


def _scales() -> Iterator[float]:
    scale = 1.0
    while True:
        yield scale
        scale *= _STEP


def _height_at(label: CoreLabel, width: float) -> float:
    """The text's height laid out as by a Label with text_size (width, None)."""
    if width <= 0:
        return float("inf")
    label.text_size = (width, None)
    label.options["halign"] = "center"
    label.resolve_font_name()
    return float(label.render()[1])


def _words_whole(parts: Sequence[Part], width: float) -> bool:
    """No English word is wider than the box, which would make Kivy break it."""
    for text, size, bold in parts:
        words = _LATIN_WORD.findall(text)
        if not words:
            continue
        label = CoreLabel(font_size=size, bold=bold)
        label.resolve_font_name()
        if any(label.get_extents(word)[0] > width for word in words):
            return False
    return True
