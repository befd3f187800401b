"""Residents' ratings of services (好差评) as terminals report them (`rating.submitted`,
docs/mqtt.md): one per service event, anonymous."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from center.fleet.models import Terminal

LEVELS = {5: _("very satisfied"), 4: _("satisfied"), 3: _("basically satisfied"),
          2: _("dissatisfied"), 1: _("very dissatisfied")}
GOOD, BAD = (4, 5), (1, 2)          # 好评 and 差评, as the provincial systems count them


class Rating(models.Model):
    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="ratings")
    event_kind = models.CharField(max_length=16)      # pickup, dropoff, notice, ticket
    event_ref = models.CharField(max_length=80)
    channel = models.CharField(max_length=10)         # terminal, qr
    level = models.PositiveSmallIntegerField(choices=sorted(LEVELS.items()))
    options = models.JSONField(default=list, blank=True)
    item = models.CharField(max_length=64, blank=True)
    window = models.PositiveSmallIntegerField(null=True, blank=True)
    rated_at = models.DateTimeField()                 # the terminal's clock
    received_at = models.DateTimeField()
    historical = models.BooleanField(default=False)   # sent after an outage

    class Meta:
        constraints = [models.UniqueConstraint(fields=["terminal", "event_kind", "event_ref"],
                                               name="rating_once_per_event")]
        indexes = [models.Index(fields=["rated_at"], name="rating_by_time")]
        verbose_name = _("rating")

    def __str__(self) -> str:
        return f"{self.event_kind}:{self.event_ref} {self.level}"
