"""The items of one group, for a resident to choose from."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.services.guide.catalog import ServiceItem
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)
from kiosk.ui.widgets.item_button import item_button


class GuideListScreen(KioskScreen):
    title = StringProperty("")

    def show(self, title: str, items: list[ServiceItem]) -> None:
        app = App.get_running_app()
        self.title = title
        box = self.ids.item_list
        box.clear_widgets()
        for item in items:
            box.add_widget(item_button(item, app.tr, app.open_guide_item))
        self.ids.scroll.scroll_y = 1

    def reset(self) -> None:
        self.title = ""
        self.ids.item_list.clear_widgets()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
