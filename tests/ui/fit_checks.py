"""Whether a screen fits, read off Kivy's widget tree after layout: every text drawn whole
inside its own box, nothing off the screen or under the back bar, no two texts over each
other, and physical sizes in millimetres at the panel's dpi (display.dpi).

Physical sizes. A touch target must be at least TOUCH_TARGET_MIN_MM across in both
directions. Text must be at least TEXT_MIN_MM high, measured as Kivy's ``font_size``: the
em square in pixels. A Han character fills nearly its whole em (Noto Sans CJK's
ideographs are about 0.9 em tall) and the terminal's text is Chinese first, so the em is
the height a resident sees; mm = px * 25.4 / dpi. (Latin capitals are shorter, about
0.73 em; English text passes by the same margin at the sizes the theme uses.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

TOUCH_TARGET_MIN_MM = 15.0
TEXT_MIN_MM = 5.0
# A list that scrolls must show at least one row of itself (or all of itself, if less).
LIST_ROW_MIN_PX = 150
# Layouts place widgets at fractional pixels: a pixel either way is not a clip.
SLACK_PX = 1.0

# Kivy's markup tags (kivy.core.text.markup), which are not drawn as text.
_MARKUP_TAG = re.compile(
    r"\[/?(?:b|i|u|s|sub|sup|size|color|font|font_context|font_family|font_features|ref|"
    r"anchor|text_language)(?:=[^\]]*)?\]")
_MARKUP_SIZE = re.compile(r"\[size=([\d.]+)([a-z]*)\]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

Box = tuple[float, float, float, float]   # left, bottom, right, top in window pixels


@dataclass(frozen=True)
class Problem:
    screen: str
    text: str
    what: str

    def __str__(self) -> str:
        return f"{self.screen}: {self.text!r} {self.what}"


def mm(px: float, dpi: float) -> float:
    return px * 25.4 / dpi


# -- reading the tree --------------------------------------------------------------------


def plain_text(widget: Any) -> str:
    """The characters a label should draw: its text without markup tags."""
    text = str(getattr(widget, "text", ""))
    if getattr(widget, "markup", False):
        text = _MARKUP_TAG.sub("", text)
        text = text.replace("&bl;", "[").replace("&br;", "]").replace("&amp;", "&")
    return text


def short_name(widget: Any) -> str:
    """How a problem names a widget: its text's start, or its class."""
    text = " ".join(plain_text(widget).split())
    if text:
        return text if len(text) <= 32 else text[:31] + "…"
    return f"<{type(widget).__name__}>"


def drawn_text(label: Any) -> str:
    """The characters Kivy laid out in the label's texture at its last render: shortened
    text carries '…', and lines beyond text_size's height or max_lines are missing."""
    core = label._label
    lines = getattr(core, "_cached_lines", None) or []
    return "".join(word.text for line in lines for word in line.words)


def broken_words(label: Any) -> list[str]:
    """English words Kivy split between two lines ("Dele" / "te") because the label is
    narrower than the word."""
    lines = ["".join(word.text for word in line.words)
             for line in getattr(label._label, "_cached_lines", None) or []]
    words = sorted(set(_LATIN_WORD.findall(plain_text(label))))
    return [word for word in words
            if not any(re.search(rf"(?<![A-Za-z]){word}(?![A-Za-z])", line) for line in lines)]


def is_readable(widget: Any) -> bool:
    from kivy.uix.label import Label

    return isinstance(widget, Label) and bool(plain_text(widget).strip())


def is_qr_code(widget: Any) -> bool:
    from kiosk.ui.widgets.qr_code import QrCode

    return isinstance(widget, QrCode) and bool(widget.data)


def is_touch_target(widget: Any) -> bool:
    from kivy.uix.behaviors import ButtonBehavior

    return isinstance(widget, ButtonBehavior) or widget.is_event_type("on_release")


