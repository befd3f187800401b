"""A report's figures as the tables people read: the same columns, headers (in Chinese
first, with their units) and rows for the page, the PDF, the CSV and the workbook. A
station manager reading a district report gets the rows of their own stations only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from center.alarms.kinds import kind_name

# How a column's value reads: a count, a share (as a percentage), a duration in seconds
# shown in hours or minutes, minutes as they are, or text.
COUNT, SHARE, HOURS, MINUTES_FROM_S, MINUTES = "count", "share", "hours", "minutes_s", "minutes"


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    kind: str = COUNT


@dataclass(frozen=True)
class Table:
    slug: str
    title: Promise
    first_header: Promise | str
    columns: Sequence[Column]
    rows: list[tuple[str, dict[str, Any]]]      # (what the row is, its figures)
    total: dict[str, Any] | None

    @property
    def headers(self) -> list[str]:
        return [str(self.first_header), *(str(c.header) for c in self.columns)]

    def cells(self, figures: dict[str, Any]) -> list[Any]:
        return [value_of(figures.get(c.key), c.kind) for c in self.columns]

    def text_rows(self) -> list[list[str]]:
        """Every row as text, the total last: the page's and the PDF's cells."""
        lines = [[name, *(as_text(v, c.kind) for v, c in zip(self.cells(figures),
                                                             self.columns, strict=True))]
                 for name, figures in self.rows]
        if self.total is not None:
            lines.append([str(_("Total")), *(as_text(v, c.kind) for v, c in zip(
                self.cells(self.total), self.columns, strict=True))])
        return lines


SECTION_COLUMNS: dict[str, tuple[Promise, list[Column]]] = {
    "uptime": (_("Uptime"), [
        Column("terminals", _("Terminals counted")),
        Column("online_s", _("Online (hours)"), HOURS),
        Column("offline_s", _("Offline (hours)"), HOURS),
        Column("unknown_s", _("No record (hours)"), HOURS),
        Column("share", _("Uptime (%)"), SHARE)]),
    "locker": (_("Results in lockers"), [
        Column("deposits", _("Results stored")),
        Column("within_1d", _("Collected within 1 day")),
        Column("within_3d", _("Within 3 days")),
        Column("within_7d", _("Within 7 days")),
        Column("overdue", _("Past the deadline")),
        Column("retrieved", _("Taken back by staff")),
        Column("waiting", _("Still in the locker")),
        Column("median_collect_s", _("Median time to collect (hours)"), HOURS),
        Column("average_collect_s", _("Average time to collect (hours)"), HOURS)]),
    "queue": (_("Queue"), [
        Column("issued", _("Tickets issued")),
        Column("served", _("Served")),
        Column("no_shows", _("No-shows")),
        Column("expired", _("Expired at day's end")),
        Column("average_wait_min", _("Average wait (minutes)"), MINUTES),
        Column("longest_wait_min", _("Longest wait (minutes)"), MINUTES)]),
    "devices": (_("Devices"), [
        Column("paper_outs", _("Paper out")),
        Column("jams", _("Jams")),
        Column("faults", _("Faults")),
        Column("cleared", _("Repaired")),
        Column("standing", _("Not repaired")),
        Column("median_repair_s", _("Median time to repair (minutes)"), MINUTES_FROM_S),
        Column("average_repair_s", _("Average time to repair (minutes)"), MINUTES_FROM_S),
        Column("longest_repair_s", _("Longest repair (minutes)"), MINUTES_FROM_S)]),
    "notices": (_("Pickup notices"), [
        Column("notices", _("Notices")),
        Column("sent", _("Sent to the gateway")),
        Column("delivered", _("Delivered")),
        Column("failed", _("Failed")),
        Column("no_contact", _("No mobile number")),
        Column("waiting", _("Waiting to be sent")),
        Column("cancelled", _("Not needed any more")),
        Column("delivered_share", _("Delivered (%)"), SHARE)]),
}
CATEGORY_COLUMNS = SECTION_COLUMNS["queue"][1]
KIND_COLUMNS = [Column("raised", _("Times")), Column("cleared", _("Repaired")),
                Column("standing", _("Not repaired")),
                Column("average_repair_s", _("Average time to repair (minutes)"),
                       MINUTES_FROM_S),
                Column("longest_repair_s", _("Longest repair (minutes)"), MINUTES_FROM_S)]


def value_of(value: Any, kind: str) -> float | int | None:
    """The number a column holds, in its unit (hours, minutes, a percentage)."""
    if value is None or not isinstance(value, (int, float)):
        return None
    if kind == SHARE:
        return round(float(value) * 100, 1)
    if kind == HOURS:
        return round(float(value) / 3600, 1)
    if kind == MINUTES_FROM_S:
        return round(float(value) / 60, 1)
    if kind == MINUTES:
        return round(float(value), 1)
    return int(value)


def as_text(value: float | int | None, kind: str) -> str:
    if value is None:
        return "—"
    return str(value) if kind == COUNT else f"{value:.1f}"


def visible_rows(figures: dict[str, Any], stations: set[int] | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = figures["rows"]
    if stations is None or figures["units"] != "station":
        return rows
    return [row for row in rows if row["station_id"] in stations]


def unit_name(row: dict[str, Any], units: str) -> str:
    if units == "station" and row["station_id"] is None:
        return str(_("No station"))
    return str(row["name"])


def report_tables(figures: dict[str, Any], stations: set[int] | None) -> list[Table]:
    """Every table of the report, in the page's order."""
    units = figures["units"]
    first = _("Station") if units == "station" else _("Terminal")
    rows = visible_rows(figures, stations)
    tables = []
    for section, (title, columns) in SECTION_COLUMNS.items():
        tables.append(Table(section, title, first, columns,
                            [(unit_name(row, units), row[section]) for row in rows],
                            figures["total"][section]))
        if section == "queue":
            tables.append(Table("queue_categories", _("Queue by category"), _("Queue"),
                                CATEGORY_COLUMNS,
                                [(c["name"], c) for c in figures["queue_categories"]], None))
        if section == "devices":
            tables.append(Table("device_kinds", _("Device alarms by kind"), _("Alarm"),
                                KIND_COLUMNS,
                                [(kind_name(k["key"]), k) for k in figures["device_kinds"]],
                                None))
    return tables
