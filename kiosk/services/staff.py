"""Staff sign-in with a PIN (until badges land with the identity work).

PINs are stored as scrypt hashes made by `kiosk staff hash-pin`; wrong PINs in a row lock
sign-in for a while, and every attempt is audited."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from enum import StrEnum

from kiosk.config.schema import StaffMemberConfig
from kiosk.services.audit import record
from kiosk.services.worker import ServiceWorker
from kiosk.store import Store

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
WRONG_PINS_BEFORE_LOCKOUT = 5
LOCKOUT_S = 120


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return (f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$"
            f"{base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}")


def pin_matches(pin: str, stored: str) -> bool:
    _, n, r, p, salt, digest = stored.split("$")
    computed = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                              p=int(p))
    return hmac.compare_digest(computed, base64.b64decode(digest))


@dataclass(frozen=True)
class StaffMember:
    id: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class SignInRefusal(StrEnum):
    WRONG = "wrong"                      # a PIN nobody (or not this badge's holder) has
    LOCKED = "locked"                    # too many wrong PINs: wait locked_for_s
    UNKNOWN_BADGE = "unknown_badge"      # a badge not enrolled at this terminal


@dataclass(frozen=True)
class SignInRefused:
    reason: SignInRefusal
    locked_for_s: float = 0.0


class StaffDirectory:
    def __init__(self, members: tuple[StaffMemberConfig, ...], store: Store,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._members = members
        self._store = store
        self._clock = clock
        self._wrong = 0
        self._locked_until = 0.0
        # scrypt takes a moment on purpose: the touch screen's sign-ins run here.
        self._checks = ServiceWorker("staff-sign-in")

    def needs_badge(self, badge_hash: str | None) -> bool:
        """Whether a PIN alone is not enough: every member with a badge must show it."""
        return badge_hash is None and all(m.badge_hash for m in self._members)

    def check(self, pin: str, badge_hash: str | None = None
              ) -> Future[StaffMember | SignInRefused]:
        """`sign_in` on the directory's own thread, for the touch screen."""
        return self._checks.submit(self.sign_in, pin, badge_hash)

    def close(self) -> None:
        self._checks.stop()

    def sign_in(self, pin: str, badge_hash: str | None = None) -> StaffMember | SignInRefused:
        """With a badge, the PIN must be that badge holder's. Without one, only members
        who have no badge enrolled may sign in with their PIN."""
        now = self._clock()
        if now < self._locked_until:
            return SignInRefused(SignInRefusal.LOCKED, self._locked_until - now)
        if badge_hash is not None:
            candidates = [m for m in self._members if m.badge_hash == badge_hash]
            if not candidates:
                with self._store.transaction() as db:
                    record(db, "unknown", "staff.sign_in_refused", detail={"reason": "badge"})
                return SignInRefused(SignInRefusal.UNKNOWN_BADGE)
        else:
            candidates = [m for m in self._members if not m.badge_hash]
        for member in candidates:
            if pin_matches(pin, member.pin_hash):
                self._wrong = 0
                with self._store.transaction() as db:
                    record(db, member.id, "staff.sign_in",
                           detail={"method": "badge+pin" if badge_hash else "pin"})
                return StaffMember(member.id, member.role)
        self._wrong += 1
        locked = 0.0
        if self._wrong >= WRONG_PINS_BEFORE_LOCKOUT:
            self._locked_until = now + LOCKOUT_S
            self._wrong = 0
            locked = float(LOCKOUT_S)
        with self._store.transaction() as db:
            record(db, "unknown", "staff.sign_in_refused", detail={"locked_for_s": locked})
        return SignInRefused(SignInRefusal.LOCKED if locked else SignInRefusal.WRONG, locked)
