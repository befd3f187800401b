"""What the locker service tells its callers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Size = Literal["S", "M", "L"]
SIZES: tuple[Size, ...] = ("S", "M", "L")

Purpose = Literal["deposit", "pickup", "dropoff", "retrieve", "maintenance"]


@dataclass(frozen=True)
class Compartment:
    number: int
    bus: str
    board: int
    lock: int
    size: Size


@dataclass(frozen=True)
class Started:
    """A door is being opened for the caller; updates follow for ``operation_id``."""

    operation_id: int
    compartment: int
    purpose: Purpose


class LockerRefusal(StrEnum):
    WRONG_CODE = "wrong_code"            # no deposit has that code (tries_left says more)
    LOCKED = "locked"                    # the keypad is locked after wrong codes
    EXPIRED = "expired"                  # the code's deadline passed: staff have the papers
    MALFORMED = "malformed"              # not an 8-digit code, or no case number
    BAD_ID_NUMBER = "bad_id_number"      # a proxy's or applicant's ID number fails its check
    NO_COMPARTMENT = "no_compartment"    # none free of the size asked for
    NOT_FOUND = "not_found"              # nothing for this card, deposit or compartment
    DEVICE = "device"                    # the lock board cannot open it now
    BUSY = "busy"                        # that compartment is being opened already


@dataclass(frozen=True)
class Refused:
    """Nothing was opened, and why; the words for each reason are in
    kiosk/ui/refusal_text.py."""

    reason: LockerRefusal
    tries_left: int = 0
    locked_for_s: float = 0.0
    detail: str = ""


@dataclass(frozen=True)
class OperationUpdate:
    """A door operation moved on. ``state`` is one of: unlock_sent, open, completed,
    jammed, failed, abandoned. ``outcome`` says how a completed one ended: stored, empty,
    collected, item_left, retrieved, closed."""

    operation_id: int
    compartment: int
    purpose: Purpose
    state: str
    outcome: str | None = None
    receipt: str | None = None
    replacement: int | None = None   # another compartment opened instead of a jammed one
    replacement_operation: int | None = None


@dataclass(frozen=True)
class DepositView:
    id: str
    kind: str
    compartment: int
    case_number: str | None
    receipt: str | None
    stored_at: str | None
    due_at: str | None
    overdue: bool
