"""The center speaks Chinese first: every string its templates and code mark for translation
has a zh_Hans translation, and none is left fuzzy."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CATALOG = REPO / "center" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def catalog() -> dict[str, str]:
    entries: dict[str, str] = {}
    for block in CATALOG.read_text(encoding="utf-8").split("\n\n"):
        assert "#, fuzzy" not in block or 'msgid ""\nmsgstr ""' in block, block
        msgid = "".join(re.findall(r'^(?:msgid )?"((?:[^"\\]|\\.)*)"$',
                                   block.split("msgstr")[0].split("msgid_plural")[0], re.M))
        msgstr = "".join(re.findall(r'^(?:msgstr(?:\[0\])? )?"((?:[^"\\]|\\.)*)"$',
                                    "msgstr" + block.split("msgstr", 1)[-1], re.M))
        if msgid:
            entries[msgid.replace('\\"', '"')] = msgstr
    return entries


def marked_in_templates() -> set[str]:
    marked: set[str] = set()
    for path in REPO.glob("center/**/templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        marked |= set(re.findall(r'{% translate "([^"]+)"', text))
        marked |= set(re.findall(r"{% translate '([^']+)'", text))
    return marked


def test_every_catalog_entry_is_translated():
    untranslated = [msgid for msgid, msgstr in catalog().items() if not msgstr]
    assert untranslated == []


def test_every_string_the_templates_mark_is_in_the_catalog():
    missing = sorted(marked_in_templates() - set(catalog()))
    assert missing == [], "run makemessages (see the catalog's header) and translate"
