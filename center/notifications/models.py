"""A notice is one thing worth telling (a new alarm, an escalation, an outage, a call for
help), recorded once under a unique key; a delivery is that notice for one person: in the
page until read, and by e-mail until sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from center.alarms.models import Alarm
from center.fleet.models import Terminal


class NoticeKind(models.TextChoices):
    ALARM_RAISED = "alarm.raised", _("New alarm")
    ALARM_ESCALATED = "alarm.escalated", _("Alarm not acknowledged in time")
    ALARM_ASSIGNED = "alarm.assigned", _("Alarm assigned to you")
    TERMINAL_OFFLINE = "terminal.offline", _("Terminal offline")
    TERMINAL_STILL_OFFLINE = "terminal.still_offline", _("Terminal still offline")
    TERMINAL_ONLINE = "terminal.online", _("Terminal back online")
    HELP_WAITING = "help.waiting", _("A resident is asking for help")
    PICKUP_PROBLEM = "pickup.problem", _("A pickup notice needs staff")
    PICKUP_OVERDUE = "pickup.overdue", _("A result is overdue in the locker")
    RATING_CASE_OVERDUE = "rating_case.overdue", _("A bad-rating case is overdue")


class Notice(models.Model):
    # What makes the notice unique, e.g. "alarm.raised:42" or "terminal.offline:7:2" (the
    # outage and its reminder): a second notifier, or the same one after a restart, finds
    # the key taken and tells nobody again.
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=NoticeKind.choices)
    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="notices")
    alarm = models.ForeignKey(Alarm, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="notices")
    at = models.DateTimeField()                  # when the thing itself happened
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    # Recorded during a maintenance window: kept so it is never reconsidered, told to nobody.
    silenced = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "alarm"], name="notice_by_alarm")]


class MailState(models.TextChoices):
    PENDING = "pending", _("e-mail waiting to be sent")
    SENDING = "sending", _("e-mail being sent")
    SENT = "sent", _("e-mail sent")
    FAILED = "failed", _("e-mail could not be sent")
    NO_ADDRESS = "no_address", _("no e-mail address")


class Delivery(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notice_deliveries")
    read_at = models.DateTimeField(null=True, blank=True)
    address = models.EmailField(blank=True)      # the user's address when the notice came
    mail_state = models.CharField(max_length=12, choices=MailState.choices,
                                  default=MailState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A notifier claims the mail (PENDING -> SENDING) in one conditional update before it
    # goes; a claim this old belongs to a notifier that died mid-send.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "user"],
                                               name="delivery_once_per_person")]
        indexes = [models.Index(fields=["mail_state", "next_attempt_at"], name="delivery_due"),
                   models.Index(fields=["user", "read_at"], name="delivery_unread")]
        ordering = ["-notice__created_at", "-pk"]


class Outage(models.Model):
    """A terminal's time offline as the notifier follows it: opened when it is first seen
    offline outside maintenance, reminded every CENTER_OFFLINE_REMIND_MIN, closed when it
    is back online."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="outages")
    offline_since = models.DateTimeField()
    opened_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["terminal"],
                                               condition=models.Q(ended_at__isnull=True),
                                               name="outage_one_open")]
