"""Turns card-reader events into identities (or plain refusals) and staff badges.

The device adapters report what a card says; this validates it (GB 11643, birth date,
expiry) and hands the UI one kind of event whatever the card. Nothing here stores or logs
personal data: logs say which kind of card was read, never whose.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from devices.idcard.port import CardLeft, CardRead, IdCardEvent, ReadFailed
from devices.smartcard.port import CardPresented, CardRemoved
from kiosk.services.identity import (
    Identity,
    IdentityError,
    identity_from_id_card,
    identity_from_social_security,
)
from kiosk.services.keys import KeyedHash

log = logging.getLogger("kiosk.identity")


@dataclass(frozen=True)
class IdentityPresented:
    identity: Identity


@dataclass(frozen=True)
class IdentityRefused:
    """``code``: invalid_number, birth_mismatch, expired, unsupported, or a reader's code
    (select_failed, read_failed, checksum, truncated, unknown_card, sam_fault, silent,
    unreadable)."""

    code: str


@dataclass(frozen=True)
class BadgePresented:
    uid_hash: str


@dataclass(frozen=True)
class CardTakenAway:
    pass


IdentityEvent = IdentityPresented | IdentityRefused | BadgePresented | CardTakenAway
IdentityListener = Callable[[IdentityEvent], None]


class IdentitySource:
    def __init__(self, keyed_hash: KeyedHash, today: Callable[[], date] = date.today) -> None:
        self._keyed = keyed_hash
        self._today = today
        self._listeners: list[IdentityListener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: IdentityListener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def id_card_event(self, event: IdCardEvent) -> None:
        """Listener for an IdCardReader."""
        if isinstance(event, CardLeft):
            # A SAM stops finding a card once it has read it, whether or not the card is
            # still there: this says the reader is done with it, not that it was lifted.
            return
        if isinstance(event, ReadFailed):
            log.info("ID card not read: %s", event.code)
            self._emit(IdentityRefused(event.code))
        elif isinstance(event, CardRead):
            try:
                identity = identity_from_id_card(event.text, self._today())
            except IdentityError as error:
                log.info("ID card refused: %s", error.code)
                self._emit(IdentityRefused(error.code))
                return
            log.info("ID card read (%s)", identity.card_type)
            self._emit(IdentityPresented(identity))

    def smartcard_event(self, event: CardPresented | CardRemoved) -> None:
        """Listener for a CardReader (PC/SC)."""
        if isinstance(event, CardRemoved):
            self._emit(CardTakenAway())
            return
        if event.kind == "social_security" and event.social_security is not None:
            try:
                identity = identity_from_social_security(event.social_security, self._today())
            except IdentityError as error:
                log.info("social-security card refused: %s", error.code)
                self._emit(IdentityRefused(error.code))
                return
            log.info("social-security card read")
            self._emit(IdentityPresented(identity))
        elif event.kind == "badge" and event.uid is not None:
            self._emit(BadgePresented(self.badge_hash(event.uid)))
        else:
            log.info("card not usable: %s", event.error or "not a badge or social-security card")
            self._emit(IdentityRefused("unreadable"))

    def badge_hash(self, uid: bytes) -> str:
        return self._keyed("staff-badge", uid.hex())

    def _emit(self, event: IdentityEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:
                log.exception("an identity listener failed")
