"""The port every ID-card reader adapter implements, and what it reports.

The card's text block holds a name and an ID number. They live in memory only as long as
the identity service needs them; their reprs are masked, so an accidental log line or
traceback cannot print them, and raw frames carrying them never reach the traffic log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol

from devices.health import HealthReporter
from devices.progress import ProgressBeat

CardType = Literal["resident", "hk_mo_tw", "foreign"]   # 居民身份证, 'J' 居住证, 'I' 永久居留证


@dataclass(frozen=True)
class IdCardText:
    """The decoded 256-byte text block, as the card states it (not yet validated)."""

    card_type: CardType
    name: str = field(repr=False)
    sex: str                       # "1" male, "2" female, as on the card
    nation_code: str               # two digits ("01" 汉); "" where the card type has none
    birth: date = field(repr=False)
    address: str = field(repr=False)
    id_number: str = field(repr=False)
    authority: str
    valid_from: date
    valid_to: date | None          # None: 长期 (valid for life)
    pass_number: str = field(default="", repr=False)   # 'J' cards: the travel permit number


@dataclass(frozen=True)
class CardRead:
    text: IdCardText
    photo: bytes = field(repr=False)   # 1024 bytes of WLT; only the licensed decoder reads it
    raw_length: int = 0                # bytes in the reply frame, for logs and benchmarks
    monotonic: float = 0.0             # time.monotonic() when the reply was complete


@dataclass(frozen=True)
class CardLeft:
    """The reader no longer finds the card. A real SAM stops finding a card as soon as it
    has read it, until the card is lifted and placed again, so this marks the end of a
    placement's read, not proof that the card was taken away."""


@dataclass(frozen=True)
class ReadFailed:
    """A card could not be read, or the reader itself failed (silent, sam_fault). ``reason``
    is a plain sentence for the log and
    ``code`` a short key the UI maps to its own words: select_failed, read_failed,
    checksum, truncated, unknown_card, sam_fault, silent."""

    code: str
    reason: str


IdCardEvent = CardRead | CardLeft | ReadFailed
IdCardListener = Callable[[IdCardEvent], None]


class IdCardReader(Protocol):
    health: HealthReporter
    progress: ProgressBeat  # beaten by the worker thread's every turn

    def on_card(self, listener: IdCardListener) -> None:
        """Called on the reader's worker thread for each placement, read failure and removal."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None: ...
