"""Contrast as drawn, measured on screenshots: a switched-off button still reads (WCAG
1.4.3, 4.5:1), and the edges that show where to touch or scroll stand out (1.4.11, 3:1)."""

from __future__ import annotations

from collections import Counter

import pytest
from PIL import Image

from tests.fixtures.locker_ui import type_digits
from tests.ui.screen_checks import widget_box

pytestmark = pytest.mark.ui


def luminance(rgb: tuple[int, ...]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def colours_in(image: Image.Image, box: tuple[int, int, int, int]) -> Counter:
    return Counter(image.convert("RGB").crop(box).getdata())


def test_the_switched_off_open_door_button_still_reads(locker_ui):
    ui = locker_ui()
    ui.tap(ui.widget("pickup"))
    button = ui.widget("open_door")
    assert button.disabled                      # no code typed yet
    left, top, right, bottom = widget_box(button)
    inner = (left + 30, top + 20, right - 30, bottom - 20)
    found = colours_in(ui.screenshot("pickup-open-door-off"), inner)
    fill = found.most_common(1)[0][0]
    darkest = min(found, key=luminance)
    ratio = contrast(fill, darkest)
    assert ratio >= 4.5, f"the label reads at {ratio:.2f}:1 on its fill {fill}"


def test_key_edges_stand_out_from_the_key_and_the_background(locker_ui):
    ui = locker_ui()
    ui.tap(ui.widget("pickup"))
    key = ui.widget("keypad").ids.key_5
    left, top, right, _bottom = widget_box(key)
    image = ui.screenshot("pickup-keypad")
    middle = (left + right) // 2
    # A thin strip across the key's left edge: the background, the outline, the key.
    strip = [image.convert("RGB").getpixel((x, top + 60)) for x in range(left - 6, left + 8)]
    key_fill = image.convert("RGB").getpixel((middle - 40, top + 20))
    background = strip[0]
    edge = min(strip, key=luminance)
    assert contrast(edge, key_fill) >= 3, (edge, key_fill)
    assert contrast(edge, background) >= 3, (edge, background)


def test_an_id_number_placeholder_shows_its_three_groups(locker_ui):
    ui = locker_ui()
    ui.tap(ui.widget("pickup"))
    ui.tap(ui.widget("for_someone_else"))
    number = ui.widget("number")
    assert number.text == "______ ________ ____"
    type_digits(ui, ui.widget("keypad"), "1101051949")
    assert number.text == "110105 1949____ ____"
