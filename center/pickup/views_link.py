"""The page a notice's link opens on the resident's phone (/p/<token>): the pickup code as
the QR the terminal's scanner reads, and as 8 digits in large type, for as long as that code
opens the door; otherwise a plain page saying it no longer works, and why, naming no case.

Public: no sign-in. The token is the only key to the code, so it is kept like one. It is
looked up by its SHA-256 (all the notice keeps), never written to a log (Django's request
log names the path of every refused request: these responses say they are logged already),
lookups are limited per client address, and every answer is marked no-store and
no-referrer, so neither a cache nor the next site visited keeps the address."""

from __future__ import annotations

import base64
import io
import logging
import re

import qrcode
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from qrcode.image.pil import PilImage

from center.pickup.links import link_hash
from center.pickup.models import CARRIES_A_CODE, DepositState, PickupNotice
from center.pickup.opening import CodeUnopenable, open_pickup
from center.pickup.wording import SIZES
from center.secret_address import answer, too_many_lookups

log = logging.getLogger("center.pickup")

LOOKUPS_PER_MINUTE = 20
# links.new_link makes 22 characters of URL-safe base64; a little room either way.
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

COLLECTED, REPLACED, PAST = "collected", "replaced", "past"


@login_not_required
@require_GET
def pickup_link(request: HttpRequest, token: str) -> HttpResponse:
    if too_many_lookups(request, "pickup-link", LOOKUPS_PER_MINUTE):
        return answer(request, "pickup/link_closed.html", {"why": "busy"}, status=429)
    notice = None
    if TOKEN.fullmatch(token):
        notice = (PickupNotice.objects.select_related("deposit__terminal__station")
                  .filter(link_hash=link_hash(token), kind__in=CARRIES_A_CODE).first())
    if notice is None:
        return answer(request, "pickup/link_closed.html", {"why": "unknown"}, status=404)
    deposit = notice.deposit
    why_not = _why_not(notice)
    if why_not:
        return answer(request, "pickup/link_closed.html", {"why": why_not}, status=410)
    try:
        opened = open_pickup(deposit)
    except CodeUnopenable as error:
        # The notice's id, not the token: staff can find it, a log reader cannot use it.
        log.warning("pickup link of notice %s: %s", notice.pk, error)
        return answer(request, "pickup/link_closed.html", {"why": "unavailable"}, status=503)
    terminal = deposit.terminal
    return answer(request, "pickup/link.html", {
        "qr": qr_data_uri(opened.qr), "code": opened.code,
        "station": terminal.station.name if terminal.station else terminal.terminal_id,
        "size": SIZES.get(deposit.size, ""),
        "deadline": timezone.localtime(deposit.expires_at)})


def _why_not(notice: PickupNotice) -> str:
    """Why the notice's code no longer opens the door, or empty while it does."""
    deposit = notice.deposit
    if deposit.state == DepositState.COLLECTED:
        return COLLECTED
    if deposit.state != DepositState.WAITING or deposit.expires_at <= timezone.now():
        return PAST                     # overdue, or taken back by staff
    if notice.generation != deposit.code_generation:
        return REPLACED
    return ""


def qr_data_uri(text: str) -> str:
    """The QR as an inline PNG: made here, so the code goes to no other server."""
    # As the terminal draws its own: medium error correction and a full quiet zone, read
    # off a phone's glossy screen held at an angle to the scanner.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10,
                         border=4)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(image_factory=PilImage, fill_color="black",
                    back_color="white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
