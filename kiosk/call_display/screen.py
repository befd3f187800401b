"""The call display (叫号屏) over the waiting area: the latest call, large, and the calls
before it, readable from across the hall, with a banner while a resident at the
self-service terminal waits for help (自助终端有人需要帮助（取件）). It shows only ticket
numbers, windows and the step the resident is on."""

from __future__ import annotations

from pathlib import Path

from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty

from kiosk.call_display.feed import HelpWaiting
from kiosk.services.queue.model import Call
from kiosk.ui.screens.base import KioskScreen

RECENT_SHOWN = 6


class CallDisplayScreen(KioskScreen):
    latest_label = StringProperty("")
    latest_window = StringProperty("")
    latest_recall = BooleanProperty(False)
    linked = BooleanProperty(True)
    # The screen the longest-waiting resident called for help from; "" while nobody waits.
    help_screen = StringProperty("")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.shown: list[Call] = []

    def show_calls(self, calls: list[Call]) -> None:
        """Newest last; the latest goes large, the rest into the list."""
        self.shown = (self.shown + calls)[-(RECENT_SHOWN + 1):]
        if not self.shown:
            return
        latest = self.shown[-1]
        self.latest_label = latest.label
        self.latest_window = str(latest.window)
        self.latest_recall = latest.recall
        box = self.ids.recent
        box.clear_widgets()
        # Each ticket once, at its latest call: a recall does not list it twice.
        listed = {latest.label}
        for call in reversed(self.shown[:-1]):
            if call.label in listed:
                continue
            listed.add(call.label)
            row = Factory.RecentCall()
            row.label, row.window = call.label, str(call.window)
            box.add_widget(row)

    def show_help(self, waiting: list[HelpWaiting]) -> None:
        """Oldest first; an empty list clears the banner."""
        self.help_screen = waiting[0].screen if waiting else ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
