"""Applying a delivery receipt to the notice it is for, whichever way it came: pulled from
an SMPP gateway by the sender's round (sender.py), or pushed by an HTTP gateway to the
center (center/pickup/views_receipts.py).

A receipt marks its gateway message delivered or not. A notice whose every message was
delivered is delivered; one with a message that was not has failed for good, and the
station's staff are told (they can call the applicant). The receipt's reason is the
gateway's own code; it never carries the number or the text.
"""

from __future__ import annotations

import enum
import logging
from datetime import datetime

from center.pickup.models import GatewayMessage, NoticeState, PickupNotice
from center.pickup.outcomes import finish, tell_staff
from center.sms.gateway import Receipt

log = logging.getLogger("center.pickup")


class ReceiptOutcome(enum.Enum):
    APPLIED = "applied"
    UNKNOWN = "unknown"             # no message of this gateway has that id
    TOO_EARLY = "too_early"         # the sender has not recorded the send yet


def apply_receipt(receipt: Receipt, gateway_name: str, now: datetime,
                  using: str = "default", *, hold_while_sending: bool = False
                  ) -> ReceiptOutcome:
    """Records ``receipt`` against the message ``gateway_name`` knows by its id.

    ``hold_while_sending``: a pushed receipt can arrive while the sender is still writing
    down that the gateway took the message (its save would then undo the receipt's
    outcome); such a receipt changes nothing and is TOO_EARLY, for the gateway to push
    again.
    """
    message = GatewayMessage.objects.using(using).select_related(
        "notice__deposit__terminal").filter(
        gateway=gateway_name, gateway_id=receipt.gateway_id).first()
    if message is None:
        return ReceiptOutcome.UNKNOWN
    notice = message.notice
    if hold_while_sending and notice.state == NoticeState.SENDING:
        return ReceiptOutcome.TOO_EARLY
    message.delivered, message.receipt = receipt.delivered, receipt.reason[:80]
    message.receipt_at = now
    message.save(using=using)
    outcomes = list(notice.messages.values_list("delivered", flat=True))
    if False in outcomes and notice.state != NoticeState.FAILED:
        finish(notice, NoticeState.FAILED, f"not delivered: {receipt.reason}", using)
        tell_staff(notice, now, f"the SMS did not reach the phone ({receipt.reason})", using)
    elif outcomes and all(outcomes):
        PickupNotice.objects.using(using).filter(pk=notice.pk).update(
            state=NoticeState.DELIVERED, delivered_at=now)
    return ReceiptOutcome.APPLIED
