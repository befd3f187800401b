"""What staff wrote, masked before it is published; quarters by their address and bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from center.publication.masking import mask_numbers
from center.publication.quarters import Quarter


@pytest.mark.parametrize(("written", "published"), [
    ("已电话联系 13800138000 说明", "已电话联系 ＊＊＊ 说明"),
    ("电话 138 0013 8000 已回复", "电话 ＊＊＊ 已回复"),
    ("+86 138-0013-8000", "＊＊＊"),
    ("身份证 11010119900307123X 核对", "身份证 ＊＊＊ 核对"),
    ("办件号 XC20261205001 已取", "办件号 XC＊＊＊ 已取"),
    ("座机 0917-3456789", "座机 0917-＊＊＊"),
    ("１３８００１３８０００", "＊＊＊"),                 # full-width digits
    ("幺三八零零一三八零零零", "＊＊＊"),                 # spelt in Chinese numerals
    # Dates, times and counts stay.
    ("2026-12-05 14:30 整改完毕，共 3 个窗口", "2026-12-05 14:30 整改完毕，共 3 个窗口"),
    ("案卷 123456 号", "案卷 123456 号"),
])
def test_numbers_that_could_name_a_resident_are_masked(written, published):
    assert mask_numbers(written) == published


def test_a_quarter_by_its_address_and_its_bounds():
    quarter = Quarter.parse("2026Q4")
    assert quarter == Quarter(2026, 4)
    assert quarter.slug == "2026q4"
    assert (quarter.first_day, quarter.last_day) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter.start == timezone.make_aware(datetime(2026, 10, 1))
    assert quarter.end == timezone.make_aware(datetime(2027, 1, 1))
    assert (quarter.previous(), quarter.next()) == (Quarter(2026, 3), Quarter(2027, 1))
    assert Quarter(2026, 1).last_day == date(2026, 3, 31)
    for wrong in ("2026q5", "2026q0", "26q1", "2026-q1", "1999q1", ""):
        assert Quarter.parse(wrong) is None


def test_only_a_quarter_that_is_over_is_over():
    quarter = Quarter(2026, 4)
    assert not quarter.is_over(datetime(2026, 12, 5, tzinfo=UTC))
    assert quarter.is_over(quarter.end)
    assert Quarter.containing(timezone.make_aware(datetime(2026, 9, 30, 23, 59))) == \
        Quarter(2026, 3)


def test_a_quarter_in_words():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert Quarter(2026, 4).label() == "2026年第四季度"
