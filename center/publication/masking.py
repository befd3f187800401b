"""What staff wrote on a case, made fit to publish: numbers that could name a resident are
masked. Staff answer bad ratings in free text and sometimes copy a phone number, an ID
number or a case number into it; none of those may reach the public page.

Masked are any run of seven or more digits (ID and case numbers, landlines, a mobile
written straight), a mobile number written with spaces or dashes (138 0013 8000, +86
138-0013-8000), and seven or more Chinese numerals in a row (一三八〇〇一三…, how a number
is sometimes spelled to slip past such checks). Dates, times and short counts stay."""

from __future__ import annotations

import re

MASK = "＊＊＊"

# \d matches full-width digits (１３８…) too.
# Long runs first: a mobile-looking part of an ID number must not leave the rest behind.
_PATTERNS = (
    re.compile(r"\d{7,}[Xx]?"),
    # A mainland mobile number, its groups separated or not, with or without +86.
    re.compile(r"(?:(?:\+|＋)?86[\s\-－]?)?1[3-9]\d(?:[\s\-－]?\d){8}"),
    re.compile(r"[〇零一二三四五六七八九幺]{7,}"),
)


def mask_numbers(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return text
