"""What every screen offers the app."""

from __future__ import annotations

from kivy.uix.screenmanager import Screen


class KioskScreen(Screen):
    def reset(self) -> None:
        """Forgets everything a resident entered or saw here. Called when a session ends."""
