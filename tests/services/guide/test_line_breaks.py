"""Long titles break into lines a reader expects: no lone character on the last line,
after punctuation where that still fills the line, words and numbers kept whole."""

from __future__ import annotations

import pytest

from devices.printer.text_layout import columns_of, wrap
from kiosk.services.guide.catalog import load_catalog
from kiosk.services.guide.line_breaks import break_lines, has_widow, with_line_breaks
from tests.fixtures.configs import SHIPPED_CATALOG


def greedy(text: str, width: int) -> list[str]:
    """What wrapping at the last character that fits gives (a Kivy label, a printer)."""
    return [text[i:i + width] for i in range(0, len(text), width)]


def test_a_last_line_of_one_character_takes_one_more_from_the_line_before():
    title = "一二三四五六七八九十一二三四五六开柜。"
    assert greedy(title, 17)[-1] == "柜。"          # what a plain wrap leaves alone

    lines = break_lines(title, 17)

    assert lines == ["一二三四五六七八九十一二三四五六", "开柜。"]
    assert not has_widow(lines)


def test_punctuation_does_not_count_as_company_on_the_last_line():
    assert has_widow(["城乡居民最低生活保障待遇申", "请。"])
    assert not has_widow(["城乡居民最低生活保障待遇", "申请。"])
    assert not has_widow(["一行就够"])


def test_a_break_after_punctuation_is_preferred_while_the_line_stays_well_filled():
    title = "城乡居民基本养老保险缴费、补费、领取人员年审"
    assert greedy(title, 15)[0] == "城乡居民基本养老保险缴费、补费"

    assert break_lines(title, 15) == ["城乡居民基本养老保险缴费、", "补费、领取人员年审"]
    assert break_lines(title, 20) == ["城乡居民基本养老保险缴费、补费、", "领取人员年审"]
    # Breaking after 、 would leave the first line less than half full: not worth it.
    assert break_lines("个体工商户、灵活就业人员基本养老保险参保登记", 20)[0] == \
        "个体工商户、灵活就业人员基本养老保险参保"


def test_an_opening_bracket_starts_the_next_line_and_a_closing_one_never_does():
    title = "乡村建设规划许可证（仅针对村庄规划区内使用原有宅基地的项目）"

    lines = break_lines(title, 12)

    assert lines[0] == "乡村建设规划许可证"
    assert lines[1].startswith("（")
    assert all(not line.startswith("）") and not line.endswith("（") for line in lines)
    assert "".join(lines) == title


def test_ascii_words_and_numbers_stay_whole():
    lines = break_lines("请拨打热线 12345-6789 或登录 www.example.cn 办理", 14)

    assert "12345-6789" in " ".join(lines).split()
    assert any("www.example.cn" in line for line in lines)
    assert all(len(line) <= 14 for line in lines)


def test_digits_with_a_thousands_comma_stay_together_but_a_comma_ending_a_clause_breaks():
    title = "每年补贴1,200元以内,按季度发放"
    assert greedy(title, 8)[0] == "每年补贴1,20"

    assert break_lines(title, 8) == ["每年补贴", "1,200元以", "内,按季度发放"]
    assert break_lines(title, 14) == ["每年补贴1,200元以内,", "按季度发放"]


def test_a_word_wider_than_the_line_breaks_inside_it_rather_than_overflowing():
    lines = break_lines("https://zwfw.example.cn/item/1", 12)

    assert all(len(line) <= 12 for line in lines)
    assert "".join(lines) == "https://zwfw.example.cn/item/1"


def test_widths_come_from_the_measure_given():
    # Printer columns: a Han character is two, an ASCII one one.
    lines = break_lines("社会保障卡申领及发放（含CT检查费用报销）", 20, columns_of)

    assert all(columns_of(line) <= 20 for line in lines)
    assert not has_widow(lines)


def test_existing_line_breaks_and_short_texts_are_kept():
    assert with_line_breaks("短标题", 10) == "短标题"
    assert with_line_breaks("第一行\n第二行", 10) == "第一行\n第二行"
    assert break_lines("", 10) == [""]


@pytest.mark.parametrize("columns", [24, 28, 32])
def test_no_item_of_the_shipped_catalog_is_printed_with_a_widow(columns):
    names = {item.name for item in load_catalog(SHIPPED_CATALOG).items}
    widowed_before = [n for n in names if has_widow(wrap(n, columns))]
    assert widowed_before, "the test needs titles that a plain wrap leaves a widow on"

    for name in names:
        lines = break_lines(name, columns, columns_of)
        assert "".join(lines).replace(" ", "") == name.replace(" ", "")
        assert all(columns_of(line) <= columns for line in lines), lines
        assert not has_widow(lines), lines
        # Never more lines than the plain wrap needs.
        assert len(lines) <= len(wrap(name, columns)), (lines, wrap(name, columns))
