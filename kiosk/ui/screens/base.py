"""What every screen offers the app."""

from __future__ import annotations

from kivy.uix.screenmanager import Screen

from kiosk.i18n import Translate
from kiosk.ui.spoken_text import SCREEN_PROMPTS


class KioskScreen(Screen):
    def spoken(self, tr: Translate) -> str:
        """What the voice says when this screen is shown ("" says nothing)."""
        prompt = SCREEN_PROMPTS.get(self.name)
        return tr(prompt) if prompt else ""

    def reset(self) -> None:
        """Forgets everything a resident entered or saw here. Called when a session ends."""