def is_shown(widget: Any, top: Any) -> bool:
    """Drawn at all: the widget has a size and neither it nor a parent up to ``top`` is
    fully transparent."""
    if widget.width <= 0 or widget.height <= 0:
        return False
    node = widget
    while node is not None:
        if node.opacity <= 0:
            return False
        if node is top or node is node.parent:   # the Window is its own parent
            return True
        node = node.parent
    return True


def window_box(widget: Any) -> Box:
    x, y = widget.to_window(widget.x, widget.y)
    return x, y, x + widget.width, y + widget.height


def visible_box(widget: Any) -> Box | None:
    """The part of the widget a scrolling list does not hide, or None if it hides all."""
    from kivy.uix.stencilview import StencilView

    left, bottom, right, top = window_box(widget)
    node = widget.parent
    while node is not None and node is not node.parent:   # the Window is its own parent
        if isinstance(node, StencilView):
            sl, sb, sr, st = window_box(node)
            left, bottom, right, top = max(left, sl), max(bottom, sb), min(right, sr), min(top, st)
        node = node.parent
    if right - left <= SLACK_PX or top - bottom <= SLACK_PX:
        return None
    return left, bottom, right, top


def font_sizes_px(label: Any) -> list[float]:
    """Every text size in the label: its font_size and any [size=...] in its markup."""
    from kivy.metrics import dpi2px

    sizes = [float(label.font_size)]
    if getattr(label, "markup", False):
        sizes += [float(dpi2px(value, unit or "px"))
                  for value, unit in _MARKUP_SIZE.findall(label.text)]
    return sizes


def signature(root: Any) -> tuple[tuple[float, ...], ...]:
    """Every widget's place and size and every text's texture: equal twice running once
    the layout has settled."""
    return tuple((*window_box(w), *(getattr(w, "texture_size", None) or (0, 0)))
                 for w in root.walk(restrict=True))


# -- the checks ------------------------------------------------------------------------


def check_screen(name: str, root: Any, *, dpi: float, area: Box,
                 back_bar: Any | None = None) -> list[Problem]:
    """Everything wrong with how ``root`` (a screen, or the status bar) is laid out.
    ``area`` is the part of the window it may use. No text is exempt from TEXT_MIN_MM:
    the smallest the theme has (TEXT_SMALL, the status bar's) is 11.8 mm at 69 dpi."""
    shown = [w for w in root.walk(restrict=True) if is_shown(w, root)]
    readable = [w for w in shown if is_readable(w)]
    in_bar = set(back_bar.walk(restrict=True)) if back_bar is not None else set()
    bar_bottom = window_box(back_bar)[1] if back_bar is not None else None
    problems: list[Problem] = []
    problems += _clipped_text(name, readable)
    problems += _outside(name, shown, readable, area, in_bar, bar_bottom)
    problems += _overlaps(name, [w for w in shown if is_readable(w) or is_qr_code(w)])
    problems += _small_targets(name, shown, dpi)
    problems += _small_text(name, readable, dpi)
    return problems


def _clipped_text(name: str, labels: list[Any]) -> Iterator[Problem]:
    for label in labels:
        text_w, text_h = label.texture_size
        if text_w > label.width + SLACK_PX or text_h > label.height + SLACK_PX:
            yield Problem(name, short_name(label),
                          f"overflows its box: text {text_w:.0f}x{text_h:.0f} px in a "
                          f"{label.width:.0f}x{label.height:.0f} px box")
            continue
        wanted = "".join(plain_text(label).split())
        drawn = "".join(drawn_text(label).split())
        if drawn != wanted:
            yield Problem(name, short_name(label), f"is cut: only {drawn!r} is drawn")
            continue
        broken = broken_words(label)
        if broken:
            yield Problem(name, short_name(label),
                          f"breaks {', '.join(broken)} across lines: too narrow for the word")


