"""What a resident cannot learn from the guide yet, said once and plainly.

The seed lists name the items but few of their elements, so most items have no published
materials, time limits or fees. Repeating "ask at the window" beside every such element
(and printing a check box beside it) buried what is known; instead the item page and the
one-time notice list what is not published in one sentence, with when the window that
handles the item is staffed and the station's hotline.

Words come through gettext (English message ids), so the screens say it in the resident's
language and the notice, always Chinese, in Chinese.
"""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.config.schema import QueueCategory
from kiosk.config.weekly_hours import WeeklyHours
from kiosk.i18n import Translate
from kiosk.services.guide.catalog import ServiceItem


def unpublished_elements(item: ServiceItem, tr: Translate) -> list[str]:
    """The elements a resident needs before coming that the catalog does not give, named
    in words. Codes, legal bases and the like are not needed to come prepared, so an empty
    one is just left out."""
    missing: list[str] = []
    if not item.materials:
        missing.append(tr("materials to bring"))
    if not item.conditions:
        missing.append(tr("who can apply"))
    # One known time limit (by law or promised) is enough to plan by.
    if not (item.legal_time_limit or item.promised_time_limit):
        missing.append(tr("time limit"))
    if not item.fees:
        missing.append(tr("fees"))
    if not item.location:
        missing.append(tr("where to go"))
    return missing


def handling_window(item: ServiceItem, windows: Sequence[QueueCategory]
                    ) -> QueueCategory | None:
    """The queue category (window type) the catalog says handles the item, if this
    terminal has it."""
    if not item.queue_category:
        return None
    return next((window for window in windows if window.id == item.queue_category), None)


def window_hours(window: QueueCategory | None) -> WeeklyHours | None:
    """The handling window's own hours; None when the station's staffed hours apply (no
    window named, or one open whenever the station is staffed)."""
    if window is None or not window.sessions:
        return None
    return WeeklyHours.from_sessions(window.sessions)


def unpublished_statement(missing: Sequence[str], tr: Translate, *, hours: str,
                          hotline: str, window: QueueCategory | None = None) -> str:
    """One paragraph: what is not published, when to ask at which window, and whom to call.
    ``hours`` are already worded (the window's own, else the station's staffed hours);
    empty ``hours`` or ``hotline`` are left out. Nothing missing: the empty string."""
    if not missing:
        return ""
    elements = missing[0]
    for element in missing[1:]:
        elements = tr("{earlier}, {later}").format(earlier=elements, later=element)
    published = tr("Not published yet for this item: {elements}.").format(elements=elements)
    if hours and window is not None:
        ask = tr("Please ask at the {window} window during its hours ({hours})").format(
            window=window.name, hours=hours)
    elif hours:
        ask = tr("Please ask at a window during staffed hours ({hours})").format(hours=hours)
    else:
        ask = tr("Please ask at a window")
    if hotline:
        ask = tr("{ask}, or call {hotline}.").format(ask=ask, hotline=hotline)
    else:
        ask = tr("{ask}.").format(ask=ask)
    return tr("{first} {second}").format(first=published, second=ask)
