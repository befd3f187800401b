"""Every screen a resident can call for help from has a plain Chinese name for the staff,
and the call display's banner words it (自助终端有人需要帮助（取件）)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.i18n import translator
from kiosk.ui.help_steps import STEP_NAMES, help_banner, step_name

SCREENS = Path(__file__).resolve().parents[2] / "kiosk" / "ui" / "screens"
# Not the terminal's: the call display is its own app, the panel is the demo's.
NOT_A_STEP = {"call_display", "simulator"}


def screen_names() -> set[str]:
    names: set[str] = set()
    for path in SCREENS.glob("*.kv"):
        names.update(re.findall(r'^\s+name: "([a-z_]+)"', path.read_text(encoding="utf-8"),
                                re.MULTILINE))
    return names


def test_every_screen_of_the_terminal_has_a_step_name():
    assert screen_names() - NOT_A_STEP - set(STEP_NAMES) == set()
    assert len(screen_names()) > 15


def test_every_step_name_is_translated():
    chinese = translator("zh_CN")
    assert sorted(m for m in set(STEP_NAMES.values()) if chinese(m) == m) == []


@pytest.mark.parametrize(("screen", "banner"), [
    ("pickup", "自助终端有人需要帮助（取件）"),
    ("dropoff", "自助终端有人需要帮助（存件）"),
    ("ticket", "自助终端有人需要帮助（取号）"),
    ("guide_item", "自助终端有人需要帮助（办事指南）"),
    ("door", "自助终端有人需要帮助（柜门）"),
    ("a_new_screen", "自助终端有人需要帮助"),
    ("", ""),
])
def test_the_banner_names_the_step_in_chinese(screen, banner):
    assert help_banner(translator("zh_CN"), screen) == banner


def test_english_words_the_same_steps():
    english = translator("en")
    assert help_banner(english, "pickup") == ("Someone at the self-service terminal needs "
                                              "help (collecting a document)")
    assert step_name(english, "unknown") == ""
