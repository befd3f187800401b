"""Every text a resident can see exists in Simplified Chinese."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.i18n import translator
from kiosk.ui.alarm_text import ALARM_TEXT, DEVICE_NAMES
from kiosk.ui.guide_text import BROWSE_KINDS, HANDLING_NAMES, LEVEL_NAMES
from kiosk.ui.identity_text import REFUSALS
from kiosk.ui.queue_text import PRINT_RESULTS
from kiosk.ui.refusal_text import LOCKER_REFUSALS, SIGN_IN_REFUSALS, TICKET_REFUSALS
from kiosk.ui.slip_text import SLIP_REASONS
from kiosk.ui.spoken_text import SCREEN_PROMPTS

REPO = Path(__file__).resolve().parents[1]
# tr("...") with Python's implicit concatenation of adjacent string literals.
TR_CALL = re.compile(r'\btr\(((?:\s*"(?:[^"\\]|\\.)*"\s*)+)')
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
SIM_LABEL = re.compile(r'SimAction\(\s*"[a-z_]+",\s*"([^"]+)"')


def msgids_in_source() -> set[str]:
    found: set[str] = set()
    for path in [*REPO.glob("kiosk/**/*.py"), *REPO.glob("kiosk/**/*.kv")]:
        for literals in TR_CALL.findall(path.read_text(encoding="utf-8")):
            found.add("".join(LITERAL.findall(literals)))
    for path in REPO.glob("devices/**/*.py"):
        found.update(SIM_LABEL.findall(path.read_text(encoding="utf-8")))
    found.update(ALARM_TEXT.values())  # translated where they are shown
    found.update(DEVICE_NAMES.values())
    found.update(REFUSALS.values())
    for table in (LEVEL_NAMES, HANDLING_NAMES, BROWSE_KINDS):
        found.update(table.values())
    found.update(SLIP_REASONS.values())
    found.update(TICKET_REFUSALS.values())
    found.update(LOCKER_REFUSALS.values())
    found.update(SIGN_IN_REFUSALS.values())
    found.update(PRINT_RESULTS.values())
    found.update(SCREEN_PROMPTS.values())
    return found


def test_every_message_has_a_chinese_translation():
    chinese = translator("zh_CN")
    msgids = msgids_in_source()
    assert len(msgids) > 20
    untranslated = sorted(m for m in msgids if chinese(m) == m)
    assert untranslated == []


def test_placeholders_survive_translation():
    chinese = translator("zh_CN")
    for msgid in msgids_in_source():
        assert set(re.findall(r"{\w+}", chinese(msgid))) == set(re.findall(r"{\w+}", msgid)), msgid


def test_english_is_the_message_ids():
    assert translator("en")("Back") == "Back"
    assert translator("zh_CN")("Back") == "返回"
