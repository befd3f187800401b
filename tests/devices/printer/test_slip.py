"""The printer-neutral slip model, and how its text is laid out on paper."""

from __future__ import annotations

import pytest

from devices.printer.escpos_render import ReceiptLayout, printed_lines
from devices.printer.slip import MAX_QR_BYTES, Qr, Rule, Slip, Spacer, Text, plain_lines
from devices.printer.text_layout import columns_of, encode, printable, wrap

NOTICE = Slip((
    Text("一次性告知单", size="title", bold=True, align="center"),
    Rule(),
    Text("事项：城乡居民养老保险参保登记\n收费：免费"),
    Spacer(2),
    Qr("https://zwfw.example.gov.cn/g/1", caption="扫码查看办事指南"),
))


def test_plain_lines_flatten_every_block():
    assert plain_lines(NOTICE, rule_width=8) == [
        "一次性告知单", "--------", "事项：城乡居民养老保险参保登记", "收费：免费", "", "",
        "[QR] https://zwfw.example.gov.cn/g/1", "扫码查看办事指南",
    ]
    assert NOTICE.title == "一次性告知单"
    assert NOTICE.qr_codes == (Qr("https://zwfw.example.gov.cn/g/1", "扫码查看办事指南"),)


def test_blocks_are_checked_when_made():
    with pytest.raises(ValueError, match="text size 'huge'"):
        Text("x", size="huge")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="alignment 'right'"):
        Text("x", align="right")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs data"):
        Qr("")
    with pytest.raises(ValueError, match="short link"):
        Qr("码" * (MAX_QR_BYTES // 3 + 1))
    with pytest.raises(ValueError, match="1 to 10 lines"):
        Spacer(0)
    with pytest.raises(TypeError, match="tuple"):
        Slip([Rule()])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a slip block"):
        Slip(("text",))  # type: ignore[arg-type]


def test_slips_are_frozen_values():
    assert Slip((Text("a"), Rule())) == Slip((Text("a"), Rule()))
    with pytest.raises(AttributeError):
        NOTICE.blocks = ()  # type: ignore[misc]


def test_two_byte_characters_take_two_columns():
    assert columns_of("ABC") == 3
    assert columns_of("中文") == 4
    # Full-width punctuation, ￥ and 〇 are two-byte GB characters; so is '—', although
    # Unicode calls it ambiguous.
    assert columns_of("，￥〇—") == 8


def test_yen_sign_becomes_the_full_width_form_and_controls_are_dropped():
    assert printable("¥12.00") == "￥12.00"
    assert encode(printable("¥")) == b"\xa3\xa4"
    # An ESC inside slip text would reach the printer as a command.
    assert printable("A\x1bd\x05B\tC") == "AdB    C"


def test_gbk_firmware_gets_a_box_for_characters_it_lacks():
    rare = "\U00020000"     # CJK Extension B: four bytes in GB18030, absent from GBK
    assert printable(f"张{rare}", "gb18030") == f"张{rare}"
    assert printable(f"张{rare}", "gbk") == "张□"


def test_wrapping_counts_han_as_two_columns():
    lines = wrap("请携带本人身份证原件、户口簿原件及复印件到窗口办理，办理时限为5个工作日。", 32)
    assert lines == ["请携带本人身份证原件、户口簿原件", "及复印件到窗口办理，办理时限为5",
                     "个工作日。"]
    assert all(columns_of(line) <= 32 for line in lines)


def test_wrapping_breaks_english_at_spaces_and_splits_only_overlong_words():
    assert wrap("Please bring your ID card and the household register.", 32) == [
        "Please bring your ID card and", "the household register."]
    assert wrap("https://zwfw.example.gov.cn/guide/item/1234567890", 32) == [
        "https://zwfw.example.gov.cn/guid", "e/item/1234567890"]


def test_closing_punctuation_never_starts_a_line_and_money_stays_whole():
    assert wrap("一二三四五，六", 10) == ["一二三四", "五，六"]
    assert wrap("费用：￥12.00（免费）", 12) == ["费用：", "￥12.00（免", "费）"]


def test_empty_lines_are_kept():
    assert wrap("a\n\nb", 32) == ["a", "", "b"]
    assert wrap("", 32) == [""]


@pytest.mark.parametrize(("paper", "size", "columns"), [
    (58, "normal", 32), (58, "large", 32), (58, "title", 16),
    (80, "normal", 48), (80, "title", 24),
])
def test_line_width_follows_the_paper_and_the_text_size(paper, size, columns):
    layout = ReceiptLayout(paper_width_mm=paper)
    lines = printed_lines("办" * 40, size, layout)
    assert columns_of(lines[0]) == columns
    assert "".join(lines) == "办" * 40
