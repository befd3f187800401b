"""The template rendering alone, and the page's reading alone: the table's context built
once by the view's own code, then only rendered; and only built."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import RequestFactory

from center.fleet.fleet_page import PER_PAGE, fleet_context
from center_fleet_page_rig.measure import Timing, timed


def rendering_floor(times: int, terminals: int) -> list[tuple[str, Timing]]:
    request = RequestFactory().get("/fleet/")
    request.user = User.objects.get(username="district-admin")
    page = fleet_context(request)
    everything = fleet_context(request, per_page=terminals)
    return [
        (f"_table.html alone, one page of {len(page['rows'])} rows",
         timed(lambda: render_to_string("fleet/_table.html", page), times)),
        (f"_table.html alone, all {len(everything['rows'])} rows on one page",
         timed(lambda: render_to_string("fleet/_table.html", everything), max(times // 5, 5))),
        (f"the view's reading alone ({PER_PAGE} rows), no rendering",
         timed(lambda: fleet_context(request), times)),
    ]
