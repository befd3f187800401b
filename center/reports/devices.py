"""Devices: paper-outs, jams and faults raised in the period (center/alarms Alarm rows, by
when the terminal raised them) and how long each took to clear ("time to repair": from its
raising on the terminal's clock to the center's reading of its clearing).

An alarm raised and cleared while its terminal was offline reaches the center only as
events (the retained alarm topics show what stands), so it is not counted here."""

from __future__ import annotations

from django.db.models import Count, F, FloatField, Max, Q, Sum, Value
from django.db.models.functions import Greatest

from center.alarms.models import Alarm
from center.reports.scope import Scope
from center.reports.sql import Seconds, day_text, medians
from center.reports.tally import ALL, STATION, Raw, Tally

PAPER_OUTS = ("printer.paper_out",)
JAMS = ("door_jammed", "printer.offline")            # a door stuck; the printer's cover or paper
FAULTS = ("board_offline", "bus_offline", "printer.unreachable", "device.fault")
DEVICE_KINDS = PAPER_OUTS + JAMS + FAULTS
FIELDS = ("raised", "paper_outs", "jams", "faults", "cleared", "standing", "repair_s",
          "longest_repair_s")


def devices_tally(scope: Scope) -> Tally:
    tally = Tally(FIELDS, maxed=frozenset({"longest_repair_s"}))
    alarms = Alarm.objects.using(scope.using).filter(
        scope.terminals(), kind__in=DEVICE_KINDS, raised_at__gte=scope.start,
        raised_at__lt=scope.end)
    # Raised on the terminal's clock, cleared on the center's: a clock ahead makes a quick
    # repair negative. Each row counts at least 0 s, before sums, medians and averages.
    repair = Greatest(Seconds(F("raised_at"), F("cleared_at")), Value(0.0),
                      output_field=FloatField())
    cleared = Q(cleared_at__isnull=False)
    grouped = alarms.annotate(repair=repair).values("terminal_id", "kind").annotate(
        n=Count("pk"), cleared=Count("pk", filter=cleared),
        repair_s=Sum("repair", filter=cleared), longest=Max("repair", filter=cleared))
    for row in grouped:
        kind = row["kind"]
        figures = {
            "raised": row["n"], "cleared": row["cleared"], "standing": row["n"] - row["cleared"],
            "paper_outs": row["n"] if kind in PAPER_OUTS else 0,
            "jams": row["n"] if kind in JAMS else 0,
            "faults": row["n"] if kind in FAULTS else 0,
            "repair_s": float(row["repair_s"] or 0),
            "longest_repair_s": float(row["longest"] or 0)}
        tally.add(row["terminal_id"], **figures)
        tally.add_detail(row["terminal_id"], kind, **figures)
    for station, day, count in alarms.annotate(day=scope.day_of("raised_at")).values(
            "terminal__station_id", "day").annotate(n=Count("pk")).values_list(
            "terminal__station_id", "day", "n"):
        tally.count_day(station, day_text(day), count)
    repaired = alarms.filter(cleared)
    tally.medians = {
        STATION: medians(repaired, repair, "terminal__station_id"),
        ALL: medians(repaired, repair, None)}
    return tally


def finish_devices(raw: Raw, median_s: float | None) -> dict[str, float | None]:
    repaired = raw["cleared"]
    return {**raw, "median_repair_s": median_s,
            "average_repair_s": raw["repair_s"] / repaired if repaired else None,
            "longest_repair_s": raw["longest_repair_s"] if repaired else None}
