"""Chinese SMS text rules: 70 characters in one segment, parts of 67 beyond, the signature
in 【】 in front, templates filled by name and never reworded."""

from __future__ import annotations

import pytest

from center.sms.text import SmsTextError, render, segments, template_fields, utf16_units

TEMPLATE = "您在{station}的办件结果已放入智能柜（{size}），取件码{code}，请于{deadline}前领取。"


@pytest.mark.parametrize(("length", "parts"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_segments_follow_the_ucs2_limits(length, parts):
    assert segments("办" * length) == parts


def test_a_character_outside_the_bmp_takes_two_units():
    assert utf16_units("办😀") == 3
    assert segments("办" * 69 + "😀") == 2


def test_a_notice_is_signed_and_filled():
    text = render("花山镇便民服务站", TEMPLATE, {"station": "花山镇便民服务站", "size": "中格",
                                          "code": "12345678", "deadline": "12月8日18:00"})
    assert text == ("【花山镇便民服务站】您在花山镇便民服务站的办件结果已放入智能柜（中格），"
                    "取件码12345678，请于12月8日18:00前领取。")
    assert segments(text) == 1


@pytest.mark.parametrize(("signature", "template", "values", "why"), [
    ("花山镇【便民】", TEMPLATE, {}, "signature"),
    ("花", TEMPLATE, {}, "signature"),
    ("花山镇", TEMPLATE, {"station": "x"}, "missing code, deadline, size"),
    ("花山镇", "取件码{code}", {"code": "1", "name": "x"}, "unknown name"),
    ("花山镇", "【花山镇】取件码{code}", {"code": "1"}, "holds no 【】"),
    ("花山镇", "取件码{0}", {}, "plain name"),
    ("花山镇", "取件码{code!r}", {"code": "1"}, "plain name"),
    ("花山镇", "办" * 540 + "{code}", {"code": "1"}, "shorten the template"),
])
def test_what_cannot_be_sent_is_refused_with_the_reason(signature, template, values, why):
    with pytest.raises(SmsTextError, match=why.replace("【", "【").replace("】", "】")):
        render(signature, template, values)


def test_template_fields():
    assert template_fields(TEMPLATE) == {"station", "size", "code", "deadline"}
