"""What residents are told when no ticket is issued (English message ids; no Kivy here,
so tests can check every text has a translation)."""

from __future__ import annotations

TICKET_REFUSALS = {
    "closed": "{category} is not open now. It is open {hours}; the service guide and the "
              "document locker work at any hour.",
    "has_ticket": "You already hold ticket {ticket} for {category}. Please wait to be called.",
    "no_priority": "Priority tickets are for residents aged 65 or more.",
    "unknown_category": "That queue no longer exists. Please choose again.",
    "used_appointment": "This appointment has already been checked in.",
    "wrong_day": "This appointment is for another day.",
    "invalid_appointment": "This appointment code cannot be used here. Please ask the staff.",
}

PRINT_RESULTS = {
    "printed": "Please take your ticket from the slot below.",
    "not_printed": "The ticket could not be printed. Please remember your number, or take a "
                   "photo of this screen.",
}
