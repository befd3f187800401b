"""One service item's guide: every element in large type, and the one-time notice."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kivy.app import App
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty

from devices.printer.slip import Slip
from kiosk.services.guide.catalog import ServiceItem
from kiosk.services.guide.unpublished import (
    unpublished_elements,
    unpublished_statement,
    window_hours,
)
from kiosk.services.opening_hours_text import describe_hours
from kiosk.services.printing import PrintOutcome
from kiosk.services.ratings import NoticePrinted
from kiosk.ui.futures import on_result
from kiosk.ui.guide_text import HANDLING_NAMES, LEVEL_NAMES
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons, qr_code, title_text  # noqa: F401  (in the .kv)


def guide_elements(item: ServiceItem, tr: Callable[[str], str]) -> list[tuple[str, str]]:
    """(label, value) pairs in the order of a printed 办事指南; "" where the catalog is
    silent: the screen leaves those out and says once what is not published."""
    return [
        (tr("Where it is handled"), tr(LEVEL_NAMES[item.level])),
        (tr("How"), tr(HANDLING_NAMES[item.handling]) if item.handling else ""),
        (tr("Department"), item.department),
        (tr("Handled by"), item.implementing_body),
        (tr("Kind of item"), item.item_type),
        (tr("What to bring"), "\n".join(f"{n}. {m}" for n, m in
                                       enumerate(item.materials, start=1))),
        (tr("Who can apply"), item.conditions),
        (tr("Time limit by law"), item.legal_time_limit),
        (tr("Time limit promised"), item.promised_time_limit),
        (tr("Fees"), item.fees),
        (tr("Where to go"), item.location),
        (tr("Ways to apply"), "、".join(item.channels)),
        (tr("Legal basis"), item.legal_basis),
        (tr("Item code"), item.code),
        (tr("Note"), item.note),
    ]


class GuideItemScreen(KioskScreen):
    name_text = StringProperty("")
    message = StringProperty("")
    online_url = StringProperty("")
    source_text = StringProperty("")
    unpublished_text = StringProperty("")
    can_rate = BooleanProperty(False)   # the notice was printed: 好差评 may follow

    def show(self, item: ServiceItem) -> None:
        app = App.get_running_app()
        self._item = item
        self.can_rate = False
        self.name_text = item.name
        self.message = ""
        self.online_url = item.online_url
        source = app.services.guide.catalog.source(item.source)
        self.source_text = app.tr("Source: {source}").format(
            source=f"{source.title} {source.document}".strip() if source else item.source)
        self.unpublished_text = self._unpublished(item)
        box = self.ids.elements
        box.clear_widgets()
        for label, value in guide_elements(item, app.tr):
            if not value:
                continue    # what a resident needs is in the one unpublished statement
            # A kv dynamic class gets its properties when its rule is applied, so they
            # are set after construction, not passed to it.
            row = Factory.GuideElement()
            row.label, row.value = label, value
            box.add_widget(row)
        self.ids.scroll.scroll_y = 1

    def _unpublished(self, item: ServiceItem) -> str:
        """What the guide cannot tell yet, once, with when to ask (the handling window's
        own hours, else the station's staffed hours in force) and the hotline."""
        app = App.get_running_app()
        guide = app.services.guide
        window = guide.handling_window(item)
        hours = window_hours(window)
        if hours is None:
            hours = app.services.settings.staffed_hours()
        return unpublished_statement(unpublished_elements(item, app.tr), app.tr,
                                     hours=describe_hours(hours, app.tr),
                                     hotline=guide.station.hotline, window=window)

    def print_notice(self) -> None:
        app = App.get_running_app()
        self.message = app.tr("Printing…")
        self.ids.print_button.disabled = True
        slip, printing = app.services.guide.print_notice(self._item)
        on_result(printing, lambda outcome: self._printed(slip, outcome))

    def _printed(self, slip: Slip, outcome: PrintOutcome | Exception) -> None:
        app = App.get_running_app()
        self.ids.print_button.disabled = False
        if isinstance(outcome, Exception):
            self.message = ""
            app.show_slip_on_screen(slip, "failed")
            return
        if outcome.printed:
            self.message = app.tr("Printed. Please take the notice from the slot below.")
            self.can_rate = app.services.ratings is not None
            return
        self.message = ""
        app.show_slip_on_screen(slip, outcome.reason or "failed")

    def rate(self) -> None:
        App.get_running_app().offer_rating(NoticePrinted(self._item.id), "notice rated")

    def reset(self) -> None:
        self.can_rate = False
        self.name_text = ""
        self.message = ""
        self.online_url = ""
        self.unpublished_text = ""
        self.ids.elements.clear_widgets()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
