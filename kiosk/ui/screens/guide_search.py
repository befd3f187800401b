"""Search as you type: pinyin, initials or a mixture, on a large letter keyboard."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons, letter_keyboard  # noqa: F401  (used in the .kv)
from kiosk.ui.widgets.item_button import item_button

# More than a screenful is no help to someone looking for one item: they type another
# letter instead.
RESULTS_SHOWN = 12


class GuideSearchScreen(KioskScreen):
    message = StringProperty("")

    def on_kv_post(self, _base_widget: object) -> None:
        self.ids.keyboard.bind(value=lambda _kb, query: self.search(query))

    def on_pre_enter(self, *_args: object) -> None:
        self.ids.keyboard.relabel()
        self.search(self.ids.keyboard.value)

    def search(self, query: str) -> None:
        app = App.get_running_app()
        box = self.ids.results
        box.clear_widgets()
        if not query:
            self.message = app.tr("Type the pinyin of the item, or just the first letters: "
                                  "dbsq finds 城乡居民最低生活保障待遇申请")
            return
        items = app.services.guide.search(query, limit=RESULTS_SHOWN)
        self.message = (app.tr("{count} found, best first").format(count=len(items)) if items
                        else app.tr("Nothing found. Check the letters, or ask the staff."))
        for item in items:
            box.add_widget(item_button(item, app.tr, app.open_guide_item))
        self.ids.scroll.scroll_y = 1

    def reset(self) -> None:
        self.ids.keyboard.value = ""
        self.ids.results.clear_widgets()
        self.message = ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
