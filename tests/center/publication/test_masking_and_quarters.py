"""What staff wrote for the public, masked before it is published (numbers however they are
split or spelt, plates, names before a title), and only that: never a step's own text;
quarters by their address and bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from center.fleet.models import Terminal
from center.publication.case_rows import public_case, quarter_cases
from center.publication.masking import mask_numbers
from center.publication.quarters import Quarter
from center.ratings import cases
from center.ratings.models import CaseStep, Rating
from tests.fixtures.center_people import make_people
from tests.fixtures.rating_cases import case_of, keep_bad_rating


@pytest.mark.parametrize(("written", "published"), [
    ("已电话联系 13800138000 说明", "已电话联系 ＊＊＊ 说明"),
    ("电话 138 0013 8000 已回复", "电话 ＊＊＊ 已回复"),
    ("+86 138-0013-8000", "＊＊＊"),
    ("身份证 11010119900307123X 核对", "身份证 ＊＊＊ 核对"),
    ("办件号 XC20261205001 已取", "办件号 XC＊＊＊ 已取"),
    ("座机 0917-3456789", "座机 ＊＊＊"),                 # groups adding up to 7+ digits
    ("座机 (010) 6552 1234 转", "座机 ＊＊＊ 转"),
    ("电话 010.6552.1234", "电话 ＊＊＊"),
    ("证件 110101 1990.03.07 123X", "证件 ＊＊＊"),
    ("号码 [138]-0013-8000", "号码 ＊＊＊"),
    ("共 12 3 个", "共 12 3 个"),                           # 3 digits: a count stays
    ("壹叁捌零零壹叁捌零零零", "＊＊＊"),                 # financial numerals
    ("壹叁捌 零零壹叁 捌零零零", "＊＊＊"),
    ("叁个工作日", "叁个工作日"),
    ("车牌 京A·12345 的车主", "车牌 ＊＊＊ 的车主"),
    # A name before 先生, 女士, 师傅 or 同志: the name masked, the title kept.
    ("已向王先生说明", "已向＊＊＊先生说明"),
    ("张小明女士已到窗口", "＊＊＊女士已到窗口"),
    ("告知李师傅和欧阳娜娜同志", "告知＊＊＊师傅和＊＊＊同志"),
    ("已向这位先生和该女士道歉", "已向这位先生和该女士道歉"),
    ("１３８００１３８０００", "＊＊＊"),                 # full-width digits
    ("幺三八零零一三八零零零", "＊＊＊"),                 # spelt in Chinese numerals
    # Dates, times and counts stay.
    ("2026-12-05 14:30 整改完毕，共 3 个窗口", "2026-12-05 14:30 整改完毕，共 3 个窗口"),
    ("2026.12.05 与 2026年12月5日 10:30 到 11:00", "2026.12.05 与 2026年12月5日 10:30 到 11:00"),
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


@pytest.mark.django_db
def test_a_published_case_shows_only_the_words_written_for_the_public():
    staff = make_people()
    terminal = Terminal.objects.create(district="xc", terminal_id="xc-hsz-01",
                                       station=staff.station)
    now = timezone.now()
    fixed = case_of(keep_bad_rating(terminal, "d-1", now))
    cases.verify(fixed, staff.admin, "核实属实", now=now)
    cases.handle(fixed, staff.admin, "fix_by", "王建国先生反映京A·12345 停车难，电话 13800138000",
                 days=5, public="已在站前增设临时停车位，联系李师傅 138 0013 8000", now=now)
    cases.rectified(fixed, staff.admin, "住址：花山镇幸福路 8 号", now=now)
    explained = case_of(keep_bad_rating(terminal, "d-2", now))
    cases.verify(explained, staff.admin, "核实", now=now)
    cases.handle(explained, staff.admin, "explain", "张女士的材料不全，已解释", now=now)

    rows = {row["number"]: row for row in
            (public_case(case) for case in quarter_cases(Rating.objects.all(), "default"))}

    assert rows[fixed.number]["answers"] == ["已在站前增设临时停车位，联系＊＊＊师傅 ＊＊＊"]
    # Nothing written for the public: the handling's words only.
    assert (rows[explained.number]["handling"], rows[explained.number]["answers"]) == (
        "explain", [])
    stored = CaseStep.objects.get(case=fixed, action="handled")
    assert stored.detail["public"] == "已在站前增设临时停车位，联系李师傅 138 0013 8000"
    assert "public" not in CaseStep.objects.get(case=fixed, action="rectified").detail
