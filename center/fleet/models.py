"""Stations and their terminals, as the center knows them from what the terminals publish."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A terminal silent for this many heartbeat intervals is offline, death or no death.
SILENT_INTERVALS = 2.5


class Station(models.Model):
    """A service station (便民服务站); a station manager looks after some of them."""

    district = models.CharField(_("district"), max_length=40)
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    # The street (街道) or township (乡镇) the station serves: announcements and hours often
    # go to every station of one.
    street = models.CharField(_("street or township"), max_length=60, blank=True,
                              db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district", "code"],
                                               name="station_unique_code")]
        ordering = ["district", "name"]
        verbose_name = _("station")
        verbose_name_plural = _("stations")

    def __str__(self) -> str:
        return self.name


class Presence(models.TextChoices):
    ONLINE = "online", _("online")
    SILENT = "silent", _("offline (silent)")
    OFFLINE = "offline", _("offline")
    NEVER = "never", _("never seen")


class Terminal(models.Model):
    """One self-service terminal, created the first time any of its topics is read."""

    district = models.CharField(_("district"), max_length=40)
    terminal_id = models.CharField(_("terminal"), max_length=64)
    station = models.ForeignKey(Station, verbose_name=_("station"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="terminals")

    # Presence by births and deaths (docs/mqtt.md "state"): a death counts only with the
    # bdSeq of the last birth.
    online = models.BooleanField(default=False)
    bd_seq = models.BigIntegerField(null=True, blank=True)
    born_at = models.DateTimeField(null=True, blank=True)        # the birth's ts
    presence_since = models.DateTimeField(null=True, blank=True)  # when online last flipped
    started_at = models.DateTimeField(null=True, blank=True)      # the process's start
    version = models.CharField(max_length=40, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)    # anything received
    # The public key of its rating tokens (the birth's `ratingKey`, base64): the center
    # checks the QR codes on its ticket slips with it (center/ratings/qr_views.py).
    rating_key = models.CharField(max_length=44, blank=True)

    # The latest heartbeat (its ts is the terminal's clock).
    heartbeat = models.JSONField(default=dict, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    catalog_version = models.CharField(max_length=60, blank=True)
    sampled_at = models.DateTimeField(null=True, blank=True)     # the last HeartbeatSample

    # Completeness: every seq up to here has arrived or was announced dropped.
    complete_upto = models.BigIntegerField(default=0)
    highest_seq = models.BigIntegerField(default=0)
    rejects = models.PositiveIntegerField(default=0)
    seq_conflicts = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district", "terminal_id"],
                                               name="terminal_unique_id")]
        ordering = ["district", "terminal_id"]
        verbose_name = _("terminal")
        verbose_name_plural = _("terminals")

    def __str__(self) -> str:
        return self.terminal_id

    # -- what a page shows -------------------------------------------------------------

    def presence(self, now: datetime | None = None) -> str:
        """Online only with a current birth and a heartbeat younger than 2.5 intervals."""
        if self.bd_seq is None:
            return Presence.NEVER
        if not self.online:
            return Presence.OFFLINE
        if self.silent_since(now) is not None:
            return Presence.SILENT
        return Presence.ONLINE

    def silent_since(self, now: datetime | None = None) -> datetime | None:
        """When an online terminal's heartbeat went overdue, if it has. Measured on the
        terminal's own clock (its messages' ts; terminals keep NTP time), so a retained
        heartbeat read long after it was sent still shows its age."""
        last = self.last_sign_of_life()
        if not self.online or last is None:
            return None
        overdue = last + timedelta(seconds=SILENT_INTERVALS * settings.HEARTBEAT_INTERVAL_S)
        return overdue if (now or timezone.now()) >= overdue else None

    def last_sign_of_life(self) -> datetime | None:
        """The newer of the birth and this connection's latest heartbeat."""
        times = [self.born_at]
        if self.heartbeat_at is not None and self.heartbeat.get("bdSeq") == self.bd_seq:
            times.append(self.heartbeat_at)
        return max((t for t in times if t is not None), default=None)

    def offline_since(self, now: datetime | None = None) -> datetime | None:
        if not self.online:
            return self.presence_since
        return self.silent_since(now)

    def section(self, name: str) -> dict[str, Any] | None:
        """A heartbeat section, or None when this terminal has no such feature."""
        value = self.heartbeat.get(name)
        return value if isinstance(value, dict) else None


class HeartbeatSample(models.Model):
    """A few figures of a heartbeat, kept every SAMPLE_EVERY for the terminal page's charts."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="samples")
    at = models.DateTimeField()
    disk_free_bytes = models.BigIntegerField(null=True)
    occupied = models.IntegerField(null=True)
    compartments = models.IntegerField(null=True)
    unsent = models.IntegerField(null=True)
    waiting = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["terminal", "at"], name="sample_by_time")]
