"""What the drop-off receipt screen says about printing (no Kivy here, so tests can produce
the same words without a window)."""

from __future__ import annotations

from kiosk.i18n import Translate
from kiosk.services.printing import PrintOutcome


def printed(outcome: PrintOutcome | Exception | None) -> bool:
    return isinstance(outcome, PrintOutcome) and outcome.printed


def print_status_text(tr: Translate, outcome: PrintOutcome | Exception | None) -> str:
    """``outcome`` is None while the slip is printing. When it could not be printed, the
    number on the screen is the resident's only proof: say so, and what to do with it."""
    if outcome is None:
        return tr("Printing…")
    if printed(outcome):
        return tr("Printed. Please take the receipt from the slot below.")
    reason = outcome.reason if isinstance(outcome, PrintOutcome) else "failed"
    if reason == "no_printer":
        return tr("This terminal has no printer. Please write down the receipt number or "
                  "take a photo of this screen.")
    if reason == "paper_out":
        return tr("The printer has run out of paper, so no receipt was printed. Please write "
                  "down the receipt number or take a photo of this screen.")
    return tr("The printer is not working, so no receipt was printed. Please write down the "
              "receipt number or take a photo of this screen.")
