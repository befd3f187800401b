"""Watches for a terminal left alone in the middle of a resident's visit.

After idle_timeout_s without a touch it asks whether anyone is there; after a further
idle_warning_s it clears everything the resident entered and returns to the home screen.
Nothing is cleared while the app holds the screen (a locker door stands open).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.ui.widgets.idle_prompt import IdlePrompt


class IdleWatcher:
    def __init__(
        self,
        timeout_s: float,
        warning_s: int,
        in_use: Callable[[], bool],
        clear: Callable[[], None],
        held: Callable[[], bool] = lambda: False,
        warned: Callable[[], None] = lambda: None,
    ) -> None:
        self.timeout_s = timeout_s
        self.warning_s = warning_s
        self._in_use = in_use
        self._clear = clear
        self._held = held
        self._warned = warned
        # Replaceable so tests can move time on without waiting for it.
        self.now: Callable[[], float] = time.monotonic
        self._last_activity = self.now()
        self.prompt: IdlePrompt | None = None
        Window.bind(on_touch_down=self._activity, on_key_down=self._activity)
        self._check_event = Clock.schedule_interval(self._check, 0.5)

    def stop(self) -> None:
        self._check_event.cancel()
        Window.unbind(on_touch_down=self._activity, on_key_down=self._activity)

    def seconds_idle(self) -> float:
        return self.now() - self._last_activity

    def _activity(self, *_args: object) -> None:
        self._last_activity = self.now()
        # Returning None lets the touch go on to the widgets.

    def _check(self, _dt: float) -> None:
        if self.prompt is not None or not self._in_use():
            return
        if self._held():
            # Something must finish first (a door stands open): the wait starts afresh
            # when it has, so the resident gets the whole time to read what follows.
            self._last_activity = self.now()
            return
        if self.now() - self._last_activity < self.timeout_s:
            return
        if self.warning_s <= 0:
            self._expire()
            return
        self.prompt = IdlePrompt(self.warning_s, self._expire)
        self.prompt.bind(on_dismiss=self._prompt_closed)
        self.prompt.open()
        self._warned()

    def _prompt_closed(self, *_args: object) -> None:
        self.prompt = None
        self._last_activity = self.now()

    def _expire(self) -> None:
        self.prompt = None
        self._clear()
        self._last_activity = self.now()
