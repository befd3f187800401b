"""Take a number: the queues with how long each is, optionally by ID card, where
residents aged 65 or more are offered a priority ticket."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty

from kiosk.services.identity import Identity
from kiosk.services.opening_hours_text import describe_hours
from kiosk.services.queue.model import CategoryNow
from kiosk.ui.futures import on_result
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons  # noqa: F401  (classes used in the .kv)
from kiosk.ui.widgets.buttons import KioskButton, QuietButton

log = logging.getLogger(__name__)


class QueueScreen(KioskScreen):
    identity_line = StringProperty("")
    offer_priority = BooleanProperty(False)
    all_closed = BooleanProperty(False)
    hours_text = StringProperty("")

    def on_pre_enter(self, *_args: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        on_result(App.get_running_app().services.queue.categories_now(), self._show)

    def _show(self, categories: list[CategoryNow] | Exception) -> None:
        if isinstance(categories, Exception):
            log.error("the queues could not be read: %s", categories)
            categories = []
        self.all_closed = not any(c.open for c in categories)
        self.hours_text = self._hours_text(categories)
        box = self.ids.categories
        box.clear_widgets()
        for category in categories:
            # A closed queue's card only informs: greyed yet readable, its hours on it,
            # and nothing happens on a touch (no empty ticket screen behind it).
            button = KioskButton(text=self._describe(category), markup=True,
                                 disabled=not category.open)
            button.category_id = category.id
            button.bind(on_release=lambda _b, c=category: self.choose(c))
            box.add_widget(button)
        self._offer_actions()

    def _hours_text(self, categories: list[CategoryNow]) -> str:
        """When the windows open, worded as everywhere else: once when every queue keeps
        the same hours (those that follow the station's staffed hours do), else per queue."""
        tr = App.get_running_app().tr
        if len({c.hours for c in categories}) == 1:
            return describe_hours(categories[0].hours, tr)
        return "\n".join(f"{c.name}：{describe_hours(c.hours, tr)}" for c in categories)

    def _offer_actions(self) -> None:
        """Out of hours: where else to go. In hours: taking a number by ID card."""
        app = App.get_running_app()
        actions = self.ids.actions
        for gone in actions.children:
            self.ids.pop(gone.action_id, None)   # an id must not outlive its button
        actions.clear_widgets()
        offers: list[tuple[str, str, object]] = []
        if self.all_closed:
            if app.has_guide:
                offers.append(("to_guide", app.tr("Service guide"), lambda: app.go("guide")))
            if app.has_locker:
                offers.append(("to_locker", app.tr("Document locker"),
                               lambda: app.go("pickup")))
        elif not self.identity_line and app.services.devices.has_card_reader:
            offers.append(("real_name", app.tr("Use my ID card (65 or older: priority)"),
                           self.use_id_card))
        for widget_id, text, action in offers:
            button = QuietButton(text=text)
            button.action_id = widget_id
            button.bind(on_release=lambda _b, a=action: a())
            self.ids[widget_id] = button
            actions.add_widget(button)

    def _describe(self, category: CategoryNow) -> str:
        tr = App.get_running_app().tr
        if category.open and category.waiting == 0:
            status = tr("Nobody waiting: no wait")
        elif category.open:
            status = tr("{waiting} waiting, about {minutes} min").format(
                waiting=category.waiting, minutes=category.estimate_min)
        else:
            status = tr("Not open now · {hours}").format(hours=describe_hours(category.hours,
                                                                              tr))
        line = f"{category.prefix} {category.name}"
        detail = f"{category.description}\n{status}" if category.description else status
        return f"{line}\n[size=34]{detail}[/size]"

    def use_id_card(self) -> None:
        app = App.get_running_app()
        app.ask_identity(app.tr("Take a number with your ID card"), self._identified)

    def _identified(self, identity: Identity) -> None:
        app = App.get_running_app()
        app.session["queue_identity"] = identity
        name = identity.masked_name or identity.masked_id_number
        self.identity_line = app.tr("Taking a number for {name}").format(name=name)
        self.offer_priority = app.services.queue.offers_priority(identity)
        self._offer_actions()

    def choose(self, category: CategoryNow) -> None:
        App.get_running_app().take_ticket(category.id, priority=False)

    def choose_priority(self) -> None:
        assisted = App.get_running_app().services.queue.assisted_category()
        if assisted is not None:
            App.get_running_app().take_ticket(assisted.id, priority=True)

    def reset(self) -> None:
        self.identity_line = ""
        self.offer_priority = False


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
