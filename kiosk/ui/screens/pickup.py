"""取件: a resident collects a result with the 8-digit code or the QR code."""

from __future__ import annotations

import math
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.services.identity import Identity
from kiosk.services.locker.model import Refused, Started
from kiosk.ui.futures import on_result
from kiosk.ui.refusal_text import lockout_text, refusal_text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons, keypad  # noqa: F401  (classes used in the .kv)


class PickupScreen(KioskScreen):
    message = StringProperty("")
    checking = BooleanProperty(False)
    proxy = BooleanProperty(False)
    # Whole seconds the keypad stays locked after too many wrong codes; while above zero
    # the keypad is off and the message counts down (the card way stays open).
    locked_s = NumericProperty(0)

    def on_pre_enter(self, *_args: object) -> None:
        app = App.get_running_app()
        self.proxy = app.session.get("proxy_id_number") is not None
        self._count_down()
        Clock.schedule_interval(self._count_down, 1.0)

    def on_leave(self, *_args: object) -> None:
        Clock.unschedule(self._count_down)

    def _count_down(self, *_args: object) -> None:
        locker = App.get_running_app().services.locker
        if locker is not None:
            on_result(locker.keypad_locked_for(), self._show_lockout)

    def _show_lockout(self, locked_for: float | Exception) -> None:
        app = App.get_running_app()
        if isinstance(locked_for, Exception):
            return      # the next second asks again; a code typed meanwhile is checked anyway
        was_locked = self.locked_s > 0
        self.locked_s = math.ceil(locked_for)
        if self.locked_s > 0:
            self.message = lockout_text(app.tr, self.locked_s)
        elif was_locked:
            self.message = ""            # over: the keypad is back

    def submit(self) -> None:
        self.submit_code(self.ids.keypad.value, via="code")

    def submit_code(self, code: str, via: str) -> None:
        app = App.get_running_app()
        if self.checking or app.services.locker is None:
            return
        self.checking = True
        self.message = app.tr("Checking…")
        proxy = app.session.get("proxy_id_number")
        future = (app.services.locker.pickup(code, via=via, proxy_id_number=proxy)
                  if via == "code" else
                  app.services.locker.pickup_with_qr(code, proxy_id_number=proxy))
        on_result(future, self._answered)

    def ask_for_card(self) -> None:
        app = App.get_running_app()
        app.ask_identity(app.tr("Collect with your ID card"), self._identified)

    def _identified(self, identity: Identity) -> None:
        app = App.get_running_app()
        if self.checking or app.services.locker is None:
            return
        self.checking = True
        self.message = app.tr("Checking…")
        on_result(app.services.locker.pickup_with_identity(identity), self._answered)

    def handle_scan(self, text: str) -> bool:
        self.submit_code(text, via="qr")
        return True

    def _answered(self, result: Started | Refused | Exception) -> None:
        app = App.get_running_app()
        self.checking = False
        self.ids.keypad.value = ""
        if isinstance(result, Started):
            self.message = ""
            app.show_door(result)
            return
        self.message = refusal_text(app.tr, result)
        app.say(lambda tr: refusal_text(tr, result))
        if isinstance(result, Refused) and result.locked_for_s > 0:
            self.locked_s = math.ceil(result.locked_for_s)

    def reset(self) -> None:
        self.ids.keypad.value = ""
        self.message = ""
        self.checking = False
        self.locked_s = 0


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
