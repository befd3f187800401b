"""Alarms terminals raise (docs/mqtt.md "Alarms"): one row per raising, active until the
terminal clears it; what people did about each (AlarmNote) and the maintenance windows that
silence a terminal's notices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from center.fleet.models import Terminal


class Alarm(models.Model):
    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="alarms")
    kind = models.CharField(_("kind"), max_length=64)
    subject = models.CharField(_("subject"), max_length=120)
    raised_at = models.DateTimeField(_("raised"))
    detail = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    # The latest comment, for the terminal page at a glance; every comment is an AlarmNote.
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="assigned_alarms")
    assigned_at = models.DateTimeField(null=True, blank=True)
    # Set once, by the notifier, when nobody acknowledged the alarm in time.
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # The contract: at most one alarm of a kind is active per subject.
            models.UniqueConstraint(fields=["terminal", "kind", "subject"],
                                    condition=models.Q(active=True), name="alarm_one_active"),
            models.UniqueConstraint(fields=["terminal", "kind", "subject", "raised_at"],
                                    name="alarm_raising_once"),
        ]
        indexes = [models.Index(fields=["active", "-raised_at"], name="alarm_by_state")]
        ordering = ["-raised_at"]
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"


class NoteKind(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", _("Acknowledged the alarm")
    COMMENT = "comment", _("Comment")
    ASSIGNED = "assigned", _("Assigned")
    UNASSIGNED = "unassigned", _("Assignment removed")
    ESCALATED = "escalated", _("Escalated to the district administrators")


class AlarmNote(models.Model):
    """One step in an alarm's history: who acknowledged, commented or assigned it, and when
    the center escalated it. Names are kept as they were, like the audit trail's."""

    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=20, choices=NoteKind.choices)
    at = models.DateTimeField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=150, blank=True)   # "" is the center itself
    text = models.CharField(max_length=500, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    assignee_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["kind", "at"], name="note_by_kind")]


class MaintenanceWindow(models.Model):
    """While one is open (starts_at <= t < ends_at) the terminal's alarms and outages are
    stored and shown, marked maintenance, but nobody is told and nothing escalates."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE,
                                 related_name="maintenance_windows")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_by_name = models.CharField(max_length=150)
    # Who ended it before its planned end (ends_at then says when).
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    ended_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(
            condition=models.Q(ends_at__gte=models.F("starts_at")),
            name="maintenance_ends_after_start")]
        indexes = [models.Index(fields=["terminal", "ends_at"], name="maintenance_by_end")]
        ordering = ["-starts_at"]
