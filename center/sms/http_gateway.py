"""The SMS gateway over HTTP: a JSON POST per message, signed with a shared secret; the
gateway pushes delivery receipts back to the center, signed the same way
(center/pickup/views_receipts.py).

The signature (both directions): X-Key-Id names the key, X-Timestamp is unix seconds,
X-Nonce is random, and X-Signature is base64 HMAC-SHA256 under the secret over
``method \\n target \\n timestamp \\n nonce \\n sha256hex(body)``, where the target is the
request's path (and ``?query``, if any). A receiver refuses a timestamp more than
SIGNATURE_WINDOW_S away from its clock and a nonce it has seen within that window, so a
request copied off the wire cannot be sent again.

Answers: 200 ``{"id": ...}`` is the gateway's message id. Throttling (429), a gateway
fault (5xx) or a refused signature (401/403: a key or a clock to fix, not this message) may
pass later; any other 4xx, with ``{"error": code}``, is about this message (a bad number)
and will not. A gateway that cannot be reached or does not answer within TIMEOUT_S is
unavailable; one that timed out may still have taken the message, so a retry can, rarely,
text the resident twice (as with SMPP: losing a notice would be worse).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from center.sms.gateway import GatewayRefused, GatewayUnavailable, OutgoingSms, Receipt

log = logging.getLogger(__name__)

TIMEOUT_S = 10.0
SIGNATURE_WINDOW_S = 300
ANSWER_LIMIT = 64 * 1024
# Statuses that say nothing against this message: it may go later.
RETRY_STATUSES = {401, 403, 408, 425, 429}
# A gateway's error code is shown to staff and kept in the notice's row: only a code.
ERROR_CODE = re.compile(r"[A-Za-z0-9_.\-]{1,40}")
NONCE = re.compile(r"[A-Za-z0-9_\-]{8,64}")

Header = Callable[[str], str | None]


# -- signing, shared by the adapter, the receipt view and the simulated gateway ------------

def request_target(url: str) -> str:
    """The path (and ``?query``) a URL's request is signed over."""
    parts = urllib.parse.urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def signature(secret: str, method: str, target: str, timestamp: str, nonce: str,
              body: bytes) -> str:
    signed = "\n".join([method.upper(), target, timestamp, nonce,
                        hashlib.sha256(body).hexdigest()])
    digest = hmac.new(secret.encode(), signed.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_headers(key_id: str, secret: str, method: str, target: str, body: bytes, *,
                   timestamp: int | None = None, nonce: str | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_urlsafe(18)
    return {"X-Key-Id": key_id, "X-Timestamp": stamp, "X-Nonce": nonce,
            "X-Signature": signature(secret, method, target, stamp, nonce, body)}


class SignatureRefused(Exception):
    """A request that is not signed by the holder of the secret, now and once; ``reason``
    is a code for the answer and the log (unsigned, unknown_key, stale, bad_signature,
    replayed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_signature(header: Header, *, key_id: str, secret: str, method: str, target: str,
                    body: bytes, now: float, first_use: Callable[[str], bool]) -> None:
    """Raises SignatureRefused unless the request is signed, fresh and new.

    ``first_use(nonce)`` records the nonce and says whether it is new; it is asked only
    once the signature is good, so nobody without the secret can use up nonces.
    """
    given_key, stamp, nonce, given = (header("X-Key-Id"), header("X-Timestamp"),
                                      header("X-Nonce"), header("X-Signature"))
    if not (stamp and nonce and given):
        raise SignatureRefused("unsigned")
    if not secret or given_key != key_id:
        raise SignatureRefused("unknown_key")
    if not stamp.isdigit() or abs(now - int(stamp)) > SIGNATURE_WINDOW_S:
        raise SignatureRefused("stale")
    if not NONCE.fullmatch(nonce):
        raise SignatureRefused("bad_signature")
    expected = signature(secret, method, target, stamp, nonce, body)
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise SignatureRefused("bad_signature")
    if not first_use(nonce):
        raise SignatureRefused("replayed")


# -- receipts as the gateway pushes them ----------------------------------------------------

@dataclass(frozen=True)
class PushedReceipt:
    receipt: Receipt
    at: str                     # when the gateway saw the outcome, as it says


def read_pushed_receipt(body: bytes) -> PushedReceipt:
    """``{"id", "delivered", "status", "at"}``; ValueError when it is not that."""
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("a receipt is a JSON object")
    gateway_id, delivered, status = data.get("id"), data.get("delivered"), data.get("status")
    if not isinstance(gateway_id, str) or not gateway_id or len(gateway_id) > 80:
        raise ValueError("a receipt names the message it is for (id)")
    if not isinstance(delivered, bool):
        raise ValueError("a receipt says whether the message was delivered (true or false)")
    reason = status if isinstance(status, str) and ERROR_CODE.fullmatch(status) else (
        "DELIVRD" if delivered else "UNDELIV")
    return PushedReceipt(Receipt(gateway_id, delivered, reason), str(data.get("at", ""))[:40])


# -- the adapter ------------------------------------------------------------------------------

class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is a misconfigured address: urllib would follow it as a GET, unsigned (and
    carry a bearer token to another host)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# Shared with the case directory's HTTP adapter, which must not carry its token elsewhere.
NO_REDIRECTS = urllib.request.build_opener(_NoRedirects)


class HttpGateway:
    name = "http"

    def __init__(self, url: str, key_id: str, secret: str, *,
                 timeout_s: float = TIMEOUT_S) -> None:
        self.url = url
        self.key_id = key_id
        self.secret = secret
        self.timeout_s = timeout_s
        self._target = request_target(url)
        self._opener = NO_REDIRECTS

    def send(self, sms: OutgoingSms) -> list[str]:
        body = json.dumps({"reference": sms.reference, "to": sms.to, "text": sms.text,
                           "sentAt": datetime.now(UTC).isoformat(timespec="seconds")},
                          ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "Accept": "application/json",
            **signed_headers(self.key_id, self.secret, "POST", self._target, body)})
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                status, answer = response.status, response.read(ANSWER_LIMIT)
        except urllib.error.HTTPError as error:
            status, answer = error.code, error.read(ANSWER_LIMIT)
            error.close()
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise GatewayUnavailable(f"the SMS gateway cannot be reached: {reason}") from None
        return self._ids_or_refusal(sms, status, answer)

    def _ids_or_refusal(self, sms: OutgoingSms, status: int, answer: bytes) -> list[str]:
        code = _error_code(answer)
        if 200 <= status < 300:
            gateway_id = _field(answer, "id")
            if gateway_id:
                return [gateway_id]
            raise GatewayRefused("the gateway's answer named no message", retry=True)
        retry = status in RETRY_STATUSES or status >= 500 or status < 400
        log.warning("the SMS gateway answered %d (%s) for notice %s", status,
                    code or "no code", sms.reference)
        raise GatewayRefused(code or f"http_{status}", retry=retry)

    def take_receipts(self) -> list[Receipt]:
        return []               # this gateway pushes its receipts to the center's view

    def close(self) -> None:
        self._opener.close()


def _field(answer: bytes, name: str) -> str:
    try:
        data = json.loads(answer)
    except ValueError:
        return ""
    value = data.get(name) if isinstance(data, dict) else None
    return value if isinstance(value, str) and 0 < len(value) <= 80 else ""


def _error_code(answer: bytes) -> str:
    code = _field(answer, "error")
    return code if ERROR_CODE.fullmatch(code) else ""
