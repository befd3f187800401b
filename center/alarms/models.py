"""Alarms terminals raise (docs/mqtt.md "Alarms"): one row per raising, active until the
terminal clears it."""

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
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        constraints = [
            # The contract: at most one alarm of a kind is active per subject.
            models.UniqueConstraint(fields=["terminal", "kind", "subject"],
                                    condition=models.Q(active=True), name="alarm_one_active"),
            models.UniqueConstraint(fields=["terminal", "kind", "subject", "raised_at"],
                                    name="alarm_raising_once"),
        ]
        ordering = ["-raised_at"]
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"
