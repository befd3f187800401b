"""请刷身份证: asks for an ID card (or a social-security card) wherever identity is needed.

On success it shows the masked name, then hands the identity to whoever asked and forgets
it. Each failure gets a plain sentence saying what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.modalview import ModalView

from kiosk.services.identity import Identity
from kiosk.services.identity_source import (
    IdentityEvent,
    IdentityPresented,
    IdentityRefused,
)
from kiosk.ui.identity_text import refusal_message

# Long enough to read the name back, short enough not to keep anyone waiting.
CONFIRM_S = 1.2



class IdentityPrompt(ModalView):
    title = StringProperty("")
    message = StringProperty("")
    confirmed = BooleanProperty(False)

    def __init__(self, title: str, on_identity: Callable[[Identity], None],
                 **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.title = title
        self._on_identity = on_identity
        self._identity: Identity | None = None

    def handle(self, event: IdentityEvent) -> None:
        tr = App.get_running_app().tr
        if self.confirmed:
            return
        if isinstance(event, IdentityPresented):
            self._identity = event.identity
            self.confirmed = True
            name = event.identity.masked_name or event.identity.masked_id_number
            self.message = tr("Card read: {name}").format(name=name)
            Clock.schedule_once(lambda _dt: self._finish(), CONFIRM_S)
        elif isinstance(event, IdentityRefused):
            self.message = tr(refusal_message(event.code))

    def _finish(self) -> None:
        identity, self._identity = self._identity, None
        self.dismiss()
        if identity is not None:
            self._on_identity(identity)

    def cancel(self) -> None:
        self._identity = None
        self.dismiss()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
