"""Results waiting in terminals' lockers, the notices that tell their applicants, and the
applicants' mobile numbers (encrypted; docs/center.md "Pickup notices").

A notice row is written in the same transaction as the event that calls for it, so it can
be neither lost nor made twice (a deposit event seen again finds its notice there); the
sender claims it, opens the sealed code only then, and records what the gateway said. No
code is ever stored in clear: a deposit keeps the sealed form the terminal sent, which
only the center's X25519 key opens.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from center.fleet.models import Terminal


class DepositState(models.TextChoices):
    WAITING = "waiting", _("waiting to be collected")
    OVERDUE = "overdue", _("overdue, still in the locker")
    COLLECTED = "collected", _("collected")
    RETRIEVED = "retrieved", _("taken back by staff")


OPEN_STATES = (DepositState.WAITING, DepositState.OVERDUE)


class Deposit(models.Model):
    """A result a terminal holds for an applicant, as its locker events tell it."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="deposits")
    deposit_id = models.CharField(max_length=64)
    case_number = models.CharField(_("case number"), max_length=64)
    compartment = models.PositiveIntegerField()
    size = models.CharField(max_length=1, blank=True)            # S, M or L
    stored_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # The latest sealed pickup code (locker.deposited, then each locker.code_reissued);
    # emptied when the deposit closes.
    sealed_code = models.JSONField(default=dict, blank=True)
    code_generation = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=10, choices=DepositState.choices,
                             default=DepositState.WAITING, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    collected_by = models.CharField(max_length=10, blank=True)    # applicant, proxy, staff

    class Meta:
        constraints = [models.UniqueConstraint(fields=["terminal", "deposit_id"],
                                               name="deposit_once")]
        indexes = [models.Index(fields=["case_number"], name="deposit_by_case")]
        ordering = ["-stored_at"]
        verbose_name = _("deposit")

    def __str__(self) -> str:
        return f"{self.case_number} ({self.terminal_id})"


class NoticeKind(models.TextChoices):
    STORED = "stored", _("result stored: the pickup code")
    REISSUED = "reissued", _("a new pickup code")
    DAY_BEFORE = "day_before", _("reminder a day before the deadline")
    OVERDUE = "overdue", _("overdue reminder")
    PROXY_COLLECTED = "proxy_collected", _("collected by someone else")


CARRIES_A_CODE = (NoticeKind.STORED, NoticeKind.REISSUED, NoticeKind.DAY_BEFORE)


class NoticeState(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent, no receipt yet")
    DELIVERED = "delivered", _("delivered")
    RETRYING = "retrying", _("will be tried again")
    FAILED = "failed", _("failed for good")
    NO_CONTACT = "no_contact", _("no mobile number for the case")
    UNOPENABLE = "unopenable", _("the sealed code could not be opened")
    CANCELLED = "cancelled", _("not needed any more")


class PickupNotice(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    deposit = models.ForeignKey(Deposit, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=16, choices=NoticeKind.choices)
    # Which code a code-carrying notice tells (the deposit's code_generation then): a new
    # code is a new notice; the same event seen twice is not.
    generation = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=10, choices=NoticeState.choices,
                             default=NoticeState.PENDING, db_index=True)
    created_at = models.DateTimeField()
    next_try_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    gateway = models.CharField(max_length=20, blank=True)
    gateway_ids = models.JSONField(default=list, blank=True)
    parts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # The keyed digest of the number it went to (phones.py): counted for the per-number
    # limit, never the number itself.
    to_digest = models.CharField(max_length=64, blank=True, db_index=True)
    # The SHA-256 of the token in the notice's link (links.py): the token itself is only
    # in the SMS.
    link_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deposit", "kind", "generation"],
                                               name="notice_once")]
        indexes = [models.Index(fields=["state", "next_try_at"], name="notice_due")]
        ordering = ["-created_at"]
        verbose_name = _("pickup notice")


class GatewayMessage(models.Model):
    """One message the gateway accepted for a notice (a part, for SMPP), and its receipt."""

    gateway_id = models.CharField(max_length=80)
    gateway = models.CharField(max_length=20)
    notice = models.ForeignKey(PickupNotice, on_delete=models.CASCADE, related_name="messages")
    delivered = models.BooleanField(null=True)          # None until the receipt comes
    receipt = models.CharField(max_length=80, blank=True)
    receipt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["gateway", "gateway_id"],
                                               name="gateway_message_once")]


class CaseContact(models.Model):
    """The applicant's mobile number for a case, from the case system; encrypted at rest,
    shown masked, deleted a while after the case's deposits close."""

    case_number = models.CharField(_("case number"), max_length=64, unique=True)
    phone_cipher = models.BinaryField()
    phone_masked = models.CharField(_("mobile"), max_length=11)     # 138****1234
    source = models.CharField(max_length=120)                       # the import or the system
    updated_at = models.DateTimeField()
    forget_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("case contact")

    def __str__(self) -> str:
        return f"{self.case_number}: {self.phone_masked}"
