"""The publication page for people signed in (/publication/): a quarter's preview, the
district administrator's publishing, and the provincial export for administrators and
viewers. A station manager reads the preview of their stations' districts and has no
control; other districts are 404 to them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from center.accounts.roles import DISTRICT_ADMIN, VIEWER, role_of
from center.audit.log import record
from center.catalog.access import visible_districts
from center.publication.export import as_csv, as_json, export_rows
from center.publication.forms import PublishForm
from center.publication.page_context import report_context
from center.publication.publishing import (
    NotPublishable,
    district_name,
    newest_publications,
    not_listed_words,
    publish,
    published_versions,
)
from center.publication.quarters import Quarter, is_listed, recent_quarters
from center.publication.snapshot import build_snapshot


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    districts = visible_districts(request.user)
    district = request.GET.get("district") or (districts[0] if districts else "")
    if district and district not in districts:
        raise Http404(pgettext("publication", "No such district."))
    now = timezone.now()
    quarters = recent_quarters(now)
    chosen = Quarter.parse(request.GET.get("quarter", "")) or next(
        (q for q in quarters if q.is_over(now)), quarters[0])
    versions = published_versions(district) if district else []
    context: dict[str, Any] = {
        "districts": [(code, district_name(code)) for code in districts],
        "district": district, "chosen": chosen, "chosen_is_over": chosen.is_over(now),
        "quarters": [{"quarter": q, "label": q.label(), "is_over": q.is_over(now),
                      "versions": sum(1 for v in versions
                                      if (v.year, v.quarter) == (q.year, q.number))}
                     for q in quarters],
        "published_quarters": [{"publication": p, "label": Quarter(p.year, p.quarter).label()}
                      for p in (newest_publications(district) if district else [])],
        "chosen_versions": sum(1 for v in versions
                               if (v.year, v.quarter) == (chosen.year, chosen.number)),
        "may_publish": role_of(request.user) == DISTRICT_ADMIN,
        "may_export": _may_export(request.user),
        "form": PublishForm(districts=districts,
                            initial={"district": district, "quarter": chosen.slug}),
    }
    if district:
        context.update(report_context(
            build_snapshot(district, chosen, district_name(district)), preview=True))
    return render(request, "publication/manage.html", context)


@require_POST
def publish_quarter(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) != DISTRICT_ADMIN:
        raise PermissionDenied(pgettext("publication",
                                        "Only district administrators publish."))
    form = PublishForm(request.POST, districts=visible_districts(request.user))
    back = reverse("publication:home")
    if not form.is_valid():
        if "confirm" in form.errors and not set(form.errors) - {"confirm"}:
            messages.error(request, pgettext(
                "publication", "Nothing was published: tick that you have read the preview."))
        else:
            messages.error(request, pgettext(
                "publication", "Nothing was published: choose a district and a quarter."))
        query = {key: request.POST[key] for key in ("district", "quarter")
                 if request.POST.get(key)}
        return redirect(back + (f"?{urlencode(query)}" if query else ""))
    district, quarter = form.cleaned_data["district"], form.cleaned_data["quarter"]
    if not is_listed(quarter):
        # The page offers only the quarters it lists; another is a made-up request.
        raise PermissionDenied(not_listed_words(quarter))
    back += "?" + urlencode({"district": district, "quarter": quarter.slug})
    try:
        publication = publish(request.user, district, quarter)
    except NotPublishable as refused:
        messages.error(request, str(refused))
        return redirect(back)
    messages.success(request, pgettext(
        "publication", "Published %(quarter)s (version %(version)d): everyone can read it "
        "now at %(address)s") % {
        "quarter": quarter.label(), "version": publication.version,
        "address": request.build_absolute_uri(
            reverse("public:quarter", args=[district, quarter.slug]))})
    return redirect(back)


@require_GET
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    return _export(request, slug, "csv")


@require_GET
def export_json(request: HttpRequest, slug: str) -> HttpResponse:
    return _export(request, slug, "json")


def _export(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    if not _may_export(request.user):
        raise PermissionDenied(pgettext(
            "publication", "Only district administrators and viewers export the ratings."))
    quarter = Quarter.parse(slug)
    if quarter is None:
        raise Http404(slug)
    district = request.GET.get("district", "")
    if district and district not in visible_districts(request.user):
        raise Http404(pgettext("publication", "No such district."))
    rows = export_rows(quarter, district or None)
    record(request.user, "publication.exported", quarter=quarter.slug,
           district=district or "*", format=kind, records=len(rows))
    if kind == "csv":
        response = HttpResponse(as_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(as_json(rows), content_type="application/json")
    name = f"haochaping-{district + '-' if district else ''}{quarter.slug}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _may_export(user: Any) -> bool:
    return role_of(user) in (DISTRICT_ADMIN, VIEWER)
