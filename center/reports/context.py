"""What a report's page and its PDF show, from the kept figures: its title, period, when it
was made, the late-data and incomplete warnings, the headline figures, the charts and the
tables, with only the rows the person may see."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from center.reports.access import own_stations
from center.reports.charts import report_charts
from center.reports.headlines import headlines
from center.reports.late import last_scan, late_events
from center.reports.models import Report
from center.reports.periods import Period, parse_token
from center.reports.tables import report_tables, visible_rows
from center.reports.words import incomplete_title, incomplete_words, period_words, when


def scope_words(district: str, station_name: str | None) -> str:
    return station_name or _("district %(district)s, all stations") % {"district": district}


def report_context(report: Report, user: Any) -> dict[str, Any]:
    figures = report.figures
    stations = own_stations(user)
    period = parse_token(figures["period"]["token"])
    rows = visible_rows(figures, stations)
    incomplete = [entry for entry in figures["incomplete"]
                  if stations is None or entry["station_id"] in stations]
    station = figures["station"]
    return {
        "report": report, "figures": figures, "period": period,
        "period_words": period_words(period),
        "scope_words": scope_words(report.district, station["name"] if station else None),
        "generated": when(report.generated_at),
        "headlines": headlines(figures["total"]),
        "tables": report_tables(figures, stations),
        "charts": report_charts(figures, rows),
        "hidden_rows": len(figures["rows"]) - len(rows),
        "incomplete": incomplete_words(incomplete),
        "incomplete_title": incomplete_title(incomplete_words(incomplete)),
        "hidden_incomplete": len(figures["incomplete"]) - len(incomplete),
        "late": late_events(report), "late_counted": when(last_scan()),
    }


def missing_context(district: str, station_name: str | None, period: Period) -> dict[str, Any]:
    return {"period": period, "period_words": period_words(period),
            "scope_words": scope_words(district, station_name)}
