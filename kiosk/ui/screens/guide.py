"""The service guide's front page: search, three ways to browse, the most asked-for items."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)
from kiosk.ui.widgets.item_button import item_button


class GuideScreen(KioskScreen):
    def on_pre_enter(self, *_args: object) -> None:
        app = App.get_running_app()
        box = self.ids.popular
        box.clear_widgets()
        for item in app.terminal.guide.most_asked(limit=5):
            box.add_widget(item_button(item, app.tr, app.open_guide_item))

    def browse(self, kind: str) -> None:
        app = App.get_running_app()
        app.screens.get_screen("guide_groups").show(kind)
        app.go("guide_groups")


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
