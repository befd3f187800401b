"""Sending the pickup notices the intake wrote, exactly once each.

A round: reminders due a day before a deadline are written; notices claimed by a sender
that died are released; delivery receipts are applied; then each due notice is claimed
(one conditional update: two senders never take the same one), its number looked up, its
sealed code opened (only now, and only in memory), its text rendered from the approved
template, and handed to the gateway. The outcome is recorded at once: sent, with the
gateway's ids; tried again later with backoff; or failed for good, which tells the
station's staff (who can call the applicant). The code and the number never reach a log,
a row or a page.

The one window where a notice can go twice: the gateway took it and the sender died before
recording so; after STUCK_AFTER it is sent again. Dying before the gateway took it (after
opening the code, say) sends it exactly once, later.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from center.notifications.models import NoticeKind as StaffNoticeKind
from center.pickup.directory import CaseDirectory, DirectoryUnavailable
from center.pickup.intake import WAITING_TO_GO
from center.pickup.links import new_link
from center.pickup.models import (
    CARRIES_A_CODE,
    OPEN_STATES,
    CaseContact,
    Deposit,
    DepositState,
    GatewayMessage,
    NoticeKind,
    NoticeState,
    PickupNotice,
)
from center.pickup.opening import CodeUnopenable, open_code
from center.pickup.outcomes import finish, tell_staff
from center.pickup.phones import PhoneError, vault
from center.pickup.receipts import apply_receipt
from center.pickup.wording import SIZES, Templates
from center.sms.gateway import GatewayRefused, GatewayUnavailable, OutgoingSms, SmsGateway

log = logging.getLogger("center.pickup")

RETRY_MINUTES = (1, 2, 5, 10, 30, 60, 120, 240)      # then failed for good
STUCK_AFTER = timedelta(minutes=5)
GIVE_UP_AFTER = timedelta(days=1)
DAY = timedelta(days=1)
ROUND_SIZE = 200


class NoticeSender:
    def __init__(self, gateway: SmsGateway, templates: Templates, directory: CaseDirectory,
                 *, using: str = "default",
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.gateway = gateway
        self.templates = templates
        self.directory = directory
        self.using = using
        self._sleep = sleep
        self._last_send = 0.0

    def run_once(self, now: datetime | None = None) -> int:
        """One round; returns how many notices went to the gateway."""
        now = now or timezone.now()
        self.write_day_before_reminders(now)
        self.release_stuck(now)
        self.apply_receipts(now)
        sent = 0
        due = (PickupNotice.objects.using(self.using)
               .filter(state__in=WAITING_TO_GO, next_try_at__lte=now)
               .order_by("next_try_at").values_list("pk", flat=True)[:ROUND_SIZE])
        for pk in list(due):
            sent += self.send_one(pk, now)
        self.forget_numbers(now)
        return sent

    # -- one notice -----------------------------------------------------------------------

    def send_one(self, pk: uuid.UUID, now: datetime) -> int:
        notices = PickupNotice.objects.using(self.using)
        if not notices.filter(pk=pk, state__in=WAITING_TO_GO).update(
                state=NoticeState.SENDING, claimed_at=now):
            return 0                               # another sender took it
        notice = notices.select_related("deposit__terminal__station").get(pk=pk)
        deposit = notice.deposit
        if notice.kind in CARRIES_A_CODE and (deposit.state not in OPEN_STATES
                                              or notice.generation != deposit.code_generation):
            finish(notice, NoticeState.CANCELLED, "the code changed or the result left", self.using)
            return 0
        try:
            phone = self.directory.mobile_for(deposit.case_number)
        except DirectoryUnavailable as error:
            self._retry(notice, now, f"case directory: {error}", count=False)
            return 0
        if phone is None:
            finish(notice, NoticeState.NO_CONTACT, "the case directory has no number", self.using)
            tell_staff(notice, now, "no mobile number in the case directory", self.using)
            return 0
        try:
            digest = vault().digest(phone)
        except PhoneError as error:
            self._retry(notice, now, str(error), count=False)
            return 0
        if self._sent_today(digest, now) >= settings.SMS_PER_NUMBER_DAY:
            self._retry(notice, now, "the day's limit of notices to this number", count=False,
                        wait=timedelta(hours=1))
            return 0
        try:
            values = self._values(notice, deposit)
        except CodeUnopenable as error:
            finish(notice, NoticeState.UNOPENABLE, str(error), self.using)
            tell_staff(notice, now, "the terminal's sealed code could not be opened",
                       self.using, phone)
            return 0
        text = self.templates.notice_text(notice.kind, values)
        self._keep_pace()
        try:
            ids = self.gateway.send(OutgoingSms(str(notice.pk), phone, text))
        except GatewayRefused as refusal:
            if refusal.retry:
                self._retry(notice, now, f"gateway: {refusal.reason}")
            else:
                finish(notice, NoticeState.FAILED, f"gateway: {refusal.reason}", self.using)
                tell_staff(notice, now, f"the SMS gateway refused it ({refusal.reason})",
                           self.using, phone)
            return 0
        except GatewayUnavailable as error:
            self._retry(notice, now, f"gateway: {error}")
            return 0
        GatewayMessage.objects.using(self.using).bulk_create(
            [GatewayMessage(gateway=self.gateway.name, gateway_id=i, notice=notice) for i in ids],
            ignore_conflicts=True)
        notice.state, notice.sent_at, notice.gateway = NoticeState.SENT, now, self.gateway.name
        notice.gateway_ids, notice.parts, notice.to_digest = ids, len(ids), digest
        notice.tries += 1
        notice.last_error = ""
        notice.save(using=self.using)
        if notice.kind == NoticeKind.OVERDUE:
            tell_staff(notice, now, "", self.using, kind=StaffNoticeKind.PICKUP_OVERDUE)
        return 1

    def _values(self, notice: PickupNotice, deposit: Deposit) -> dict[str, str]:
        terminal = deposit.terminal
        values = {"station": str(terminal.station.name if terminal.station else
                                 terminal.terminal_id),
                  "size": SIZES.get(deposit.size, "柜格"),
                  "deadline": _local(deposit.expires_at),
                  "at": _local(deposit.closed_at or notice.created_at)}
        if notice.kind in CARRIES_A_CODE:
            values["code"] = open_code(deposit)
            token, notice.link_hash = new_link()
            values["link"] = f"{settings.SITE_URL}/p/{token}"
        return values

    # -- outcomes -------------------------------------------------------------------------

    def _retry(self, notice: PickupNotice, now: datetime, why: str, *, count: bool = True,
               wait: timedelta | None = None) -> None:
        tries = notice.tries + (1 if count else 0)
        # Tries the gateway never saw (the case directory or the key away, the day's limit)
        # are not counted, but a notice still waiting a day later is told to staff, who can
        # call the resident, instead of being tried for ever.
        if (count and tries > len(RETRY_MINUTES)) or now - notice.created_at > GIVE_UP_AFTER:
            finish(notice, NoticeState.FAILED, why, self.using, tries=tries)
            tell_staff(notice, now, why, self.using)
            return
        wait = wait or timedelta(minutes=RETRY_MINUTES[max(0, tries - 1)])
        PickupNotice.objects.using(self.using).filter(pk=notice.pk).update(
            state=NoticeState.RETRYING, tries=tries, next_try_at=now + wait,
            last_error=why[:300], claimed_at=None)
        log.warning("pickup notice %s: %s; trying again in %s", notice.pk, why, wait)

    # -- the rest of a round --------------------------------------------------------------

    def write_day_before_reminders(self, now: datetime) -> None:
        for deposit in Deposit.objects.using(self.using).filter(
                state=DepositState.WAITING, expires_at__gt=now, expires_at__lte=now + DAY,
                stored_at__lte=now - DAY).exclude(notices__kind=NoticeKind.DAY_BEFORE):
            PickupNotice.objects.using(self.using).get_or_create(
                deposit=deposit, kind=NoticeKind.DAY_BEFORE, generation=deposit.code_generation,
                defaults={"created_at": now, "next_try_at": now})

    def release_stuck(self, now: datetime) -> None:
        PickupNotice.objects.using(self.using).filter(
            state=NoticeState.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
            state=NoticeState.RETRYING, next_try_at=now, claimed_at=None,
            last_error="the sender stopped while sending; sent again")

    def apply_receipts(self, now: datetime) -> None:
        for receipt in self.gateway.take_receipts():
            apply_receipt(receipt, self.gateway.name, now, self.using)

    def forget_numbers(self, now: datetime) -> None:
        CaseContact.objects.using(self.using).filter(forget_after__lte=now).delete()

    def _sent_today(self, digest: str, now: datetime) -> int:
        return PickupNotice.objects.using(self.using).filter(
            to_digest=digest, sent_at__gt=now - DAY,
            state__in=(NoticeState.SENT, NoticeState.DELIVERED)).count()

    def _keep_pace(self) -> None:
        """At most SMS_PER_SECOND messages a second through the gateway, from this sender."""
        gap = 1.0 / max(1, settings.SMS_PER_SECOND)
        wait = self._last_send + gap - time.monotonic()
        if wait > 0:
            self._sleep(wait)
        self._last_send = time.monotonic()


def _local(at: datetime) -> str:
    local = timezone.localtime(at)
    return f"{local.month}月{local.day}日{local:%H:%M}"
