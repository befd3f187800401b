"""The step a resident called for help from, named as staff say it (取件, 存件, 取号, ...):
the one table the call display's banner and `kiosk window` word a help request with.

The keys are the terminal's screen names (what `HelpDesk.request(screen)` records); the
values are English message ids that tr() turns into the plain Chinese name. Several screens
are one step to a resident: the guide's five screens are all 办事指南. No Kivy here, so the
window client can use it too.
"""

from __future__ import annotations

from kiosk.i18n import Translate

GUIDE = "the service guide"
STAFF = "staff tasks"

STEP_NAMES: dict[str, str] = {
    "home": "the home screen",
    "help": "the help page",
    "pickup": "collecting a document",
    "proxy": "collecting for someone else",
    "door": "the locker door",
    "dropoff": "leaving papers",
    "dropoff_receipt": "leaving papers",
    "queue": "taking a number",
    "ticket": "taking a number",
    "guide": GUIDE,
    "guide_search": GUIDE,
    "guide_groups": GUIDE,
    "guide_list": GUIDE,
    "guide_item": GUIDE,
    "slip": "a receipt on screen",
    "signage": "the notice board",
    "rating": "rating the service",
    "staff_sign_in": STAFF,
    "staff_menu": STAFF,
    "staff_deposit": STAFF,
    "staff_retrieve": STAFF,
    "staff_compartments": STAFF,
}


def step_name(tr: Translate, screen: str) -> str:
    """The step's plain name, or "" for a screen this table does not know."""
    message = STEP_NAMES.get(screen)
    return tr(message) if message else ""


def help_banner(tr: Translate, screen: str) -> str:
    """自助终端有人需要帮助（取件）; "" when nobody is waiting (``screen`` empty)."""
    if not screen:
        return ""
    step = step_name(tr, screen)
    if not step:
        return tr("Someone at the self-service terminal needs help")
    return tr("Someone at the self-service terminal needs help ({step})").format(step=step)
