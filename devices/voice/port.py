"""The port every voice adapter implements."""

from __future__ import annotations

from typing import Protocol

from devices.health import HealthReporter


class Announcer(Protocol):
    health: HealthReporter

    def say(self, text: str) -> None:
        """Queues ``text``; returns at once. Announcements are spoken one after another,
        in the order given, never over each other."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None: ...
