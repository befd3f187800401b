"""What residents are told when no ticket is issued (English message ids; no Kivy here,
so tests can check every text has a translation)."""

from __future__ import annotations

from kiosk.i18n import Translate

PRINT_RESULTS = {
    "printed": "Please take your ticket from the slot below.",
    "not_printed": "The ticket could not be printed. Please remember your number, or take a "
                   "photo of this screen.",
}


def windows_text(windows: tuple[int, ...], tr: Translate) -> str:
    """Where the resident will be called, as the ticket slip says it: 请到 1、2 号窗口办理."""
    if not windows:
        return ""
    if len(windows) == 1:
        return tr("You will be served at window {number}").format(number=windows[0])
    numbers = str(windows[0])
    for number in windows[1:]:
        numbers = tr("{earlier}, {later}").format(earlier=numbers, later=number)
    return tr("You will be served at windows {numbers}").format(numbers=numbers)
