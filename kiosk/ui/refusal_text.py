"""What a resident reads (and hears) when the terminal says no: to a ticket, at the locker.
Every refusal's words are here, keyed by the services' typed reasons; no Kivy, so tests can
produce the same words without a window."""

from __future__ import annotations

import math

from kiosk.i18n import Translate
from kiosk.services.locker.model import LockerRefusal, Refused
from kiosk.services.opening_hours_text import describe_hours
from kiosk.services.queue.model import Refused as TicketRefused
from kiosk.services.queue.model import TicketRefusal
from kiosk.services.staff import SignInRefusal, SignInRefused

SOMETHING_WENT_WRONG = "Something went wrong. Please ask the staff, or try again later."

TICKET_REFUSALS: dict[TicketRefusal, str] = {
    TicketRefusal.CLOSED: "{category} is not open now. It is open {hours}; the service guide "
                          "and the document locker work at any hour.",
    TicketRefusal.HAS_TICKET: "You already hold ticket {ticket} for {category}. Please wait "
                              "to be called.",
    TicketRefusal.NO_PRIORITY: "Priority tickets are for residents aged 65 or more.",
    TicketRefusal.UNKNOWN_CATEGORY: "That queue no longer exists. Please choose again.",
    TicketRefusal.USED_APPOINTMENT: "This appointment has already been checked in.",
    TicketRefusal.WRONG_DAY: "This appointment is for another day.",
    TicketRefusal.INVALID_APPOINTMENT: "This appointment code cannot be used here. Please ask "
                                       "the staff.",
    TicketRefusal.FAILED: SOMETHING_WENT_WRONG,
}


def ticket_refusal_text(tr: Translate, refused: TicketRefused) -> str:
    """Why no ticket was issued, and what to do now."""
    return tr(TICKET_REFUSALS[TicketRefusal(refused.reason)]).format(
        category=refused.category_name, ticket=refused.ticket_label,
        hours=describe_hours(refused.hours, tr) if refused.hours is not None else "")


LOCKER_REFUSALS: dict[LockerRefusal, str] = {
    LockerRefusal.WRONG_CODE: "That code is not right. Please check it and try again "
                              "({tries} tries left).",
    # The lockout is the keypad's, not the resident's: the card way stays open.
    LockerRefusal.LOCKED: "Too many wrong codes. Please try again in {seconds} seconds, or "
                          "collect with your ID card now.",
    LockerRefusal.EXPIRED: "This code has expired. Please ask the staff: your document is "
                           "kept for you at the windows during staffed hours.",
    LockerRefusal.MALFORMED: "Please enter all 8 digits of the code.",
    LockerRefusal.BAD_ID_NUMBER: "That ID number is not valid. Please check it.",
    LockerRefusal.NO_COMPARTMENT: "There is no free compartment right now. Please come back "
                                  "during staffed hours.",
    LockerRefusal.NOT_FOUND: "Nothing is waiting for this card. If you have a pickup code, "
                             "please enter it.",
    LockerRefusal.DEVICE: "The locker cannot open right now. The staff have been told.",
    LockerRefusal.BUSY: SOMETHING_WENT_WRONG,
}


def refusal_text(tr: Translate, refused: Refused | Exception) -> str:
    """Why the locker said no, and what to do now."""
    if not isinstance(refused, Refused):
        return tr(SOMETHING_WENT_WRONG)
    return tr(LOCKER_REFUSALS[LockerRefusal(refused.reason)]).format(
        tries=refused.tries_left, seconds=math.ceil(refused.locked_for_s))


def lockout_text(tr: Translate, seconds: int) -> str:
    return tr(LOCKER_REFUSALS[LockerRefusal.LOCKED]).format(seconds=seconds)


SIGN_IN_REFUSALS: dict[SignInRefusal, str] = {
    SignInRefusal.WRONG: "Wrong PIN.",
    SignInRefusal.LOCKED: "Too many wrong PINs. Try again in {seconds} seconds.",
    SignInRefusal.UNKNOWN_BADGE: "This badge is not enrolled at this terminal.",
}


def sign_in_refusal_text(tr: Translate, refused: SignInRefused | Exception) -> str:
    """Why a member of staff was not signed in."""
    if not isinstance(refused, SignInRefused):
        return tr(SOMETHING_WENT_WRONG)
    return tr(SIGN_IN_REFUSALS[SignInRefusal(refused.reason)]).format(
        seconds=math.ceil(refused.locked_for_s))
