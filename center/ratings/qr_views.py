"""The page a ticket slip's rating code opens on a resident's phone (/r/<token>): 好差评 of
the service at the window, for exactly that ticket, once.

Public: no sign-in, no cookie, nothing about the resident. The token is the terminal's
signed word that it issued the ticket (contract/rating_tokens.py), checked against the key
the terminal's birth announced (Terminal.rating_key), so it holds while the terminal is
offline and cannot be made up. Until the ticket ends the address is the ticket's own phone
page: where it stands from the terminal's events (issued with so many ahead, or called to a
window), looked at again every REFRESH_S. The page rates only a service given at a window:
the ticket's `queue.finished` event (figures.SERVICE_EVENTS["window"]) must be stored, which
also names the window. A ticket that ended as a no-show (`queue.no_show`) was not served:
its page says so kindly (409) and keeps nothing. A rating is kept by
center/ratings/intake.py's keep_ratings, in a transaction of its own (a QR rating is never
a flood); its unique (terminal, "window", ticket/day) keeps it once however often the code
is scanned.

Refused tokens (malformed, forged, expired, a terminal the center does not know) are
answered with a plain page and counted in the audit trail ("rating.qr_refused", with the
reason and the terminal when known; never the token). Lookups are limited per client
address, as the pickup link's are, and no answer is logged with its path."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from center.audit.log import record
from center.fleet.models import Terminal
from center.ingest.models import Event
from center.ratings.figures import NO_SHOW_EVENT, SERVICE_EVENTS
from center.ratings.intake import keep_ratings
from center.ratings.models import Rating
from center.ratings.qr_forms import ASKS_WHY, QrRatingForm
from center.secret_address import answer, too_many_lookups
from contract import rating_options
from contract.rating_tokens import (
    VALID_DAYS,
    RatingClaims,
    TokenExpired,
    TokenRefused,
    public_key_from_text,
    read_claims,
    verify,
)

log = logging.getLogger("center.ratings")

EVENT_KIND = "window"
CHANNEL = "qr"
LOOKUPS_PER_MINUTE = 30
REFRESH_S = 30                  # twice a minute: well inside the lookup limit
ISSUED, CALLED = "queue.ticket_issued", "queue.called"
SERVED = SERVICE_EVENTS[EVENT_KIND]
# Why a code is not taken, and the status of the answer.
STATUS = {"malformed": 400, "forged": 400, "unknown": 400, "expired": 410, "no_key": 503,
          "busy": 429, "no_show": 409}
# The faces, best first: their colour and the mouth's path on a 48-unit face.
FACES = {5: ("#1e8e3e", "M13 29 Q24 43 35 29"), 4: ("#66a83a", "M15 31 Q24 38 33 31"),
         3: ("#c99700", "M15 33 L33 33"), 2: ("#e8710a", "M15 36 Q24 29 33 36"),
         1: ("#c5221f", "M13 38 Q24 26 35 38")}


@dataclass(frozen=True)
class Service:
    """The ticket a genuine token names, as the terminal's events tell it."""

    terminal: Terminal
    claims: RatingClaims
    ended: bool                 # its queue.finished or queue.no_show is stored
    served: bool                # served at a window (queue.finished), so it may be rated
    window: int | None
    category: str
    progress: dict[str, Any]    # before it ended: issued (ahead, minutes) or called (window)

    @property
    def station(self) -> str:
        return self.terminal.station.name if self.terminal.station else ""


@login_not_required
# No cookie and no session: a forged request could only rate what its sender holds the
# code for, which they could rate themselves.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def rate_by_qr(request: HttpRequest, token: str) -> HttpResponse:
    if too_many_lookups(request, "rating-code", LOOKUPS_PER_MINUTE):
        return _closed(request, "busy")
    checked = _check(token)
    if isinstance(checked, str):
        return _closed(request, checked)
    service = checked
    if not service.ended:
        # The ticket's own phone page until it is served: where it stands, looked at again
        # every REFRESH_S; then the same address asks for the rating.
        return answer(request, "ratings/qr_waiting.html",
                      {"service": service, "progress": service.progress,
                       "refresh_s": REFRESH_S})
    if not service.served:
        return _closed(request, "no_show", service)
    if _rated(service):
        return answer(request, "ratings/qr_thanks.html", {"service": service, "again": True})
    form = QrRatingForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        kept = _keep(service, form.cleaned_data["level"], form.cleaned_data["options"])
        return answer(request, "ratings/qr_thanks.html",
                       {"service": service, "again": kept is None, "rating": kept})
    return answer(request, "ratings/qr_rate.html", _form_context(service, form),
                   status=400 if form.is_bound else 200)


