"""A slip shown on screen instead of printed: the printer is out of paper or absent.

The resident photographs the screen or scans its QR code; the slip is wiped when they
leave the screen, like everything else a resident saw."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import StringProperty

from devices.printer.slip import Qr, Rule, Slip, Spacer, Text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.slip_text import slip_reason_message
from kiosk.ui.widgets import back_bar, buttons, qr_code  # noqa: F401  (used in the .kv)


class SlipScreen(KioskScreen):
    why = StringProperty("")
    qr_data = StringProperty("")
    qr_caption = StringProperty("")

    def show(self, slip: Slip, reason: str) -> None:
        app = App.get_running_app()
        self.why = app.tr(slip_reason_message(reason))
        self.qr_data = self.qr_caption = ""
        box = self.ids.blocks
        box.clear_widgets()
        for block in slip.blocks:
            if isinstance(block, Text):
                # kv dynamic classes get their properties once built: set, not passed.
                text = Factory.SlipText(text=block.text, bold=block.bold)
                text.kind, text.align = block.size, block.align
                box.add_widget(text)
            elif isinstance(block, Qr):
                # On screen the code goes to the top, beside the explanation: a phone
                # should not have to wait for the resident to find it by scrolling.
                self.qr_data, self.qr_caption = block.data, block.caption
            elif isinstance(block, Rule):
                box.add_widget(Factory.SlipRule())
            elif isinstance(block, Spacer):
                box.add_widget(Factory.Widget(size_hint_y=None, height=24 * block.lines))
        self.ids.scroll.scroll_y = 1

    def on_leave(self, *_args: object) -> None:
        self.reset()  # the slip may carry what the resident looked up: never leave it

    def reset(self) -> None:
        self.why = self.qr_data = self.qr_caption = ""
        self.ids.blocks.clear_widgets()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
