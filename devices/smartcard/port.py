"""The port every card-reader adapter implements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol

from devices.health import HealthReporter
from devices.progress import ProgressBeat


@dataclass(frozen=True)
class SocialSecurityCard:
    """社会保障卡 fields read from EF05/EF06. Reprs of personal fields are masked."""

    card_number: str = field(repr=False)      # 卡号
    id_number: str = field(repr=False)        # 社会保障号码 (the ID number)
    name: str = field(repr=False)             # 姓名, decoded from GBK
    sex: str = ""                             # "1" / "2" where the card has it
    birth: date | None = field(default=None, repr=False)
    version: str = ""                         # 规范版本, e.g. "2.00", "3.00"
    region: str = ""                          # first 6 characters of 卡识别码


CardKind = Literal["badge", "social_security", "unknown"]


@dataclass(frozen=True)
class CardPresented:
    """A card arrived. ``uid`` is the contactless UID (None for contact cards);
    ``social_security`` is filled when the card answered as a 社会保障卡."""

    reader: str
    atr: bytes
    uid: bytes | None
    kind: CardKind = "unknown"
    social_security: SocialSecurityCard | None = None
    error: str = ""                           # why a card that looked readable was not


@dataclass(frozen=True)
class CardRemoved:
    reader: str


CardListener = Callable[[CardPresented | CardRemoved], None]


class CardReader(Protocol):
    health: HealthReporter
    progress: ProgressBeat  # beaten by the worker thread's every turn

    def on_card(self, listener: CardListener) -> None:
        """Calls ``listener`` on the reader's worker thread when a card comes or goes."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None: ...
