"""Why a slip is shown on screen instead of printed (English message ids; no Kivy here,
so tests can check every text has a translation)."""

from __future__ import annotations

SLIP_REASONS = {
    "paper_out": "The printer has run out of paper. Take a photo of this page, or scan "
                 "the code with your phone.",
    "no_printer": "This terminal has no printer. Take a photo of this page, or scan the "
                  "code with your phone.",
    "failed": "The printer is not working. Take a photo of this page, or scan the code "
              "with your phone.",
}


def slip_reason_message(reason: str) -> str:
    """The message id the slip screen shows for a PrintOutcome ``reason``; a reason it has
    no words of its own for (offline, not_responding, unreachable) reads as "not working"."""
    return SLIP_REASONS.get(reason, SLIP_REASONS["failed"])
