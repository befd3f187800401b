"""The approved SMS templates of the pickup notices, read from CENTER_SMS_TEMPLATES_FILE
(config/center/sms.toml) and checked whole when read: every kind present, only the fields
its notice fills, the signature as carriers take it. A file that fails is refused with the
template and the problem named, so a bad edit stops the sender at start, not a resident's
notice at 3 a.m."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from center.pickup.models import NoticeKind
from center.sms.text import SmsTextError, check_signature, render, template_fields

# The fields each kind's notice fills; a template may use fewer, never others.
FIELDS: dict[str, set[str]] = {
    NoticeKind.STORED: {"station", "size", "code", "deadline", "link"},
    NoticeKind.REISSUED: {"station", "size", "code", "deadline", "link"},
    NoticeKind.DAY_BEFORE: {"station", "size", "code", "deadline", "link"},
    NoticeKind.OVERDUE: {"station", "size", "deadline"},
    NoticeKind.PROXY_COLLECTED: {"station", "at"},
}
SIZES = {"S": "小格", "M": "中格", "L": "大格"}


class TemplatesError(ValueError):
    """The templates file cannot be used; the message names the file and the template."""


@dataclass(frozen=True)
class Template:
    kind: str
    template_id: str
    text: str


@dataclass(frozen=True)
class Templates:
    signature: str
    by_kind: dict[str, Template]

    def notice_text(self, kind: str, values: dict[str, str]) -> str:
        template = self.by_kind[kind]
        used = template_fields(template.text)
        return render(self.signature, template.text,
                      {name: value for name, value in values.items() if name in used})


def load_templates(path: Path | str) -> Templates:
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise TemplatesError(f"{path}: cannot read the SMS templates ({error})") from None
    unknown = set(document) - {"signature", "templates"}
    if unknown:
        raise TemplatesError(f"{path}: unknown keys {', '.join(sorted(unknown))}")
    try:
        signature = check_signature(str(document.get("signature", "")))
    except SmsTextError as error:
        raise TemplatesError(f"{path}: {error}") from None
    tables = document.get("templates", {})
    missing = set(FIELDS) - set(tables)
    if missing:
        raise TemplatesError(f"{path}: no template for {', '.join(sorted(missing))}")
    templates: dict[str, Template] = {}
    for kind, table in tables.items():
        if kind not in FIELDS:
            raise TemplatesError(f"{path}: [templates.{kind}] is not a notice this center "
                                 f"sends ({', '.join(sorted(FIELDS))})")
        if not isinstance(table, dict) or set(table) != {"id", "text"}:
            raise TemplatesError(f"{path}: [templates.{kind}] needs exactly id and text")
        text, template_id = str(table["text"]), str(table["id"])
        try:
            extra = template_fields(text) - FIELDS[kind]
            if extra:
                raise SmsTextError(f"the {kind} notice has no {', '.join(sorted(extra))}")
            render(signature, text, {name: "x" * 12 for name in template_fields(text)})
        except SmsTextError as error:
            raise TemplatesError(f"{path}: [templates.{kind}]: {error}") from None
        templates[kind] = Template(kind, template_id, text)
    return Templates(signature, templates)
