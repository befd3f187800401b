"""Mailing deliveries through Django's mail backend (SMTP in production).

Each mail is claimed before it goes (PENDING -> SENDING, one conditional update), so two
notifiers never send the same one. A mail the server refuses, or that cannot reach it, goes
back to PENDING with the error and is tried again later (1, 2, 4 ... 60 minutes); after
MAX_ATTEMPTS it is FAILED for good. A claim older than RECLAIM_AFTER belongs to a notifier
that died while sending: it is tried again, so such a mail may arrive twice."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import translation
from django.utils.translation import gettext as _

from center.notifications.models import Delivery, MailState
from center.notifications.wording import describe

log = logging.getLogger(__name__)
RECLAIM_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 12
BATCH = 200
# The server answered about this one message; the next may still go.
MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                   smtplib.SMTPDataError)


@dataclass
class MailTotals:
    sent: int = 0
    failed: int = 0


def retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def send_due_mail(now: datetime, using: str = "default") -> MailTotals:
    deliveries = Delivery.objects.using(using)
    deliveries.filter(mail_state=MailState.SENDING, claimed_at__lt=now - RECLAIM_AFTER
                      ).update(mail_state=MailState.PENDING, claimed_at=None)
    due = list(deliveries.filter(mail_state=MailState.PENDING, next_attempt_at__lte=now)
               .select_related("notice__terminal__station", "notice__alarm")
               .order_by("next_attempt_at", "pk")[:BATCH])
    totals = MailTotals()
    connection = get_connection()
    with translation.override(settings.LANGUAGE_CODE):
        for delivery in due:
            claimed = deliveries.filter(pk=delivery.pk, mail_state=MailState.PENDING).update(
                mail_state=MailState.SENDING, claimed_at=now)
            if not claimed:
                continue                # another notifier has it
            text = describe(delivery.notice)
            message = EmailMessage(_("[District center] %(title)s") % {"title": text.title},
                                   text.mail_body(), settings.DEFAULT_FROM_EMAIL,
                                   [delivery.address], connection=connection)
            try:
                message.send()
            except OSError as error:    # smtplib's errors are OSErrors too
                totals.failed += 1
                _failed(delivery, error, now, using)
                connection.close()
                if not isinstance(error, MESSAGE_REFUSED):
                    break               # the server is out of reach: the rest wait
            else:
                totals.sent += 1
                deliveries.filter(pk=delivery.pk).update(
                    mail_state=MailState.SENT, sent_at=now, attempts=delivery.attempts + 1,
                    last_error="", claimed_at=None)
    connection.close()
    return totals


def _failed(delivery: Delivery, error: OSError, now: datetime, using: str) -> None:
    attempts = delivery.attempts + 1
    reason = _in_words(error)[:300]
    log.warning("mail to %s failed (attempt %d): %s", delivery.address, attempts, reason)
    Delivery.objects.using(using).filter(pk=delivery.pk).update(
        mail_state=MailState.FAILED if attempts >= MAX_ATTEMPTS else MailState.PENDING,
        attempts=attempts, last_error=reason, next_attempt_at=now + retry_delay(attempts),
        claimed_at=None)


def _in_words(error: OSError) -> str:
    """What the server said ("451 4.3.0 Mailbox busy"), or why it could not be reached."""
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address}: {code} {_text(said)}"
                         for address, (code, said) in error.recipients.items())
    return str(error) or type(error).__name__


def _text(said: bytes | str) -> str:
    return said.decode(errors="replace") if isinstance(said, bytes) else said
