"""The port every card-reader adapter implements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from devices.health import HealthReporter


@dataclass(frozen=True)
class CardPresented:
    """A card arrived. ``uid`` is the contactless UID, None for contact cards."""

    reader: str
    atr: bytes
    uid: bytes | None


@dataclass(frozen=True)
class CardRemoved:
    reader: str


CardListener = Callable[[CardPresented | CardRemoved], None]


class CardReader(Protocol):
    health: HealthReporter

    def on_card(self, listener: CardListener) -> None:
        """Calls ``listener`` on the reader's worker thread when a card comes or goes."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None: ...
