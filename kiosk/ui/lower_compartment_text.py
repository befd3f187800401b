"""What staff read after storing a result marked for a lower compartment (no Kivy here, so
tests can produce the same words without a window)."""

from __future__ import annotations

from kiosk.i18n import Translate


def lower_notice_text(tr: Translate, number: int, placed_low: bool) -> str:
    """Whether the door that opened is a lower one, or that none was free."""
    if placed_low:
        return tr("Compartment {number} is a lower one, within reach from a "
                  "wheelchair.").format(number=number)
    return tr("No lower compartment was free. Compartment {number} is higher up: help the "
              "applicant when they come to collect it.").format(number=number)
