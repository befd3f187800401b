"""What staff wrote on a case, made fit to publish: what could name a resident is masked.
Staff write the public words of an answer in free text (the forms warn them) and sometimes
still copy a phone number, an ID number, a plate or a name into it; none of those may reach
the public page.

Masked are:

- digits adding up to seven or more, in one run or in groups split by spaces, dots,
  brackets or dashes (ID and case numbers, landlines such as (010) 6552-1234, a mobile
  written 138 0013 8000 or +86 138-0013-8000);
- seven or more Chinese numerals, plain or financial (一三八〇〇…, 壹叁捌…), in a row or
  split the same way: how a number is sometimes spelled to slip past such checks;
- a car's plate (京A·12345);
- a name before 先生, 女士, 师傅 or 同志 (王先生 becomes ＊＊＊先生): one of the commoner
  surnames and up to two characters after it. 这位先生, 该女士 stay.

Dates (2026-12-05, 2026.12.05, 2026年12月5日), times (10:30) and short counts stay."""

from __future__ import annotations

import re

MASK = "＊＊＊"

# What splits a number into groups: spaces, dots, brackets and dashes, half or full width.
_SPLIT = r"[\s.．·()（）\[\]【】\-－—–]{1,3}"
_CHINESE_NUMERALS = "〇零一二三四五六七八九幺壹贰貳叁參肆伍陆陸柒捌玖两"
_TITLES = "先生|女士|师傅|同志"
# The commoner single and double surnames: a name is what follows one of them.
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
             "蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱"
             "江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤常温康施文牛樊葛邢"
             "安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅"
             "童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾"
             "尤阳穆农卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
             "佟臧闵苟邬边卞姬仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
_DOUBLE_SURNAMES = "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|令狐|夏侯"

# A date or a time standing alone, not a group of a longer number (110101 1990.01.01 123X).
_DATE = re.compile(r"(?<!\d)(?<!\d[\s.．\-－])"
                   r"(?:\d{4}(?:[-/.．]\d{1,2}[-/.．]\d{1,2}|年\d{1,2}月(?:\d{1,2}日)?)"
                   r"(?:\s*\d{1,2}[:：]\d{2})?|\d{1,2}[:：]\d{2})(?![\s.．\-－]?\d)")
# A mainland plate: province, letter, five or six letters and digits (京A·12345, 粤B D12345).
_PLATE = re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
                    r"\s?[A-Za-z][\s·•.\-]?[A-Za-z0-9]{5,6}(?![A-Za-z0-9])")
_DIGITS = re.compile(rf"(?:[+＋]|[(（\[【])?\d(?:(?:{_SPLIT})?\d)*[Xx]?")
_SPELLED = re.compile(rf"[{_CHINESE_NUMERALS}](?:(?:{_SPLIT})?[{_CHINESE_NUMERALS}])*")
_NAMED = re.compile(rf"(?:{_DOUBLE_SURNAMES}|[{_SURNAMES}])[\u4e00-\u9fff]{{0,2}}?"
                    rf"(?={_TITLES})")


def mask_numbers(text: str) -> str:
    """``text`` with numbers and names that could identify someone masked."""
    dates: list[str] = []

    def keep_date(found: re.Match[str]) -> str:
        # Set aside behind a character that is neither a digit nor a separator, so a date
        # is not counted into a number's digits; put back at the end.
        dates.append(found.group())
        return chr(0xE000 + len(dates) - 1)

    text = _PLATE.sub(MASK, text)
    text = _DATE.sub(keep_date, text)
    text = _DIGITS.sub(lambda found: _masked_if(found, r"\d"), text)
    text = _SPELLED.sub(lambda found: _masked_if(found, f"[{_CHINESE_NUMERALS}]"), text)
    text = _NAMED.sub(MASK, text)
    for index, date in enumerate(dates):
        text = text.replace(chr(0xE000 + index), date)
    return text


def _masked_if(found: re.Match[str], digit: str) -> str:
    """The mask when the match holds seven or more digits, else the match as it was."""
    return MASK if len(re.findall(digit, found.group())) >= 7 else found.group()
