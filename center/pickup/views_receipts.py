"""Delivery receipts an HTTP SMS gateway pushes to the center (center/sms/http_gateway.py).

Machine to machine: no session and no CSRF token, but every receipt is signed with the
gateway's shared secret, fresh (SIGNATURE_WINDOW_S) and new (its nonce is kept in Django's
cache for the window, both ways round), or it is refused with 403 and changes nothing.
Answers: 200 applied; 404 an id this center does not know, 409 a message the sender is
still recording (both: push again later, as gateways do); 400 a body that is no receipt.

The nonces live in the cache CACHES names: with several center processes behind one
address, that must be a cache they share, or a receipt could be replayed to another one.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from center.pickup.receipts import ReceiptOutcome, apply_receipt
from center.sms.http_gateway import (
    SIGNATURE_WINDOW_S,
    HttpGateway,
    SignatureRefused,
    check_signature,
    read_pushed_receipt,
)

log = logging.getLogger(__name__)

BODY_LIMIT = 16 * 1024
# A timestamp is accepted up to the window either side of now: its nonce must outlive both.
NONCE_KEPT_S = 2 * SIGNATURE_WINDOW_S + 60
ANSWERS = {ReceiptOutcome.APPLIED: (200, {"ok": True}),
           ReceiptOutcome.UNKNOWN: (404, {"error": "unknown_message"}),
           ReceiptOutcome.TOO_EARLY: (409, {"error": "not_recorded_yet"})}


@csrf_exempt
@login_not_required
@require_POST
def receipt_callback(request: HttpRequest) -> JsonResponse:
    http = settings.SMS_HTTP
    if not http["SECRET"]:
        return JsonResponse({"error": "no_http_gateway"}, status=404)
    length = request.headers.get("Content-Length") or "0"
    if not length.isdigit() or int(length) > BODY_LIMIT:
        return JsonResponse({"error": "too_large"}, status=413)
    body = request.body
    key_id = str(http["KEY_ID"])
    try:
        check_signature(request.headers.get, key_id=key_id, secret=str(http["SECRET"]),
                        method=request.method or "POST", target=request.get_full_path(),
                        body=body, now=time.time(),
                        first_use=lambda nonce: _first_use(key_id, nonce))
    except SignatureRefused as refused:
        log.warning("an SMS receipt was refused (%s) from %s", refused.reason,
                    request.META.get("REMOTE_ADDR", "?"))
        return JsonResponse({"error": refused.reason}, status=403)
    try:
        pushed = read_pushed_receipt(body)
    except ValueError as error:
        return JsonResponse({"error": "bad_receipt", "detail": str(error)}, status=400)
    with transaction.atomic():
        outcome = apply_receipt(pushed.receipt, HttpGateway.name, timezone.now(),
                                hold_while_sending=True)
    if outcome != ReceiptOutcome.APPLIED:
        log.info("SMS receipt for %s: %s", pushed.receipt.gateway_id, outcome.value)
    status, answer = ANSWERS[outcome]
    return JsonResponse(answer, status=status)


def _first_use(key_id: str, nonce: str) -> bool:
    key = "sms-receipt-nonce:" + hashlib.sha256(f"{key_id}\n{nonce}".encode()).hexdigest()
    return cache.add(key, 1, timeout=NONCE_KEPT_S)
