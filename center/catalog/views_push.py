"""Which catalog each terminal runs, beside the district's current one, and sending a kept
version to chosen terminals (all of a station, or picked one by one) after a confirmation
that lists them."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from center.accounts.roles import visible_terminals
from center.catalog.access import district_for_editing, district_for_reading, may_edit
from center.catalog.forms import PushForm
from center.catalog.models import CatalogVersion
from center.catalog.push import PushRefused, last_pushes, push_version
from center.catalog.versions import current_version
from center.fleet.models import Station, Terminal


def _terminals(request: HttpRequest, district: str) -> QuerySet[Terminal]:
    return visible_terminals(request.user).filter(district=district).order_by(
        "station__name", "terminal_id")


def _push_form(request: HttpRequest, district: str, data: object = None,
               initial: dict[str, object] | None = None) -> PushForm:
    terminals = list(_terminals(request, district))
    stations = Station.objects.filter(pk__in={t.station_id for t in terminals if t.station_id})
    return PushForm(data, initial=initial, versions=[
        (kept.pk, kept.version) for kept in CatalogVersion.objects.filter(
            district=district).only("pk", "version")],
        terminals=[(t.pk, t.terminal_id) for t in terminals],
        stations=[(s.pk, s.name) for s in stations.order_by("name")])


@require_GET
def terminals(request: HttpRequest, district: str) -> HttpResponse:
    district_for_reading(request, district)
    current = current_version(district)
    found = list(_terminals(request, district))
    pushes = last_pushes(found)
    now = timezone.now()
    rows = [{"terminal": terminal, "presence": terminal.presence(now),
             "runs_current": current is not None and terminal.catalog_version == current.version,
             "push": pushes.get(terminal.pk)} for terminal in found]
    chosen = request.GET.get("version", "")
    form = None
    if may_edit(request.user) and current is not None:
        form = _push_form(request, district, initial={
            "version": int(chosen) if chosen.isdigit() else current.pk})
    return render(request, "catalog/terminals.html", {
        "district": district, "current": current, "rows": rows, "form": form,
        "behind": sum(1 for row in rows if not row["runs_current"]),
        "may_edit": may_edit(request.user), "tab": "terminals"})


@require_POST
def push(request: HttpRequest, district: str) -> HttpResponse:
    district_for_editing(request, district)
    form = _push_form(request, district, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a version and at least one terminal."))
        return redirect("catalog:terminals", district)
    chosen = _terminals(request, district).filter(
        Q(pk__in=form.cleaned_data["terminal"]) | Q(station__in=form.cleaned_data["station"]))
    chosen_list = list(chosen)
    if not chosen_list:
        messages.error(request, _("Choose at least one terminal, or a station."))
        return redirect("catalog:terminals", district)
    version = CatalogVersion.objects.get(district=district, pk=form.cleaned_data["version"])
    if not form.cleaned_data["confirmed"]:
        stations = sorted({t.station.name for t in chosen_list if t.station is not None})
        return render(request, "catalog/push_confirm.html", {
            "district": district, "version": version, "chosen": chosen_list,
            "stations": stations, "reason": form.cleaned_data["reason"],
            "current": current_version(district), "may_edit": True, "tab": "terminals"})
    try:
        sent = push_version(request.user, version, chosen_list, form.cleaned_data["reason"])
    except PushRefused as refusal:
        messages.error(request, _("Sent to %(sent)d of %(count)d terminals, then stopped: "
                                  "%(why)s") % {"sent": refusal.sent,
                                                "count": len(chosen_list), "why": refusal})
    else:
        messages.success(request, ngettext(
            "Version %(version)s sent to %(count)d terminal; its answer appears below.",
            "Version %(version)s sent to %(count)d terminals; their answers appear below.",
            len(sent)) % {"version": version.version, "count": len(sent)})
    return redirect("catalog:terminals", district)
