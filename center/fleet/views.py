"""The fleet page (every terminal, live) and one terminal's page."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from center.accounts.roles import may_act_on, visible_terminals
from center.commands.forms import AnnouncementForm, OpenCompartmentForm
from center.commands.models import Command
from center.fleet.compartments import compartment_grid
from center.fleet.fleet_page import fleet_context
from center.fleet.help_calls import waiting_calls
from center.fleet.models import HeartbeatSample
from center.fleet.rows import fleet_row
from center.fleet.timeline import read_timeline


@require_GET
@vary_on_headers("HX-Request")
def fleet(request: HttpRequest) -> HttpResponse:
    # htmx asks for the table alone every few seconds; a browser gets the whole page.
    template = "fleet/_table.html" if request.headers.get("HX-Request") else "fleet/fleet.html"
    return render(request, template, fleet_context(request))


@require_GET
def terminal(request: HttpRequest, district: str, terminal_id: str) -> HttpResponse:
    found = get_object_or_404(visible_terminals(request.user), district=district,
                              terminal_id=terminal_id)
    now = timezone.now()
    help_calls = waiting_calls([found.pk], now).get(found.pk, [])
    row = fleet_row(found, now, found.alarms.filter(active=True).count(), found.gaps.count(),
                    len(help_calls))
    return render(request, "fleet/terminal.html", {
        "row": row, "terminal": found, "now": now, "help_calls": help_calls,
        "compartments": compartment_grid(found),
        "alarms": found.alarms.filter(active=True).select_related("acknowledged_by"),
        "gaps": found.gaps.all()[:50],
        "timeline": read_timeline(found, request.GET),
        "commands": Command.objects.filter(terminal=found).select_related("issued_by")[:20],
        "may_act": may_act_on(request.user, found),
        "announcement_form": AnnouncementForm(), "open_form": OpenCompartmentForm(),
    })


@require_GET
@vary_on_headers("HX-Request")
def events(request: HttpRequest, district: str, terminal_id: str) -> HttpResponse:
    """The terminal page's timeline alone, for htmx's paging. Without JavaScript the pager's
    links lead to the terminal page itself; this address then leads there too."""
    found = get_object_or_404(visible_terminals(request.user), district=district,
                              terminal_id=terminal_id)
    if not request.headers.get("HX-Request"):
        query = request.GET.urlencode()
        return redirect(reverse("fleet:terminal", args=[district, terminal_id])
                        + (f"?{query}" if query else "") + "#events")
    return render(request, "fleet/_events.html",
                  {"terminal": found, "timeline": read_timeline(found, request.GET)})


# How far back the terminal page's charts reach.
HISTORY = timedelta(days=7)


@require_GET
def history(request: HttpRequest, district: str, terminal_id: str) -> JsonResponse:
    """The terminal page's chart data: each sample's time and figures, oldest first."""
    found = get_object_or_404(visible_terminals(request.user), district=district,
                              terminal_id=terminal_id)
    rows = list(HeartbeatSample.objects.filter(
        terminal=found, at__gte=timezone.now() - HISTORY).order_by("at").values_list(
        "at", "disk_free_bytes", "occupied", "unsent", "waiting"))
    return JsonResponse({
        "at": [at.isoformat() for at, *_ in rows],
        "disk_free_gb": [None if free is None else round(free / 1e9, 2)
                         for _, free, *_ in rows],
        "occupied": [row[2] for row in rows],
        "unsent": [row[3] for row in rows],
        "waiting": [row[4] for row in rows],
    })
