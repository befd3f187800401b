"""The private Xvfb display that `kiosk run --virtual-display` and the tests use."""

from __future__ import annotations

import time

from PIL import ImageGrab

from kiosk.app.virtual_display import VirtualDisplay
from tests.fixtures.system import require


def test_display_stays_up_after_start():
    # Xvfb reports its number in two writes; reading only the first used to kill it.
    require("Xvfb", "xvfb")
    for _ in range(5):
        display = VirtualDisplay(320, 240)
        name = display.start()
        try:
            time.sleep(0.2)
            assert ImageGrab.grab(xdisplay=name).size == (320, 240)
        finally:
            display.stop()
