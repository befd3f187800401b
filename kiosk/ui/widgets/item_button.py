"""A service item in a list: its name, and where and how it is handled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.properties import StringProperty
from kivy.utils import escape_markup

from kiosk.services.guide.catalog import ServiceItem
from kiosk.ui.guide_text import LEVEL_NAMES
from kiosk.ui.widgets.buttons import QuietButton
from kiosk.ui.widgets.title_text import broken_title


class TitleButton(QuietButton):
    """A list entry whose ``title`` (a long item or group name) breaks into lines where a
    reader expects, with an optional smaller ``detail`` line under it; set these, not
    ``text``."""

    title = StringProperty("")
    detail = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("markup", True)
        super().__init__(**kwargs)
        for name in ("title", "detail", "width", "text_size", "font_size", "font_name",
                     "bold", "padding"):
            self.fbind(name, self._compose)
        self._compose()

    def _compose(self, *_args: object) -> None:
        # Catalog text is data, not markup: a "[" in a name must print as itself.
        text = escape_markup(broken_title(self.title, self))
        if self.detail:
            text += f"\n[size=32][color=4d545e]{escape_markup(self.detail)}[/color][/size]"
        self.text = text


def item_button(item: ServiceItem, tr: Callable[[str], str],
                on_choose: Callable[[ServiceItem], None]) -> TitleButton:
    where = tr(LEVEL_NAMES[item.level])
    how = f" · {item.handling}" if item.handling else ""
    button = TitleButton(title=item.name, detail=f"{where}{how}", halign="left")
    button.item_id = item.id
    button.bind(on_release=lambda _b: on_choose(item))
    return button
