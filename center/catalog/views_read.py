"""The catalog as everyone may read it: the districts, the current catalog's items and one
item, the versions kept with what each changed, and a version's file."""

from __future__ import annotations

from collections import Counter

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from center.accounts.roles import visible_terminals
from center.catalog.access import district_for_reading, may_edit, visible_districts
from center.catalog.diff import catalog_diff
from center.catalog.elements import ITEM_GROUPS, shown_value
from center.catalog.models import CatalogVersion
from center.catalog.versions import SHIPPED_CATALOG, current_version, kept_document
from contract.catalog import ServiceItem


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    districts = visible_districts(request.user)
    if len(districts) == 1:
        return redirect("catalog:items", districts[0])
    rows = [(district, current_version(district)) for district in districts]
    return render(request, "catalog/home.html", {"rows": rows})


@require_GET
def items(request: HttpRequest, district: str) -> HttpResponse:
    district_for_reading(request, district)
    current = current_version(district)
    context: dict[str, object] = {"district": district, "current": current,
                                  "may_edit": may_edit(request.user), "tab": "items",
                                  "shipped": SHIPPED_CATALOG.is_file()}
    if current is not None:
        document = kept_document(current)
        query = request.GET.get("q", "").strip()
        context.update(document=document, query=query, items=_matching(document.items, query),
                       sources={source.id: source.title for source in document.sources},
                       **_running(request, district, current))
    return render(request, "catalog/items.html", context)


def _matching(entries: tuple[ServiceItem, ...], query: str) -> list[ServiceItem]:
    """Items whose name (or one of their extra search words) holds the words typed."""
    words = query.casefold().split()
    return [item for item in entries
            if all(word in " ".join((item.name, *item.keywords)).casefold() for word in words)]


def _running(request: HttpRequest, district: str, current: CatalogVersion) -> dict[str, int]:
    terminals = visible_terminals(request.user).filter(district=district)
    versions = Counter(terminals.values_list("catalog_version", flat=True))
    return {"terminal_count": sum(versions.values()),
            "running_current": versions.get(current.version, 0)}


@require_GET
def item(request: HttpRequest, district: str, item_id: str) -> HttpResponse:
    district_for_reading(request, district)
    current = current_version(district)
    found = kept_document(current).items if current else ()
    chosen = next((entry for entry in found if entry.id == item_id), None)
    if current is None or chosen is None:
        raise Http404(_("No such item in the current catalog."))
    document = kept_document(current)
    sources = {source.id: source.title for source in document.sources}
    themes = {theme.id: theme.name for theme in document.themes}

    def shown(key: str) -> object:
        value = getattr(chosen, key)
        if key == "source":
            return sources.get(value, value)
        if key == "themes":
            return tuple(themes.get(theme, theme) for theme in value)
        return shown_value(key, value)

    groups = [(title, [(key, shown(key)) for key in keys]) for title, keys in ITEM_GROUPS]
    return render(request, "catalog/item.html", {
        "district": district, "current": current, "item": chosen, "groups": groups,
        "may_edit": may_edit(request.user), "tab": "items"})


@require_GET
def versions(request: HttpRequest, district: str) -> HttpResponse:
    district_for_reading(request, district)
    kept = list(CatalogVersion.objects.filter(district=district).defer("toml")
                .select_related("restores"))
    running = Counter(visible_terminals(request.user).filter(district=district)
                      .values_list("catalog_version", flat=True))
    rows = [(version, running.get(version.version, 0)) for version in kept]
    return render(request, "catalog/versions.html", {
        "district": district, "rows": rows, "current": kept[0] if kept else None,
        "may_edit": may_edit(request.user), "tab": "versions"})


@require_GET
def version(request: HttpRequest, district: str, pk: int) -> HttpResponse:
    district_for_reading(request, district)
    chosen = get_object_or_404(CatalogVersion.objects.select_related("based_on", "restores"),
                               district=district, pk=pk)
    before = kept_document(chosen.based_on) if chosen.based_on else None
    return render(request, "catalog/version.html", {
        "district": district, "version": chosen, "current": current_version(district),
        "diff": catalog_diff(before, kept_document(chosen)),
        "may_edit": may_edit(request.user), "tab": "versions"})


@require_GET
def download(request: HttpRequest, district: str, pk: int) -> HttpResponse:
    district_for_reading(request, district)
    chosen = get_object_or_404(CatalogVersion, district=district, pk=pk)
    response = HttpResponse(bytes(chosen.toml), content_type="application/toml; charset=utf-8")
    # The version is printable text (the format's rule) but may hold spaces or quotes.
    safe = "".join(c if (c.isascii() and c.isalnum()) or c in ".-_" else "_"
                   for c in chosen.version)
    response["Content-Disposition"] = f'attachment; filename="services-{safe}.toml"'
    return response
