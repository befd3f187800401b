"""What a resident is told after tapping 呼叫帮助 (no Kivy here, so tests can produce
the same words without a window)."""

from __future__ import annotations

from kiosk.i18n import Translate


def help_called_text(tr: Translate, *, staffed_now: bool, already_called: bool,
                     phone: str) -> str:
    """``phone`` is the hotline as it should be shown or spoken (empty: none)."""
    if staffed_now:
        if already_called:
            return tr("The staff have already been called and are on their way.")
        return tr("The staff have been called and will come to you.")
    said = tr("Nobody is on duty at the station now. The district service center has been "
              "told.")
    if phone:
        said += " " + tr("For help now, call {phone}.").format(phone=phone)
    return said


def help_answered_text(tr: Translate) -> str:
    return tr("A member of staff is coming.")
