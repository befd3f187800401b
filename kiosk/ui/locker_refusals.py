"""What the person at the locker reads (and hears) when the locker says no (no Kivy
here, so tests can produce the same words without a window)."""

from __future__ import annotations

import math

from kiosk.i18n import Translate
from kiosk.services.locker.model import Refused


def refusal_text(tr: Translate, refused: Refused | Exception) -> str:
    """Why the locker said no, and what to do now."""
    if not isinstance(refused, Refused):
        return tr("Something went wrong. Please ask the staff, or try again later.")
    if refused.reason == "wrong_code":
        return tr("That code is not right. Please check it and try again "
                  "({tries} tries left).").format(tries=refused.tries_left)
    if refused.reason == "locked":
        return lockout_text(tr, math.ceil(refused.locked_for_s))
    if refused.reason == "expired":
        return tr("This code has expired. Please ask the staff: your document is kept for "
                  "you at the windows during staffed hours.")
    if refused.reason == "malformed":
        return tr("Please enter all 8 digits of the code.") if not refused.detail.startswith(
            "an ID") else tr("That ID number is not valid. Please check it.")
    if refused.reason == "device":
        return tr("The locker cannot open right now. The staff have been told.")
    if refused.reason == "not_found":
        return tr("Nothing is waiting for this card. If you have a pickup code, please enter "
                  "it.")
    if refused.reason == "no_compartment":
        return tr("There is no free compartment right now. Please come back during staffed "
                  "hours.")
    return tr("Something went wrong. Please ask the staff, or try again later.")


def lockout_text(tr: Translate, seconds: int) -> str:
    # The lockout is the keypad's, not the resident's: the card way stays open.
    return tr("Too many wrong codes. Please try again in {seconds} seconds, or collect "
                  "with your ID card now.").format(seconds=seconds)
