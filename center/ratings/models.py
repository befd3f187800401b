"""Residents' ratings of services (好差评) as terminals report them (`rating.submitted`,
docs/mqtt.md): one per service event, anonymous."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
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
    # Beyond CENTER_RATING_FLOOD_PER_HOUR from one terminal or one code: kept and counted,
    # left out of the published rates until someone looks.
    flooded = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["terminal", "event_kind", "event_ref"],
                                               name="rating_once_per_event")]
        indexes = [models.Index(fields=["rated_at"], name="rating_by_time")]
        verbose_name = _("rating")

    def __str__(self) -> str:
        return f"{self.event_kind}:{self.event_ref} {self.level}"


class CaseState(models.TextChoices):
    """Where a bad rating's case (差评件) stands. The way through: received → verified →
    rectified now, rectifying by a deadline then rectified, explained, or appealed →
    fed back → return-visited → closed. A return visit that finds the resident still
    dissatisfied sends the case back to verified for another round."""

    RECEIVED = "received", _("received, to be verified")
    VERIFIED = "verified", _("verified, to be handled")
    RECTIFYING = "rectifying", _("being rectified by a deadline")
    RECTIFIED = "rectified", _("rectified, resident to be told")
    EXPLAINED = "explained", _("explained, resident to be told")
    APPEALED = "appealed", _("appealed, under review")
    FED_BACK = "fed_back", _("resident told, return visit due")
    CLOSED = "closed", _("closed")


class Handling(models.TextChoices):
    """How a verified bad rating is answered (GB/T 39734 §9.3, local rules)."""

    FIX_NOW = "fix_now", _("rectified on the spot")
    FIX_BY = "fix_by", _("rectified by a deadline")
    EXPLAIN = "explain", _("explained: no fault to rectify")
    APPEAL = "appeal", _("appealed as a mistaken or malicious rating")


class RevisitResult(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY = "basically", _("basically satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")
    UNREACHABLE = "unreachable", _("could not be reached")


class RatingCase(models.Model):
    """The answer to one bad rating (不满意 or 非常不满意), opened when the rating is kept.
    The deadline of the step the case waits for is counted in working days
    (center/ratings/working_days.py) and kept on the case, so lists and escalation read a
    date and never recount the calendar."""

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="case")
    district = models.CharField(max_length=40)
    station = models.ForeignKey("fleet.Station", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="rating_cases")
    state = models.CharField(max_length=12, choices=CaseState.choices,
                             default=CaseState.RECEIVED)
    opened_at = models.DateTimeField()
    due_on = models.DateField(null=True, blank=True)     # the waiting step's deadline
    handling = models.CharField(max_length=10, choices=Handling.choices, blank=True)
    revisit = models.CharField(max_length=12, choices=RevisitResult.choices, blank=True)
    # The appeal's review: True upheld (the rating is excluded from the published rates),
    # False rejected (the case goes back to be handled), None not decided or no appeal.
    appeal_upheld = models.BooleanField(null=True, blank=True)
    escalated_on = models.DateField(null=True, blank=True)   # for the current deadline
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "due_on"], name="rating_case_due"),
                   models.Index(fields=["district", "-opened_at"], name="rating_case_recent")]
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("bad-rating case")

    @property
    def number(self) -> str:
        """The case's number as staff quote it, e.g. 差评-2026-000042."""
        return f"差评-{timezone.localtime(self.opened_at):%Y}-{self.pk:06d}"

    def __str__(self) -> str:
        return self.number


class CaseStep(models.Model):
    """One thing done on a case, never changed: who, when, what was written."""

    case = models.ForeignKey(RatingCase, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=20)   # received, verified, handled, rectified, ...
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="rating_case_steps")
    username = models.CharField(max_length=150)          # kept if the account goes
    at = models.DateTimeField()
    text = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)  # e.g. handling, days, revisit
    due_on = models.DateField(null=True, blank=True)     # the deadline this step set

    class Meta:
        ordering = ["at", "pk"]
