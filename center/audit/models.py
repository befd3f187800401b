from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from center.fleet.models import Terminal


class AuditEntry(models.Model):
    """One action by one person. The user name is kept as it was, so an entry still says
    who acted after the account is renamed or removed."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                             related_name="+")
    username = models.CharField(max_length=150)
    action = models.CharField(max_length=60)
    terminal = models.ForeignKey(Terminal, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="audit_entries")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
