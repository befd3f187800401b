"""One named thread that runs a service's calls in turn, for callers that must not wait.

The concurrency contract of the services the touch screen calls: anything that reads or
writes the database or talks to a device is handed to the service's own worker and answered
with a `concurrent.futures.Future`; the UI takes the result on its own thread
(`kiosk/ui/futures.py`). Answers held in memory (the catalog, a search, the configuration,
the staffed hours in force) stay plain calls. One thread per service keeps each service's
calls in the order they were made, as a resident made them.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class ServiceWorker:
    def __init__(self, name: str) -> None:
        self.name = name
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    def submit(self, call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        return self._executor.submit(call, *args, **kwargs)

    def stop(self) -> None:
        """Finishes the calls already asked for, then ends the thread."""
        self._executor.shutdown(wait=True)
