"""What the guide cannot tell yet is one sentence in the resident's language, naming the
elements, the window's hours and the hotline; an item names its window by queue category."""

from __future__ import annotations

import pytest

from kiosk.config.schema import OpeningSession, QueueCategory
from kiosk.i18n import translator
from kiosk.services.guide.catalog import CatalogError, parse_catalog
from kiosk.services.guide.unpublished import (
    handling_window,
    unpublished_elements,
    unpublished_statement,
    window_hours,
)
from tests.fixtures.guide_catalogs import MINIMAL

ENGLISH = translator("en")
CHINESE = translator("zh_CN")
GENERAL = QueueCategory(id="general", name="综合受理", prefix="A", windows=(1,))
INSTANT = QueueCategory(id="instant", name="即办", prefix="B", windows=(2,), sessions=(
    OpeningSession(days=(1, 2, 3, 4, 5), start="09:00", end="12:00"),))


def item(extra: str = ""):
    text = MINIMAL.replace('handling = "网办"', f'handling = "网办"\n{extra}')
    return parse_catalog(text.encode(), "t.toml").item("t-001")


def test_the_elements_a_resident_needs_are_named_when_missing():
    assert unpublished_elements(item(), CHINESE) == [
        "所需材料", "受理条件", "办理时限", "收费标准", "办理地点"]
    # One time limit is enough to plan by; a known element is not named.
    assert unpublished_elements(item('promised_time_limit = "即办"\nfees = "不收费"'),
                                ENGLISH) == ["materials to bring", "who can apply",
                                             "where to go"]


def test_in_english_it_is_one_plain_paragraph():
    text = unpublished_statement(unpublished_elements(item(), ENGLISH), ENGLISH,
                                 hours="Mon–Fri 9:00–17:00", hotline="029-12345678")

    assert text == ("Not published yet for this item: materials to bring, who can apply, "
                    "time limit, fees, where to go. Please ask at a window during staffed "
                    "hours (Mon–Fri 9:00–17:00), or call 029-12345678.")


def test_without_hours_or_hotline_it_still_points_to_the_window():
    assert unpublished_statement(["收费标准"], CHINESE, hours="", hotline="") == \
        "本事项的收费标准尚未公布。请到窗口咨询。"
    assert unpublished_statement([], CHINESE, hours="周一至周五 9:00–17:00",
                                 hotline="12345") == ""


def test_an_item_names_the_window_that_handles_it_and_its_hours_are_when_to_ask():
    named = item('queue_category = "instant"')

    window = handling_window(named, (GENERAL, INSTANT))

    assert window is INSTANT
    assert window_hours(window) is not None
    assert window_hours(GENERAL) is None           # open whenever the station is staffed
    assert handling_window(named, (GENERAL,)) is None     # not a window this station has
    assert handling_window(item(), (GENERAL, INSTANT)) is None
    assert unpublished_statement(["收费标准"], CHINESE, hours="周一至周五 9:00–12:00",
                                 hotline="", window=INSTANT) == (
        "本事项的收费标准尚未公布。请在即办窗口的办理时间（周一至周五 9:00–12:00）前往咨询。")


def test_a_queue_category_that_is_no_id_is_refused_naming_the_item():
    with pytest.raises(CatalogError, match=r"item t-001 .*queue_category"):
        item('queue_category = "即办"')
