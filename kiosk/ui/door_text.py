"""What the person at the locker reads (and hears) on the door screen: what to do while
the door is open, how long before staff are told, and how it ended (no Kivy here, so tests
can produce the same words without a window)."""

from __future__ import annotations

from kiosk.i18n import Translate


def help_line(tr: Translate, hotline: str) -> str:
    """Where to get help: the station's hotline if it has one, else the windows."""
    if hotline:
        return tr("For help, call {phone}.").format(phone=hotline)
    return tr("For help, ask the staff at the windows.")


def not_opened_text(tr: Translate, purpose: str, number: int, hotline: str
                    ) -> tuple[str, str]:
    """The headline and what to do now, for a door operation that ended jammed, failed
    or abandoned."""
    headline = tr("Door {number} did not open.").format(number=number)
    if purpose in ("pickup", "retrieve"):
        detail = tr("The staff have been told. Your document is safe inside. "
                    "Please collect it at the windows during staffed hours.")
    else:
        detail = tr("The staff have been told. Nothing was stored.")
    return headline, f"{detail} {help_line(tr, hotline)}"


def open_text(tr: Translate, purpose: str, number: int) -> str:
    """What to do while the door stands open."""
    return {
        "pickup": tr("Door {number} is open. Please take your document and close the door."),
        "deposit": tr("Door {number} is open. Put the document in and close the door."),
        "dropoff": tr("Door {number} is open. Put your papers in and close the door."),
        "retrieve": tr("Door {number} is open. Take the item out and close the door."),
        "maintenance": tr("Door {number} is open for maintenance. Close it when done."),
    }[purpose].format(number=number)


def countdown_text(tr: Translate, left_s: int, alarm_min: int) -> str:
    """How long before an open door calls the staff, and once it has, that it did."""
    if left_s > 0:
        return tr("If the door is still open in {time}, the staff will be told.").format(
            time=f"{left_s // 60}:{left_s % 60:02d}")
    return tr("The door has been open for {minutes} minutes and the staff have been told. "
              "Please close it.").format(minutes=alarm_min)


def completed_text(tr: Translate, purpose: str, outcome: str | None, number: int,
                   call: str) -> tuple[str, str]:
    """The headline and what comes next, once the door is shut again."""
    if outcome == "collected":
        return tr("Done. Please take your document with you."), ""
    if outcome == "item_left":
        return (tr("Something is still in compartment {number}.").format(number=number),
                tr("If it is yours, enter your code again to reopen the door.") + " " + call)
    if outcome == "stored" and purpose == "dropoff":
        return (tr("Stored in compartment {number}.").format(number=number),
                tr("The staff will deal with your papers during staffed hours."))
    if outcome == "stored":
        return (tr("Stored in compartment {number}.").format(number=number),
                tr("The district service center sends the pickup code to the applicant."))
    if outcome == "empty":
        return (tr("Nothing was detected in the compartment, so nothing was stored."),
                tr("To try again, tap Try again. If you do not want to leave anything, "
                   "tap Done."))
    if outcome == "retrieved":
        return tr("Taken out of compartment {number}.").format(number=number), ""
    return tr("Door {number} is closed.").format(number=number), ""
