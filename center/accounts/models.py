"""Which stations a station manager looks after, and the sign-in attempts throttling reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from center.fleet.models import Station


class StationAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="station_assignments")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="managers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "station"],
                                               name="assignment_once")]
        verbose_name = _("station assignment")


class SignInAttempt(models.Model):
    """One sign-in, kept for throttling (center/accounts/throttle.py) and for audit."""

    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(auto_now_add=True)
    succeeded = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["username", "-at"], name="attempt_by_user"),
                   models.Index(fields=["address", "-at"], name="attempt_by_address")]
