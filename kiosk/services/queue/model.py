"""What the queue is made of, as the UI and the window clients see it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from kiosk.config.weekly_hours import WeeklyHours

TicketState = Literal["waiting", "called", "finished", "no_show", "expired"]
Source = Literal["touch", "appointment"]

# Call order within the windows serving a category: lower first, then first come.
RANK_PRIORITY = 0      # 帮办代办 priority (aged 65 or more), or an appointment that has it
RANK_APPOINTMENT = 1   # checked in with an appointment
RANK_WALK_IN = 2


@dataclass(frozen=True)
class Ticket:
    id: int
    day: str
    category: str
    label: str
    rank: int
    state: TicketState
    source: Source
    issued_at: str
    window: int | None
    recalls: int
    transferred_from: str | None

    @property
    def priority(self) -> bool:
        return self.rank == RANK_PRIORITY


@dataclass(frozen=True)
class IssuedTicket:
    ticket: Ticket
    category_name: str
    ahead: int
    estimate_min: int
    status_url: str
    windows: tuple[int, ...] = ()   # the windows that serve its category
    rating_url: str = ""            # the phone's rating page once served; "" for none


class TicketRefusal(StrEnum):
    """Why no ticket was issued; the words for each are in kiosk/ui/refusal_text.py."""

    CLOSED = "closed"                        # the queue is not open now
    HAS_TICKET = "has_ticket"                # this resident already holds one
    NO_PRIORITY = "no_priority"              # priority asked for, not offered
    UNKNOWN_CATEGORY = "unknown_category"    # the queue went away since the screen was drawn
    USED_APPOINTMENT = "used_appointment"
    WRONG_DAY = "wrong_day"                  # an appointment for another day
    INVALID_APPOINTMENT = "invalid_appointment"
    FAILED = "failed"                        # the terminal could not issue it (a fault)


@dataclass(frozen=True)
class Refused:
    """Why no ticket was issued, with what the words about it need."""

    reason: TicketRefusal
    category_name: str = ""
    ticket_label: str = ""   # has_ticket: the one they already hold
    hours: WeeklyHours | None = None   # closed: when it is open


@dataclass(frozen=True)
class CategoryNow:
    """A category as the take-a-number screen shows it."""

    id: str
    name: str
    description: str
    prefix: str
    open: bool
    waiting: int
    estimate_min: int
    hours: WeeklyHours       # its own sessions, or the station's staffed hours in force
    assisted: bool


@dataclass(frozen=True)
class Call:
    """A call or recall: what the display shows and the voice says. ``id`` increases
    with every call, so a display asks for the calls after the last one it showed."""

    id: int
    label: str
    window: int
    recall: bool
    at: str


@dataclass(frozen=True)
class CategorySummary:
    category: str
    name: str
    issued: int
    served: int
    no_shows: int
    expired: int
    average_wait_min: float | None
    longest_wait_min: float | None
    average_handling_min: float | None


@dataclass(frozen=True)
class DaySummary:
    day: str
    categories: tuple[CategorySummary, ...]

    @property
    def issued(self) -> int:
        return sum(c.issued for c in self.categories)


class QueueError(Exception):
    """A window asked for something the queue cannot do (no current ticket, say)."""
