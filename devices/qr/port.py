"""The port every QR scanner adapter implements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from devices.health import HealthReporter
from devices.progress import ProgressBeat


@dataclass(frozen=True)
class ScannedCode:
    """A code read by a scanner. ``text`` is decoded; ``raw`` is what came off the wire."""

    text: str
    raw: bytes
    encoding: str


@dataclass(frozen=True)
class UnreadableCode:
    """Bytes that arrived as one scan but are not text in any encoding we accept."""

    raw: bytes
    reason: str


ScanListener = Callable[[ScannedCode | UnreadableCode], None]


class QrScanner(Protocol):
    health: HealthReporter
    progress: ProgressBeat  # beaten by the worker thread's every turn

    def on_scan(self, listener: ScanListener) -> None:
        """Calls ``listener`` on the scanner's worker thread for every code read."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None: ...
