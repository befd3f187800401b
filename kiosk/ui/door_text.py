"""What the person at the locker reads when a door did not open (no Kivy here, so tests
can produce the same words without a window)."""

from __future__ import annotations

from collections.abc import Callable

Translate = Callable[[str], str]


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
