"""Translations through gettext. Message ids are English; zh_CN is the default language.

Catalogs live in kiosk/locale/<lang>/LC_MESSAGES/kiosk.po and are compiled to .mo by
`make` (msgfmt). English needs no catalog: its text is the message ids themselves.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from pathlib import Path

DOMAIN = "kiosk"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("zh_CN", "en")

Translate = Callable[[str], str]


class MissingCatalog(RuntimeError):
    pass


def translator(language: str) -> Translate:
    if language == "en":
        return gettext.NullTranslations().gettext
    try:
        catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
    except FileNotFoundError:
        source = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        raise MissingCatalog(
            f"the {language} translations are not compiled ({source.with_suffix('.mo')} is "
            "missing): run `make install`, which runs msgfmt"
        ) from None
    return catalog.gettext
