"""The 'still there?' prompt shown before an idle terminal clears a resident's session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import NumericProperty
from kivy.uix.modalview import ModalView


class IdlePrompt(ModalView):
    seconds_left = NumericProperty(0)
    # No fade: when the session is cleared, nothing of it may linger on screen.
    _anim_duration = 0

    def __init__(self, seconds: int, on_expire: Callable[[], None], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.seconds_left = seconds
        self._on_expire = on_expire
        self._ticker = Clock.schedule_interval(self._tick, 1)

    def _tick(self, _dt: float) -> None:
        self.seconds_left -= 1
        if self.seconds_left <= 0:
            self._ticker.cancel()
            self.dismiss()
            self._on_expire()

    def keep_going(self) -> None:
        self._ticker.cancel()
        self.dismiss()

    def on_dismiss(self) -> None:
        self._ticker.cancel()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
