"""The report's charts, drawn on the server (center/charts/svg.py): the same SVG in the
page, the browser's print and the PDF."""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from center.alarms.kinds import kind_name
from center.charts.svg import bar_chart, column_chart
from center.reports.tables import unit_name

GOOD, WARN, BAD, GREY = "#2a8a5c", "#c98a00", "#c0392b", "#8a97a8"
# A district of hundreds of stations: the chart shows those with the lowest uptime.
MOST_BARS = 20


def report_charts(figures: dict[str, Any], rows: list[dict[str, Any]]
                  ) -> dict[str, list[SafeString]]:
    """Each section's charts, by section."""
    total = figures["total"]
    units = figures["units"]
    # A unit with no record of its presence (share None) is left out, not drawn as 0%
    # among the lowest: nothing is known of it, which the uptime table says in words.
    uptimes = sorted(((unit_name(row, units), round(row["uptime"]["share"] * 100, 1))
                      for row in rows if row["uptime"]["share"] is not None),
                     key=lambda bar: bar[1])
    charts: dict[str, list[SafeString]] = {section: [chart] for section, chart in {
        "uptime": bar_chart(
            uptimes[:MOST_BARS], unit="%", maximum=100,
            title=_("Uptime (%)") if len(uptimes) <= MOST_BARS else
            _("The %(count)d with the lowest uptime (%%)") % {"count": MOST_BARS}),
        "locker": bar_chart(
            [(_("Collected within 1 day"), total["locker"]["within_1d"]),
             (_("Within 3 days"), total["locker"]["within_3d"]),
             (_("Within 7 days"), total["locker"]["within_7d"]),
             (_("Past the deadline"), total["locker"]["overdue"]),
             (_("Still in the locker"), total["locker"]["waiting"])],
            title=_("Results in lockers"), colours=[GOOD, GOOD, GOOD, BAD, GREY]),
        "queue": bar_chart(
            [(str(c["name"]), c["issued"]) for c in figures["queue_categories"]],
            title=_("Tickets issued by category")),
        "devices": bar_chart(
            [(kind_name(k["key"]), k["raised"]) for k in figures["device_kinds"]],
            title=_("Device alarms by kind"), colours=[WARN] * len(figures["device_kinds"])),
        "notices": bar_chart(
            [(_("Delivered"), total["notices"]["delivered"]),
             (_("Sent, no receipt yet"), total["notices"]["sent"] - total["notices"]["delivered"]),
             (_("Failed"), total["notices"]["failed"]),
             (_("No mobile number"), total["notices"]["no_contact"]),
             (_("Waiting to be sent"), total["notices"]["waiting"])],
            title=_("Pickup notices"), colours=[GOOD, GOOD, BAD, BAD, GREY]),
    }.items()}
    if len(figures["daily"]["deposits"]) > 1:          # a day's report has no series
        for section, series, title in (
                ("locker", "deposits", _("Results stored, day by day")),
                ("queue", "issued", _("Tickets issued, day by day")),
                ("devices", "device_alarms", _("Device alarms, day by day"))):
            charts[section].append(column_chart(
                [(day[5:], count) for day, count in figures["daily"][series]], title=title))
    return charts
