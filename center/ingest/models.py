"""What ingest keeps: each event once, the incidents and rejects it met, and the gaps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from center.fleet.models import Terminal


class Event(models.Model):
    """One event from a terminal's outbox, kept once by (terminal, seq)."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="events")
    seq = models.BigIntegerField()
    event_id = models.UUIDField()
    type = models.CharField(max_length=64)
    priority = models.SmallIntegerField()
    created_at = models.DateTimeField()      # committed on the terminal (its clock)
    historical = models.BooleanField()
    payload = models.JSONField()
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["terminal", "seq"],
                                               name="event_unique_seq")]
        indexes = [models.Index(fields=["terminal", "-created_at"], name="event_timeline"),
                   models.Index(fields=["type", "created_at"], name="event_by_type")]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.terminal_id}#{self.seq} {self.type}"


class SeqConflict(models.Model):
    """The same seq arrived with another event id: the terminal's database was reset (or
    restored from an old copy). The first event is kept; this is shown to administrators."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE,
                                 related_name="seq_conflict_rows")
    seq = models.BigIntegerField()
    kept_event_id = models.UUIDField()
    other_event_id = models.UUIDField()
    other_type = models.CharField(max_length=64)
    other_created_at = models.DateTimeField()
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["terminal", "seq", "other_event_id"],
                                               name="seq_conflict_once")]
        verbose_name = _("sequence conflict")


class Reject(models.Model):
    """A message ingest could not use, kept with why. Only a digest and a short excerpt
    with long digit runs masked are stored: a malformed payload is not trusted to be free
    of personal data."""

    terminal = models.ForeignKey(Terminal, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="reject_rows")
    topic = models.CharField(max_length=300)
    reason = models.CharField(max_length=300)
    excerpt = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["-received_at"], name="reject_recent")]
        verbose_name = _("rejected message")


class Gap(models.Model):
    """Seqs first..last of a terminal not yet received (nor announced dropped)."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="gaps")
    first_seq = models.BigIntegerField()
    last_seq = models.BigIntegerField()
    opened_at = models.DateTimeField()
    resend_asked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["terminal", "first_seq"]
        verbose_name = _("gap")


class DroppedRange(models.Model):
    """Seqs a terminal announced dropped past its outbox cap (`outbox.dropped`)."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="dropped")
    first_seq = models.BigIntegerField()
    last_seq = models.BigIntegerField()
    announced_by_seq = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["terminal", "first_seq", "last_seq"],
                                               name="dropped_range_once")]


class WorkerState(models.Model):
    """Each ingest worker's link to the broker, written by the worker itself, so every page
    can say when the center is not receiving."""

    name = models.CharField(max_length=80, unique=True)
    connected = models.BooleanField(default=False)
    since = models.DateTimeField()           # when ``connected`` last changed
    beat_at = models.DateTimeField()         # the worker's last sign of life
    detail = models.CharField(max_length=300, blank=True)
