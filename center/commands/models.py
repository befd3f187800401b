from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from center.fleet.models import Terminal


class CommandState(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENT = "sent", _("sent, no answer yet")
    ACCEPTED = "accepted", _("carried out")
    REJECTED = "rejected", _("refused by the terminal")
    FAILED = "failed", _("failed on the terminal")
    EXPIRED = "expired", _("expired before an answer")


FINAL = (CommandState.ACCEPTED, CommandState.REJECTED, CommandState.FAILED,
         CommandState.EXPIRED)


class BulkAction(models.Model):
    """One command sent to a filtered set of terminals: one Command row per terminal points
    here. ``token`` comes from the confirmation page, so confirming the same page twice
    (a double click, a reload) finds the first action instead of sending it all again."""

    token = models.UUIDField(unique=True)
    type = models.CharField(_("type"), max_length=60)
    args = models.JSONField(default=dict)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    # Kept as it was, like the audit trail's, should the account be renamed or removed.
    username = models.CharField(max_length=150)
    issued_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    # The fleet page's filters as a person reads them, and as its query string.
    filters = models.JSONField(default=dict, blank=True)
    query = models.CharField(max_length=500, blank=True)
    count = models.PositiveIntegerField()
    # Terminals the filters matched that the person may not command.
    left_out = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("bulk action")
        verbose_name_plural = _("bulk actions")

    def __str__(self) -> str:
        return f"{self.type} -> {self.count} terminals"


class Command(models.Model):
    """One command to one terminal. ``envelope`` is the signed MQTT payload, made once: the
    key that signed it is never stored."""

    id = models.UUIDField(primary_key=True)
    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="commands")
    type = models.CharField(_("type"), max_length=60)
    args = models.JSONField(default=dict)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    envelope = models.BinaryField()
    state = models.CharField(max_length=10, choices=CommandState.choices,
                             default=CommandState.PENDING, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sends = models.PositiveSmallIntegerField(default=0)
    result_reason = models.CharField(max_length=40, blank=True)
    result_text = models.CharField(max_length=500, blank=True)
    result_detail = models.JSONField(default=dict, blank=True)
    result_at = models.DateTimeField(null=True, blank=True)
    bulk = models.ForeignKey(BulkAction, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="commands")

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("command")
        verbose_name_plural = _("commands")

    def __str__(self) -> str:
        return f"{self.type} -> {self.terminal_id}"