def _check(token: str) -> Service | str:
    """The service a good token names, or why the token is not taken (counted)."""
    terminal = None
    try:
        claims = read_claims(token)
        terminal = (Terminal.objects.select_related("station")
                    .filter(district=claims.district, terminal_id=claims.terminal).first())
        if terminal is None:
            return _refused("unknown", None)
        if not terminal.rating_key:
            return _refused("no_key", terminal)
        claims = verify(public_key_from_text(terminal.rating_key), token,
                        timezone.localdate())
    except TokenExpired:
        return _refused("expired", terminal)
    except TokenRefused as refused:
        return _refused(refused.reason, terminal)
    return _service(terminal, claims)


def _refused(reason: str, terminal: Terminal | None) -> str:
    log.info("rating code refused (%s) for terminal %s", reason,
             terminal.terminal_id if terminal else "-")
    record(None, "rating.qr_refused", terminal, reason=reason)
    return reason


def _service(terminal: Terminal, claims: RatingClaims) -> Service:
    # The ticket's day is the terminal's; its events were committed that day, whatever
    # the time zone, so a window of three days around it finds them by index.
    start = datetime.combine(claims.day - timedelta(days=1), time.min, tzinfo=UTC)
    # Oldest first, so the latest call wins; a ticket missed and then called again may have
    # both ends: served wins.
    events = {event.type: event for event in Event.objects.filter(
        terminal=terminal, type__in=(ISSUED, CALLED, SERVED, NO_SHOW_EVENT),
        created_at__gte=start, created_at__lt=start + timedelta(days=3),
        payload__ticket=claims.ticket, payload__day=claims.day.isoformat()).order_by("seq")}
    end_event = events.get(SERVED) or events.get(NO_SHOW_EVENT)
    payload = end_event.payload if end_event is not None else {}
    window, category = payload.get("window"), payload.get("category")
    return Service(terminal, claims, end_event is not None, SERVED in events,
                   _window(window), category[:64] if isinstance(category, str) else "",
                   _progress(events.get(ISSUED), events.get(CALLED)))


def _window(value: Any) -> int | None:
    return value if type(value) is int and 0 < value < 1000 else None


def _progress(issued: Event | None, called: Event | None) -> dict[str, Any]:
    """Where a ticket not yet ended stands, from the terminal's own events."""
    if called is not None and _window(called.payload.get("window")) is not None:
        return {"state": "called", "window": called.payload["window"]}
    if issued is not None:
        ahead, estimate_s = issued.payload.get("ahead"), issued.payload.get("estimate_s")
        if type(ahead) is int and ahead >= 0:
            seconds = estimate_s if isinstance(estimate_s, int | float) else 0
            return {"state": "issued", "ahead": ahead,
                    "minutes": max(1, round(max(seconds, 0) / 60))}
    return {"state": "unknown"}


def _rated(service: Service) -> bool:
    return Rating.objects.filter(terminal=service.terminal, event_kind=EVENT_KIND,
                                 event_ref=service.claims.event_ref).exists()


def _keep(service: Service, level: int, options: list[int]) -> Rating | None:
    """The rating kept, or None when the service was rated meanwhile."""
    now = timezone.now()
    rating = Rating(terminal=service.terminal, event_kind=EVENT_KIND,
                    event_ref=service.claims.event_ref, channel=CHANNEL, level=level,
                    options=options, item=service.category, window=service.window,
                    rated_at=now, received_at=now)
    try:
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            new = keep_ratings([rating], now, DEFAULT_DB_ALIAS)
    except IntegrityError:          # the same code submitted twice at the same moment
        return None
    return new[0] if new else None


def _form_context(service: Service, form: QrRatingForm) -> dict[str, Any]:
    chosen = str(form["level"].value() or "") if form.is_bound else ""
    faces = [{"level": level.level, "words": level.words, "color": FACES[level.level][0],
              "mouth": FACES[level.level][1], "checked": chosen == str(level.level)}
             for level in rating_options.LEVELS]
    reasons = [{"level": level, "words": rating_options.level(level).words,
                "options": [{"code": option.code, "words": option.words,
                             "checked": str(option.code) in form.ticked(level)}
                            for option in rating_options.options_for(level)]}
               for level in ASKS_WHY]
    return {"service": service, "form": form, "faces": faces, "reasons": reasons}


def _closed(request: HttpRequest, why: str, service: Service | None = None) -> HttpResponse:
    return answer(request, "ratings/qr_closed.html",
                  {"why": why, "service": service, "valid_days": VALID_DAYS},
                  status=STATUS[why])
