"""A publication as a PDF: the public page's own template and stylesheet, rendered by
WeasyPrint with the print rules (A4, the title on every page, page numbers). The charts are
the page's inline SVG. A publication never changes, so each PDF is made once per language
and kept in the cache."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import get_language
from weasyprint import HTML  # type: ignore[import-untyped]

from center.publication.models import Publication
from center.publication.page_context import inline_stylesheet, report_context
from center.reports.pdf_fetch import fetch_nothing

KEEP_SECONDS = 24 * 3600


def publication_pdf(request: HttpRequest, publication: Publication) -> bytes:
    key = (f"publication-pdf:{publication.pk}:{publication.published_at.timestamp()}:"
           f"{get_language()}")
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    context = report_context(publication.snapshot, publication)
    context["inline_css"] = inline_stylesheet()
    html = render_to_string("publication/public_quarter.html", context, request=request)
    # Nothing outside the page is fetched: the stylesheet is inline, the charts are SVG.
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/"),
               url_fetcher=fetch_nothing).write_pdf()
    cache.set(key, pdf, KEEP_SECONDS)
    return bytes(pdf)

