"""A service item in a list: its name, and where and how it is handled."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.services.guide.catalog import ServiceItem
from kiosk.ui.guide_text import LEVEL_NAMES
from kiosk.ui.widgets.buttons import QuietButton


def item_button(item: ServiceItem, tr: Callable[[str], str],
                on_choose: Callable[[ServiceItem], None]) -> QuietButton:
    where = tr(LEVEL_NAMES[item.level])
    how = f" · {item.handling}" if item.handling else ""
    button = QuietButton(
        text=f"{item.name}\n[size=32][color=4d545e]{where}{how}[/color][/size]",
        markup=True, halign="left",
    )
    button.item_id = item.id
    button.bind(on_release=lambda _b: on_choose(item))
    return button
