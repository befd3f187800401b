"""The text of a Chinese SMS notice: the signature, the template, and what it costs.

Mainland carriers require a leading signature in 【】 (the platform's approved name, 2 to 12
Chinese characters, letters or digits). Text goes as UCS-2: one segment holds 70
characters, and a longer text is sent as parts of 67 (six octets of each part carry the
concatenation header); the handset shows one message. Length counts the signature with
its brackets, and a character outside the Basic Multilingual Plane (an emoji) takes two
UCS-2 units. Templates are approved in advance, so the center fills named fields and never
changes the wording.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping

SINGLE_SEGMENT = 70
PART = 67
MOST_PARTS = 8          # a notice longer than this is a wording problem, not a split problem
SIGNATURE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,12}")


class SmsTextError(ValueError):
    """A signature, template or text that cannot be sent; the message says which and why."""


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-be")) // 2


def segments(text: str) -> int:
    """How many SMS the text is billed and sent as."""
    units = utf16_units(text)
    return 1 if units <= SINGLE_SEGMENT else -(-units // PART)


def check_signature(name: str) -> str:
    if not SIGNATURE.fullmatch(name):
        raise SmsTextError(f"the signature {name!r} must be 2 to 12 Chinese characters, "
                           "letters or digits, without brackets: the platform adds 【】")
    return name


def template_fields(template: str) -> set[str]:
    """The {named} fields of a template; positional or formatted fields are refused."""
    names: set[str] = set()
    for _text, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise SmsTextError(f"the template field {{{name}}} must be a plain name")
        names.add(name)
    if "【" in template or "】" in template:
        raise SmsTextError("a template holds no 【】: the signature goes in front of it")
    return names


def render(signature: str, template: str, values: Mapping[str, str]) -> str:
    """【signature】 + the template with every field filled, checked for length."""
    check_signature(signature)
    wanted = template_fields(template)
    missing, unknown = wanted - set(values), set(values) - wanted
    if missing or unknown:
        raise SmsTextError("the template's fields and the values given differ: "
                           + "; ".join(filter(None, [
                               f"missing {', '.join(sorted(missing))}" if missing else "",
                               f"unknown {', '.join(sorted(unknown))}" if unknown else ""])))
    text = f"【{signature}】" + template.format_map(dict(values))
    if segments(text) > MOST_PARTS:
        raise SmsTextError(f"the notice is {utf16_units(text)} characters, more than "
                           f"{MOST_PARTS} parts; shorten the template")
    return text
