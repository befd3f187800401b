"""The ports voice adapters implement.

Two shapes, because two kinds of listener hear them: the waiting area hears every call in
turn (``Announcer``), while the resident at the terminal only needs the prompt of the
screen in front of them (``Speaker``): a prompt left over from the last screen is wrong.
"""

from __future__ import annotations

from typing import Protocol

from devices.health import HealthReporter
from devices.progress import ProgressBeat


class Announcer(Protocol):
    health: HealthReporter

    def say(self, text: str) -> None:
        """Queues ``text``; returns at once. Announcements are spoken one after another,
        in the order given, never over each other."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class Speaker(Protocol):
    health: HealthReporter
    progress: ProgressBeat

    def say(self, text: str) -> None:
        """Starts saying ``text`` and returns at once. Whatever was being said is cut off
        and a prompt not yet begun is dropped: only the newest prompt is ever heard."""
        ...

    def silence(self) -> None:
        """Cuts off whatever is being said; returns at once."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None:
        """Cuts off what is being said and ends the worker; no program is left running."""
        ...
