"""The service guide's front page: search, three ways to browse, the most asked-for items."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder

from kiosk.services.guide.catalog import ServiceItem
from kiosk.ui.futures import on_result
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)
from kiosk.ui.widgets.item_button import item_button


class GuideScreen(KioskScreen):
    def on_pre_enter(self, *_args: object) -> None:
        on_result(App.get_running_app().services.guide.most_asked(limit=5), self._show_popular)

    def _show_popular(self, items: list[ServiceItem] | Exception) -> None:
        app = App.get_running_app()
        box = self.ids.popular
        box.clear_widgets()
        # Without the counts (a database fault) the front page still searches and browses.
        for item in items if not isinstance(items, Exception) else []:
            box.add_widget(item_button(item, app.tr, app.open_guide_item))

    def browse(self, kind: str) -> None:
        app = App.get_running_app()
        app.screens.get_screen("guide_groups").show(kind)
        app.go("guide_groups")


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