def _outside(name: str, shown: list[Any], readable: list[Any], area: Box,
             in_bar: set[Any], bar_bottom: float | None) -> Iterator[Problem]:
    """Texts, codes and lists off the screen's area or reaching under the back bar."""
    from kivy.uix.scrollview import ScrollView

    lists = [w for w in shown if isinstance(w, ScrollView) and w.children]
    left, bottom, right, top = area
    for widget in [*readable, *(w for w in shown if is_qr_code(w)), *lists]:
        box = visible_box(widget)
        if box is None:
            continue   # scrolled out of view: a swipe brings it back
        w_left, w_bottom, w_right, w_top = box
        label = short_name(widget)
        if w_left < left - SLACK_PX or w_right > right + SLACK_PX:
            yield Problem(name, label, f"runs off the side (x {w_left:.0f} to {w_right:.0f}, "
                                       f"screen {left:.0f} to {right:.0f})")
        if w_bottom < bottom - SLACK_PX:
            yield Problem(name, label, f"runs off the bottom (y {w_bottom:.0f} < {bottom:.0f})")
        if w_top > top + SLACK_PX:
            yield Problem(name, label, f"runs off the top (y {w_top:.0f} > {top:.0f})")
        if bar_bottom is not None and widget not in in_bar and w_top > bar_bottom + SLACK_PX:
            yield Problem(name, label, f"reaches under the back bar "
                                       f"(y {w_top:.0f} > {bar_bottom:.0f})")
    for scroll in lists:
        box = visible_box(scroll)
        content = max(child.height for child in scroll.children)
        seen = 0.0 if box is None else box[3] - box[1]
        if seen + SLACK_PX < min(content, LIST_ROW_MIN_PX):
            first = next((w for w in scroll.walk(restrict=True) if is_readable(w)), scroll)
            needed = min(content, LIST_ROW_MIN_PX)
            yield Problem(name, short_name(first),
                          f"heads a list squeezed to {seen:.0f} px (it needs {needed:.0f})")


def _overlaps(name: str, widgets: list[Any]) -> Iterator[Problem]:
    boxes = [(w, b) for w in widgets if (b := visible_box(w)) is not None]
    for index, (one, (al, ab, ar, at)) in enumerate(boxes):
        for other, (bl, bb, br, bt) in boxes[index + 1:]:
            if _related(one, other):
                continue
            across = min(ar, br) - max(al, bl)
            up = min(at, bt) - max(ab, bb)
            if across > SLACK_PX and up > SLACK_PX:
                yield Problem(name, short_name(one),
                              f"overlaps {short_name(other)!r} ({across:.0f}x{up:.0f} px)")


def _related(one: Any, other: Any) -> bool:
    """One inside the other, like a label on a button: not an overlap."""
    return one in _ancestors(other) or other in _ancestors(one)


def _ancestors(widget: Any) -> set[Any]:
    found = set()
    node = widget.parent
    while node is not None and node not in found:
        found.add(node)
        node = node.parent
    return found


def _small_targets(name: str, shown: list[Any], dpi: float) -> Iterator[Problem]:
    for widget in shown:
        if not is_touch_target(widget) or widget.disabled:
            continue
        width_mm, height_mm = mm(widget.width, dpi), mm(widget.height, dpi)
        if min(width_mm, height_mm) < TOUCH_TARGET_MIN_MM:
            yield Problem(name, short_name(widget),
                          f"is a touch target of {width_mm:.1f} x {height_mm:.1f} mm "
                          f"(at least {TOUCH_TARGET_MIN_MM:.0f} mm at {dpi:g} dpi)")


def _small_text(name: str, labels: list[Any], dpi: float) -> Iterator[Problem]:
    for label in labels:
        smallest = min(font_sizes_px(label))
        if mm(smallest, dpi) < TEXT_MIN_MM:
            yield Problem(name, short_name(label),
                          f"is text {mm(smallest, dpi):.1f} mm high ({smallest:.0f} px; at "
                          f"least {TEXT_MIN_MM:.0f} mm at {dpi:g} dpi)")
