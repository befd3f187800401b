"""What the terminal says aloud at each step (语音播报), as English message ids that the
app speaks in Mandarin, whatever language the screen shows: the voice is for those
who cannot read the screen, and the station's voice is Mandarin.

No Kivy here, so tests can list every prompt and check each has a translation.
"""

from __future__ import annotations

from kiosk.i18n import Translate

# Screens with one thing to say on arrival. Staff screens, the notice board and home
# say nothing: a terminal that talks to an empty hall is noise.
SCREEN_PROMPTS = {
    "pickup": "Please enter the 8-digit pickup code and press Open door, or tap Use ID card.",
    "proxy": "Collecting for someone else: please read your own ID card, or type your own "
             "ID number.",
    "dropoff": "To leave papers for the staff, choose the size of compartment.",
    "queue": "Please choose the service you came for to take a number.",
    "guide": "Choose how to look up what to bring and where to go.",
    "help": "If you need a hand, tap Call for help at the top of the screen.",
}


def spelled(text: str) -> str:
    """One character at a time, so a TTS reads 261205001 as digits, not as a number."""
    return " ".join(text)


def ticket_prompt(tr: Translate, label: str, ahead: int, windows_line: str) -> str:
    said = tr("Your number is {number}.").format(number=spelled(label))
    if ahead == 0:
        said += " " + tr("Nobody ahead of you: no wait")
    else:
        said += " " + tr("{ahead} people ahead of you.").format(ahead=ahead)
    return f"{said} {windows_line}".strip()


def receipt_prompt(tr: Translate, receipt: str, compartment: int) -> str:
    return tr("Your papers are in compartment {number}. Your receipt number is {receipt}. "
              "Please keep the receipt.").format(number=compartment,
                                                 receipt=spelled(receipt))


def idle_prompt(tr: Translate) -> str:
    return tr("Are you still there? Touch the screen to carry on.")
