"""The groups of one way of browsing: departments, levels or life events."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.services.guide.catalog import ServiceItem
from kiosk.ui.guide_text import BROWSE_KINDS, LEVEL_NAMES
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)
from kiosk.ui.widgets.item_button import TitleButton


class GuideGroupsScreen(KioskScreen):
    kind = StringProperty("owner")
    title = StringProperty("")

    def show(self, kind: str) -> None:
        app = App.get_running_app()
        catalog = app.services.guide.catalog
        self.kind = kind
        self.title = app.tr(BROWSE_KINDS[kind])
        groups: list[tuple[str, str, list[ServiceItem]]] = []
        if kind == "owner":
            groups = [(owner, owner, catalog.items_of_owner(owner))
                      for owner, _count in catalog.owners()]
        elif kind == "level":
            groups = [(level, app.tr(LEVEL_NAMES[level]), catalog.items_at_level(level))
                      for level, _count in catalog.levels()]
        else:
            groups = [(theme.id, theme.name, catalog.items_in_theme(theme.id))
                      for theme in catalog.themes]
        box = self.ids.groups
        box.clear_widgets()
        for key, name, items in groups:
            if not items:
                continue
            button = TitleButton(
                title=app.tr("{name} ({count} items)").format(name=name, count=len(items)))
            button.group_key = key
            button.bind(on_release=lambda _b, n=name, i=items: self.open_group(n, i))
            box.add_widget(button)
        self.ids.scroll.scroll_y = 1

    def open_group(self, name: str, items: list[ServiceItem]) -> None:
        app = App.get_running_app()
        app.screens.get_screen("guide_list").show(name, items)
        app.go("guide_list")

    def reset(self) -> None:
        self.ids.groups.clear_widgets()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
