"""The Kivy application: the shell every screen lives in."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock, mainthread
from kivy.core.text import DEFAULT_FONT, LabelBase
from kivy.core.window import Window
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from devices.printer.slip import Slip
from kiosk.i18n import Translate, translator
from kiosk.services.guide.catalog import ServiceItem
from kiosk.services.identity import Identity
from kiosk.services.identity_source import BadgePresented, IdentityEvent
from kiosk.services.locker.codes import QR_PREFIX
from kiosk.services.locker.model import OperationUpdate, Started
from kiosk.services.locker.receipts import dropoff_receipt_slip
from kiosk.services.queue.appointments import (
    looks_like_appointment,
)
from kiosk.services.queue.desk import QueueDesk
from kiosk.services.queue.model import IssuedTicket, Refused, TicketRefusal
from kiosk.services.queue.slips import ticket_slip
from kiosk.services.ratings import Completed, RatingOffer, RatingRefusal, RatingRefused
from kiosk.services.staff import StaffMember
from kiosk.services.status import StatusSnapshot
from kiosk.ui import theme
from kiosk.ui.fonts import CjkFonts
from kiosk.ui.futures import on_result
from kiosk.ui.idle import IdleWatcher
from kiosk.ui.resident_aids import ResidentAids
from kiosk.ui.screen_set import add_screens
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.door import DoorScreen
from kiosk.ui.screens.dropoff_receipt import DropoffReceiptScreen
from kiosk.ui.screens.guide_item import GuideItemScreen
from kiosk.ui.screens.pickup import PickupScreen
from kiosk.ui.screens.rating import RatingScreen
from kiosk.ui.screens.simulator_panel import SimulatorPanelScreen
from kiosk.ui.screens.slip import SlipScreen
from kiosk.ui.screens.ticket import TicketScreen
from kiosk.ui.services import TerminalServices
from kiosk.ui.spoken_text import idle_prompt
from kiosk.ui.widgets import scroll_bars  # noqa: F401  (the rule every ScrollView follows)
from kiosk.ui.widgets.identity_prompt import IdentityPrompt
from kiosk.ui.widgets.status_bar import StatusBar

log = logging.getLogger(__name__)


MEDIA = Path(__file__).resolve().parents[2] / "media"


class KioskApp(App):
    title = "Station kiosk"
    icon = str(MEDIA / "icon.png")
    tr = ObjectProperty(None)
    language = StringProperty("zh_CN")
    text_scale = NumericProperty(1.0)
    demo_mode = BooleanProperty(False)
    online = BooleanProperty(False)
    landscape = BooleanProperty(False)
    has_locker = BooleanProperty(False)
    has_guide = BooleanProperty(False)
    has_queue = BooleanProperty(False)

    def __init__(self, services: TerminalServices, fonts: CjkFonts, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.fonts = fonts
        display = services.config.display
        self.default_language = display.language
        self.default_text_scale = theme.LARGE_TEXT_SCALE if display.large_text else 1.0
        self.language = self.default_language
        self.tr = translator(self.language)
        self.text_scale = self.default_text_scale
        self.demo_mode = services.demo is not None
        self.landscape = display.orientation == "landscape"
        self.has_locker = services.locker is not None
        self.has_guide = services.guide is not None
        self.has_queue = services.queue is not None
        self.staff_directory = services.staff_directory
        # What the current resident entered that is not in a widget (a proxy's ID number).
        self.session: dict[str, Any] = {}
        self.staff: StaffMember | None = None
        self._history: list[str] = []
        self.idle: IdleWatcher | None = None
        self._identity_prompt: IdentityPrompt | None = None
        self.voice = services.voice

    # -- building ---------------------------------------------------------------------

    def build(self) -> BoxLayout:
        # Every label, including Kivy's own, draws with the CJK font: no tofu anywhere.
        LabelBase.register(DEFAULT_FONT, fn_regular=str(self.fonts.regular),
                           fn_bold=str(self.fonts.bold))
        display = self.services.config.display
        Window.size = theme.SCREEN_SIZES[display.orientation]
        Window.left, Window.top = 0, 0
        Window.clearcolor = theme.BACKGROUND
        if display.fullscreen:
            Window.fullscreen = "auto"

        station = self.services.config.station
        root = BoxLayout(orientation="vertical")
        self.status_bar = StatusBar(station=station.name)
        root.add_widget(self.status_bar)
        self.screens = ScreenManager(transition=NoTransition())
        add_screens(self.screens, self.services)
        if self.services.locker is not None:
            self.services.locker.on_update(self._locker_update)
        if self.services.demo is not None:
            self.services.devices.on_device_event(self._device_event)
        self.services.devices.on_scan(self._scanned)
        if self.services.identity is not None:
            self.services.identity.subscribe(self._identity_event)
        root.add_widget(self.screens)

        self.services.status.subscribe(self._status_changed)
        self.idle = IdleWatcher(display.idle_timeout_s, display.idle_warning_s,
                                in_use=self.in_use, clear=lambda: self.end_session("idle"),
                                held=self.door_is_open,
                                warned=lambda: self.say(idle_prompt))
        self.aids = ResidentAids(self.voice, self.services.help_desk, station.hotline,
                                 self.status_bar, lambda: self.tr)
        self.screens.bind(current=lambda *_a: self.speak_screen())
        self._signage_check = Clock.schedule_interval(self._show_signage_when_idle, 1.0)
        return root

    def on_start(self) -> None:
        log.info("home screen shown (%s, %s)", self.services.config.display.orientation,
                 self.language)

    def on_stop(self) -> None:
        self._signage_check.cancel()
        if self.idle is not None:
            self.idle.stop()
        self.status_bar.stop()
        for screen in self.screens.screens:
            if isinstance(screen, KioskScreen):
                screen.reset()  # and so cancel every timer a screen holds

    # -- navigation -------------------------------------------------------------------

    # Every move keeps one rule: a screen that is neither shown nor on the way back to
    # home holds nothing a resident typed or the reader read. Leaving a screen by 返回
    # wipes it, 首页 wipes every screen and the session, and a jump that puts only home
    # behind the new screen (the door, a ticket) wipes the screens it jumped from.

    def go(self, screen: str) -> None:
        self._navigate(screen, [*self._history, self.screens.current])

    def back(self) -> None:
        if not self._history:
            self.home()
            return
        self._navigate(self._history[-1], self._history[:-1])

    def home(self) -> None:
        """首页: everything the resident entered is forgotten; their language and text
        size stay until the terminal falls idle."""
        if self._identity_prompt is not None:
            self._identity_prompt.cancel()
        self.session.clear()
        self.staff = None
        self._navigate("home", [])

    def go_to(self, screen: str) -> None:
        """Goes to ``screen`` with only home behind it (after signing in, say)."""
        self._navigate(screen, ["home"])

    def _navigate(self, screen: str, history: list[str]) -> None:
        self._history = history
        self.screens.current = screen
        if screen == "home" and not history:
            self.session.clear()
        kept = {screen, *history}
        for other in self.screens.screens:
            if other.name not in kept and isinstance(other, KioskScreen):
                other.reset()

    def ask_identity(self, title: str, on_identity: Callable[[Identity], None]) -> None:
        """Opens the 请刷身份证 prompt; ``on_identity`` gets the identity once read."""
        if self._identity_prompt is not None:
            self._identity_prompt.cancel()
        prompt = IdentityPrompt(title, on_identity)
        prompt.bind(on_dismiss=lambda *_a: setattr(self, "_identity_prompt", None))
        self._identity_prompt = prompt
        prompt.open()

    def show_door(self, started: Started, lower_wanted: bool = False) -> None:
        door = self.screens.get_screen("door")
        assert isinstance(door, DoorScreen)
        door.follow(started, lower_wanted)
        self.go_to("door")

    def show_dropoff_receipt(self, receipt: str, compartment: int) -> None:
        """A resident's drop-off is stored: its receipt stays on screen until they say
        done, and prints once (again only when they ask, the same slip)."""
        screen = self.screens.get_screen("dropoff_receipt")
        assert isinstance(screen, DropoffReceiptScreen)
        if self.screens.current == "dropoff_receipt" and screen.receipt == receipt:
            return  # already shown and printed: one receipt, one slip
        hours = self.services.settings.opening_hours()   # the center may have changed them
        slip = dropoff_receipt_slip(receipt, compartment, self.services.config.station,
                                    datetime.now().astimezone(), hours)
        screen.show(receipt, compartment, slip)
        self.go_to("dropoff_receipt")
        screen.print_receipt()

    def offer_rating(self, completed: Completed, reason: str) -> None:
        """A service ended here: the resident may rate it (好差评) on the rating screen,
        which goes home after; with nothing to rate, home at once (``reason`` for the log)."""
        # The task is over: what was entered for it (a proxy's ID number) goes now. The
        # rating needs none of it; the language and text size stay until it ends.
        if self._identity_prompt is not None:
            self._identity_prompt.cancel()
        self.session.clear()
        desk = self.services.ratings
        if desk is None:
            self.end_session(reason)
            return
        asked_on = self.screens.current

        def found(result: RatingOffer | RatingRefused | Exception) -> None:
            if self.screens.current != asked_on:
                return  # they moved on meanwhile (首页, idle): nobody to ask now
            if isinstance(result, RatingOffer) or (
                    isinstance(result, RatingRefused)
                    and result.reason == RatingRefusal.ALREADY_RATED):
                screen = self.screens.get_screen("rating")
                assert isinstance(screen, RatingScreen)
                screen.offer(result)
                self.go_to("rating")
                return
            if isinstance(result, Exception):
                log.error("no rating offered: %s", result)
            else:
                log.warning("no rating offered: %s", result.reason)
            self.end_session(reason)

        on_result(desk.offer(completed), found)

    def open_guide_item(self, item: ServiceItem) -> None:
        guide = self.services.guide
        opened = guide.open_item(item.id) if guide is not None else None
        if opened is None:
            return  # replaced by a newer catalog since the list was drawn
        screen = self.screens.get_screen("guide_item")
        assert isinstance(screen, GuideItemScreen)
        screen.show(opened)
        self.go("guide_item")

    def take_ticket(self, category_id: str, priority: bool) -> None:
        identity = self.session.get("queue_identity")
        on_result(self._queue().issue(category_id, identity, priority), self.show_ticket)

    def check_in(self, code: str) -> None:
        """An appointment QR code, from either scanner, on any resident screen."""
        on_result(self._queue().check_in_code(code), self.show_ticket)

    def show_ticket(self, result: IssuedTicket | Refused | Exception) -> None:
        screen = self.screens.get_screen("ticket")
        assert isinstance(screen, TicketScreen)
        if isinstance(result, Exception):
            log.error("no ticket issued: %s", result)
            result = Refused(TicketRefusal.FAILED)
        if isinstance(result, IssuedTicket):
            screen.show_ticket(result)
            slip = ticket_slip(result, self.services.config.station, self._queue().now(),
                               self.language)
            screen.follow(self.services.printing.submit(slip))
        else:
            screen.show_refusal(result)
        # The identity was for this ticket only.
        self.session.pop("queue_identity", None)
        self.go_to("ticket")

    def _queue(self) -> QueueDesk:
        queue = self.services.queue
        assert queue is not None, "the queue's screens and codes exist only with a queue"
        return queue

    def show_slip_on_screen(self, slip: Slip, reason: str) -> None:
        screen = self.screens.get_screen("slip")
        assert isinstance(screen, SlipScreen)
        screen.show(slip, reason)
        self.go("slip")

    def _show_signage_when_idle(self, _dt: float) -> None:
        """The public notice board takes over a home screen nobody has touched."""
        if self.screens.current != "home" or self.idle is None or self.in_use():
            return
        if self.idle.seconds_idle() >= self.services.config.guide.signage_after_s:
            self.screens.current = "signage"

    # -- the resident's session -------------------------------------------------------

    def toggle_large_text(self) -> None:
        self.text_scale = 1.0 if self.text_scale > 1 else theme.LARGE_TEXT_SCALE

    def toggle_language(self) -> None:
        self.set_language("en" if self.language == "zh_CN" else "zh_CN")

    def set_language(self, language: str) -> None:
        self.language = language
        self.tr = translator(language)

    def door_is_open(self) -> bool:
        """A locker door may stand open: its screen stays until the door is shut."""
        if not self.has_locker or self.screens.current != "door":
            return False
        door = self.screens.get_screen("door")
        return isinstance(door, DoorScreen) and door.door_may_be_open()

    def in_use(self) -> bool:
        """True while anything a resident did is still on screen."""
        return (
            self.screens.current not in ("home", "signage")
            or self.language != self.default_language
            or self.text_scale != self.default_text_scale
            or self.staff is not None
            or bool(self.session)
        )

    def end_session(self, reason: str) -> None:
        """Clears everything the last resident entered or chose, and goes home."""
        if self._identity_prompt is not None:
            self._identity_prompt.cancel()
        self.aids.forget()
        for screen in self.screens.screens:
            if isinstance(screen, KioskScreen):
                screen.reset()
        self.set_language(self.default_language)
        self.text_scale = self.default_text_scale
        self.home()
        log.info("session cleared (%s)", reason)

    # -- the voice and the help button (see resident_aids) -----------------------------

    def speak_screen(self) -> None:
        """Says what the screen shown asks for (or falls silent where it asks nothing)."""
        screen = self.screens.current_screen
        if isinstance(screen, KioskScreen):
            self.aids.say(screen.spoken)

    def say(self, compose: Callable[[Translate], str]) -> None:
        self.aids.say(compose)

    def repeat_prompt(self) -> None:
        self.aids.repeat()

    def call_for_help(self) -> None:
        self.aids.call_for_help(self.screens.current)

    # -- from other threads -----------------------------------------------------------

    @mainthread
    def _status_changed(self, snapshot: StatusSnapshot) -> None:
        self.online = snapshot.online
        self.status_bar.online = snapshot.online

    @mainthread
    def _locker_update(self, update: OperationUpdate) -> None:
        door = self.screens.get_screen("door")
        if isinstance(door, DoorScreen):
            door.update(update)

    @mainthread
    def _identity_event(self, event: IdentityEvent) -> None:
        """A card read goes to the prompt that asked for it, a staff badge to the sign-in
        screen, and anything else is dropped on the spot."""
        if self._identity_prompt is not None:
            self._identity_prompt.handle(event)
            return
        screen = self.screens.current_screen
        if isinstance(event, BadgePresented) and hasattr(screen, "badge_presented"):
            screen.badge_presented(event.uid_hash)

    @mainthread
    def _scanned(self, text: str) -> None:
        """A code from the QR scanner goes to the screen that asked for one; a pickup QR
        shown at any resident screen starts a pickup."""
        if self.door_is_open():
            return  # one door at a time: the open one is what the screen is about
        screen = self.screens.current_screen
        handler = getattr(screen, "handle_scan", None)
        if handler is not None and handler(text):
            return
        if self.has_queue and looks_like_appointment(text) and self.staff is None:
            self.check_in(text)
            return
        if self.has_locker and text.startswith(QR_PREFIX) and self.staff is None:
            self.go("pickup")
            pickup = self.screens.get_screen("pickup")
            assert isinstance(pickup, PickupScreen)
            pickup.handle_scan(text)

    @mainthread
    def _device_event(self, text: str) -> None:
        panel = self.screens.get_screen("simulator")
        if isinstance(panel, SimulatorPanelScreen):
            panel.note_event(text)
