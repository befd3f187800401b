"""The public pages of the quarterly publication (no sign-in): a district's published
quarters, one quarter's page and its PDF. Only what was published is shown, and only the
snapshot kept when it was (anonymised when it was made); a quarter not published is 404,
whoever asks."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from center.fleet.models import Station, Terminal
from center.publication.models import Publication
from center.publication.page_context import page_numbers_css, report_context
from center.publication.pdf import publication_pdf
from center.publication.publishing import district_name, newest_publication, newest_publications
from center.publication.quarters import Quarter


@login_not_required
@require_GET
def quarters(request: HttpRequest, district: str) -> HttpResponse:
    publications = newest_publications(district)
    if not publications and not _known(district):
        raise Http404(pgettext("publication", "No such district."))
    return render(request, "publication/public_list.html", {
        "district": district,
        "district_name": publications[0].snapshot["district_name"] if publications
        else district_name(district),
        "publications": [{"publication": p, "label": Quarter(p.year, p.quarter).label()}
                         for p in publications],
        "page_numbers": page_numbers_css()})


@login_not_required
@require_GET
def quarter(request: HttpRequest, district: str, slug: str) -> HttpResponse:
    publication = _published(district, slug)
    return render(request, "publication/public_quarter.html",
                  report_context(publication.snapshot, publication))


@login_not_required
@require_GET
def quarter_pdf(request: HttpRequest, district: str, slug: str) -> HttpResponse:
    publication = _published(district, slug)
    response = HttpResponse(publication_pdf(request, publication),
                            content_type="application/pdf")
    response["Content-Disposition"] = (f'inline; filename="{district}-{publication.slug}'
                                       f'-v{publication.version}.pdf"')
    return response


def _published(district: str, slug: str) -> Publication:
    found = Quarter.parse(slug)
    publication = newest_publication(district, found) if found else None
    if publication is None:
        raise Http404(pgettext("publication", "This quarter has not been published."))
    return publication


def _known(district: str) -> bool:
    return Station.objects.filter(district=district).exists() or \
        Terminal.objects.filter(district=district).exists()
