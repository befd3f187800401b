"""Staff sign in with their PIN (badges come with the identity work)."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty

from kiosk.services.staff import SignInRefusal, SignInRefused, StaffMember
from kiosk.ui.futures import on_result
from kiosk.ui.refusal_text import sign_in_refusal_text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import back_bar, buttons, keypad  # noqa: F401  (classes used in the .kv)


class StaffSignInScreen(KioskScreen):
    message = StringProperty("")
    checking = BooleanProperty(False)
    badge_seen = BooleanProperty(False)
    # Whether this terminal's staff all have badges: only then is a PIN alone not enough,
    # and only then does the screen ask for the badge first.
    badge_required = BooleanProperty(False)
    _badge_hash: str | None = None

    def on_pre_enter(self, *_args: object) -> None:
        directory = App.get_running_app().staff_directory
        self.badge_required = directory is not None and directory.needs_badge(None)

    def badge_presented(self, badge_hash: str) -> None:
        self._badge_hash = badge_hash
        self.badge_seen = True
        self.message = ""

    def submit(self) -> None:
        app = App.get_running_app()
        if self.checking or app.staff_directory is None:
            return
        self.checking = True
        pin = self.ids.keypad.value
        self.ids.keypad.value = ""
        badge = self._badge_hash
        if app.staff_directory.needs_badge(badge):
            self.checking = False
            self.message = app.tr("Show your staff badge at the card reader first.")
            return
        on_result(app.staff_directory.check(pin, badge), self._answered)

    def _answered(self, result: StaffMember | SignInRefused | Exception) -> None:
        app = App.get_running_app()
        self.checking = False
        if isinstance(result, StaffMember):
            self.message = ""
            app.staff = result
            app.go_to("staff_menu")
            return
        if isinstance(result, SignInRefused) and result.reason is SignInRefusal.UNKNOWN_BADGE:
            self._badge_hash = None      # show another badge
            self.badge_seen = False
        self.message = sign_in_refusal_text(app.tr, result)

    def reset(self) -> None:
        self.ids.keypad.value = ""
        self.message = ""
        self.checking = False
        self._badge_hash = None
        self.badge_seen = False


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
