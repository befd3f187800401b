"""What every rendering of a publication needs beside the snapshot's own figures: which
version it is and since when, and the printed page's numbering in the page's language."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.staticfiles import finders
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from center.publication.display import shown
from center.publication.models import Publication
from center.publication.publishing import first_published_at

STYLESHEET = "publication/report.css"


def report_context(snapshot: dict[str, Any], publication: Publication | None = None,
                   *, preview: bool = False, using: str = "default") -> dict[str, Any]:
    context = shown(snapshot)
    context.update({"preview": preview, "published": publication,
                    "first_published": None, "page_numbers": page_numbers_css()})
    if publication is not None and publication.version > 1:
        context["first_published"] = first_published_at(publication, using)
    return context


def page_numbers_css() -> SafeString:
    """The CSS `content` of the printed footer: "第 " counter(page) " 页，共 " ... in
    Chinese, from one translated sentence."""
    sentence = pgettext("publication", "Page %(page)s of %(pages)s")
    parts: list[str] = []
    for piece in re.split(r"(%\(pages?\)s)", sentence):
        if piece in ("%(page)s", "%(pages)s"):
            parts.append(f"counter({piece[2:-2]})")
        elif piece:
            parts.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"')
                         .replace("<", "\\3c ") + '"')
    return mark_safe(" ".join(parts))


def inline_stylesheet() -> SafeString:
    """The report's stylesheet, for a rendering with no web server to fetch it from (the
    PDF)."""
    path = finders.find(STYLESHEET)
    if not isinstance(path, str):
        raise FileNotFoundError(STYLESHEET)
    with open(path, encoding="utf-8") as stylesheet:
        return mark_safe(stylesheet.read())
