"""Results of service calls, delivered on the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from kivy.clock import Clock

T = TypeVar("T")


def on_result(future: Future[T], callback: Callable[[T | Exception], None]) -> None:
    """Calls ``callback`` on the Kivy thread with the result, or with the exception."""

    def done(finished: Future[T]) -> None:
        error = finished.exception()
        value: T | Exception = error if isinstance(error, Exception) else finished.result()
        Clock.schedule_once(lambda _dt: callback(value))

    future.add_done_callback(done)
