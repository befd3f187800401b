"""The center's periodic reports, kept as they were made, and what they are made from that
no other app keeps: each terminal's time online and offline (PresenceSpan), and the events
that arrived after the day they belong to had closed (LateEvents, for the late-data note).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from center.fleet.models import Station, Terminal

# The figures' layout (figures.py); a report keeps the one it was made with.
FORMAT_VERSION = 1


class PeriodKind(models.TextChoices):
    DAY = "day", _("day")
    WEEK = "week", _("week")
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")


class Report(models.Model):
    """One scope's figures for one closed period, made once and never changed by data that
    arrives later (the page says how much did instead). A district report has no station."""

    district = models.CharField(_("district"), max_length=40)
    station = models.ForeignKey(Station, verbose_name=_("station"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    first_day = models.DateField()                      # local dates, both included
    last_day = models.DateField()
    start = models.DateTimeField()                      # local midnight of first_day
    end = models.DateTimeField()                        # local midnight after last_day
    generated_at = models.DateTimeField()
    figures = models.JSONField()
    format_version = models.PositiveSmallIntegerField(default=FORMAT_VERSION)
    # Who asked for it on the page ("" when the schedule made it), kept as they were named.
    made_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "kind", "first_day"],
                                    condition=Q(station__isnull=True),
                                    name="report_once_per_district"),
            models.UniqueConstraint(fields=["station", "kind", "first_day"],
                                    condition=Q(station__isnull=False),
                                    name="report_once_per_station"),
        ]
        indexes = [models.Index(fields=["district", "-first_day"], name="report_by_day")]
        ordering = ["-first_day", "kind", "district"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.district}/{self.station_id or '-'} {self.kind} {self.first_day}"


class PresenceSpan(models.Model):
    """A stretch of time a terminal was online, or offline, by its births and deaths
    (presence_log.py). Each terminal's spans follow one another from the first the center
    saw; the last is open (no end)."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE,
                                 related_name="presence_spans")
    online = models.BooleanField()
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["terminal"],
                                               condition=Q(ended_at__isnull=True),
                                               name="presence_span_one_open")]
        indexes = [models.Index(fields=["terminal", "started_at"], name="presence_by_start")]


class EventScan(models.Model):
    """One pass over the events stored since the previous pass (primary keys after..upto),
    counting those that arrived after their day had closed (late.py)."""

    after = models.BigIntegerField(unique=True)
    upto = models.BigIntegerField()
    scanned_at = models.DateTimeField()


class LateEvents(models.Model):
    """How many events of one local day, at one station (or none), were received in one
    minute, counted by a scan once the day had closed."""

    scan = models.ForeignKey(EventScan, on_delete=models.CASCADE, related_name="tallies")
    district = models.CharField(max_length=40)
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    day = models.DateField()
    received_minute = models.DateTimeField()
    events = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["district", "day"], name="late_by_day")]
