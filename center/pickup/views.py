"""The center's pages for results in lockers and the notices that told their applicants: the
list (/pickup/), one deposit with every notice and its attempts, asking its terminal for a
new code (/pickup/<id>/new-code/), and in the demo the simulated SMSC's handset
(/pickup/demo-sms/).

A station manager sees their own stations' deposits (others are 404, as for terminals); a
viewer looks but may not ask for a new code (403). No page here shows a pickup code: a
deposit keeps only the sealed form, a notice only the hash of its link, and numbers are
shown masked. The demo page is the one exception, on purpose: it is `make run`'s simulated
phone, which the residents' notices reach."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from center.accounts.roles import DISTRICT_ADMIN, may_act_on, role_of, visible_terminals
from center.commands.issue import CommandRefused, issue_command
from center.commands.models import Command, CommandState
from center.fleet.models import Station, Terminal
from center.pickup.models import CaseContact, Deposit, DepositState, NoticeState, PickupNotice
from center.pickup.phones import PhoneError, masked, normalised

PAGE_SIZE = 50
REISSUE = "locker.reissue_code"
UNANSWERED = (CommandState.PENDING, CommandState.SENT)
# After a command's answer, or a notice's sending, the page keeps looking this long: the
# terminal's event and the notice's receipt come a moment later.
SETTLING = timedelta(minutes=5)
# The demo page reads at most this much of the end of the SMSC's record.
DEMO_TAIL_BYTES = 256 * 1024
DEMO_SHOWN = 200

SIZE_NAMES = {"S": pgettext_lazy("compartment size", "small"),
              "M": pgettext_lazy("compartment size", "medium"),
              "L": pgettext_lazy("compartment size", "large")}


class DepositFilter(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False,
                              choices=[("", gettext_lazy("Every state")),
                                       *DepositState.choices])
    station = forms.ModelChoiceField(label=gettext_lazy("Station"), required=False,
                                     queryset=Station.objects.none(),
                                     empty_label=gettext_lazy("All stations"))
    terminal = forms.CharField(label=gettext_lazy("Terminal"), required=False, max_length=64)
    case = forms.CharField(label=gettext_lazy("Case number"), required=False, max_length=64)

    def __init__(self, data: object, terminals: QuerySet[Terminal]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        station = self.fields["station"]
        assert isinstance(station, forms.ModelChoiceField)
        station.queryset = Station.objects.filter(terminals__in=terminals).distinct()

    def apply(self, deposits: QuerySet[Deposit]) -> QuerySet[Deposit]:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("state"):
            deposits = deposits.filter(state=data["state"])
        if data.get("station"):
            deposits = deposits.filter(terminal__station=data["station"])
        if data.get("terminal"):
            deposits = deposits.filter(terminal__terminal_id=data["terminal"].strip())
        if data.get("case"):
            deposits = deposits.filter(case_number=data["case"].strip())
        return deposits


class NewCodeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why a new code"), max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: the resident lost the message. It is kept in "
                               "the audit trail."))


@dataclass(frozen=True)
class NoticeLine:
    notice: PickupNotice
    words: str


@dataclass(frozen=True)
class DepositRow:
    deposit: Deposit
    size: str
    phone: str                          # masked, or empty: no number on file
    notices: list[NoticeLine]


@dataclass(frozen=True)
class HandsetLine:
    to: str                             # masked
    sender: str
    text: str
    parts: int
    at: datetime | None


@require_GET
def deposit_list(request: HttpRequest) -> HttpResponse:
    visible = visible_terminals(request.user)
    filters = DepositFilter(request.GET or None, visible)
    deposits = filters.apply(Deposit.objects.filter(terminal__in=visible)).select_related(
        "terminal__station").prefetch_related("notices").order_by("-stored_at", "-pk")
    page = Paginator(deposits, PAGE_SIZE).get_page(request.GET.get("page"))
    phones = _masked_numbers({d.case_number for d in page})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "pickup/deposits.html", {
        "page": page, "rows": [_row(d, phones) for d in page], "filters": filters,
        "filtered": bool(request.GET), "query": query.urlencode(),
        "demo_sms": bool(settings.DEMO_SMS_RECORD)
        and role_of(request.user) == DISTRICT_ADMIN})


@require_GET
@vary_on_headers("HX-Request")
def deposit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The deposit, its notices and the new codes asked for; htmx asks for all of it but the
    links (_progress.html) while something is under way, so the facts and the new-code card
    follow the notices."""
    deposit = _visible_deposit(request, pk)
    notices = list(deposit.notices.prefetch_related("messages"))
    reissues = list(_reissues(deposit))
    now = timezone.now()
    context = {
        "deposit": deposit,
        "row": _row(deposit, _masked_numbers({deposit.case_number}), notices),
        "notices": notices, "reissues": reissues,
        "in_flight": _in_flight(reissues, notices, now),
        "may_reissue": deposit.state == DepositState.WAITING
        and may_act_on(request.user, deposit.terminal),
        "reissue_waiting": any(c.state in UNANSWERED for c in reissues),
    }
    template = ("pickup/_progress.html" if request.headers.get("HX-Request")
                else "pickup/deposit.html")
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def new_code(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirming, with a reason, that the terminal should give a waiting result a new code
    (the old one stops working); the signed command is audited by issue_command."""
    deposit = _visible_deposit(request, pk)
    if not may_act_on(request.user, deposit.terminal):
        raise PermissionDenied(_("Your role may look at this result but not ask for a new "
                                 "code."))
    if deposit.state != DepositState.WAITING:
        messages.error(request, _("Only a result still waiting in the locker can get a new "
                                  "code."))
        return redirect("pickup:deposit", deposit.pk)
    if any(c.state in UNANSWERED for c in _reissues(deposit)):
        # A second request would only send the resident two codes in a row.
        messages.error(request, _("A new code was already asked for; wait for the "
                                  "terminal's answer below."))
        return redirect("pickup:deposit", deposit.pk)
    form = NewCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            issue_command(request.user, deposit.terminal, REISSUE,
                          {"deposit": deposit.deposit_id}, reason=form.cleaned_data["reason"])
        except CommandRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Asked %(terminal)s for a new code. Its answer, and "
                                        "then the new notice, appear below.")
                             % {"terminal": deposit.terminal.terminal_id})
            return redirect("pickup:deposit", deposit.pk)
    return render(request, "pickup/new_code.html", {
        "deposit": deposit, "form": form,
        "row": _row(deposit, _masked_numbers({deposit.case_number}), [])})


@require_GET
def demo_sms(request: HttpRequest) -> HttpResponse:
    """The demo's simulated phone: what the simulated SMSC delivered, newest first."""
    if not settings.DEMO_SMS_RECORD:
        raise Http404("no simulated SMSC here")
    if role_of(request.user) != DISTRICT_ADMIN:
        raise PermissionDenied(_("Only district administrators see the demo's phone."))
    return render(request, "pickup/demo_sms.html", {
        "messages_shown": _handset(Path(settings.DEMO_SMS_RECORD))})


# -- reading ------------------------------------------------------------------------------

def _visible_deposit(request: HttpRequest, pk: int) -> Deposit:
    return get_object_or_404(
        Deposit.objects.select_related("terminal__station"), pk=pk,
        terminal__in=visible_terminals(request.user))


def _reissues(deposit: Deposit) -> QuerySet[Command]:
    return Command.objects.filter(
        terminal=deposit.terminal, type=REISSUE, args__deposit=deposit.deposit_id
    ).select_related("issued_by").order_by("-issued_at")


def _masked_numbers(case_numbers: set[str]) -> dict[str, str]:
    return dict(CaseContact.objects.filter(case_number__in=case_numbers)
                .values_list("case_number", "phone_masked"))


def _row(deposit: Deposit, phones: dict[str, str],
         notices: list[PickupNotice] | None = None) -> DepositRow:
    shown = list(deposit.notices.all()) if notices is None else notices
    size = SIZE_NAMES.get(deposit.size)
    return DepositRow(deposit, str(size) if size else "—",
                      phones.get(deposit.case_number, ""),
                      [NoticeLine(n, notice_words(n)) for n in shown])


def _in_flight(reissues: list[Command], notices: list[PickupNotice], now: datetime) -> bool:
    """Whether the page should look again soon: a command not answered yet or answered a
    moment ago (the new code's event may follow it), or a notice not settled yet."""
    recent = now - SETTLING
    return any(c.state in UNANSWERED or (c.result_at is not None and c.result_at > recent)
               for c in reissues) or any(
        n.state in (NoticeState.PENDING, NoticeState.SENDING)
        or (n.state == NoticeState.SENT and n.sent_at is not None and n.sent_at > recent)
        for n in notices)


def notice_words(notice: PickupNotice) -> str:
    """A notice's state as staff read it: when, and why not."""
    state = notice.state
    if state == NoticeState.DELIVERED:
        return _("delivered %(at)s") % {"at": _local(notice.delivered_at)}
    if state == NoticeState.SENT:
        return _("sent %(at)s, no receipt yet") % {"at": _local(notice.sent_at)}
    if state == NoticeState.FAILED:
        return _("failed: %(why)s") % {"why": notice.last_error or _("no reason given")}
    if state == NoticeState.NO_CONTACT:
        return _("no number: the case directory has none for this case")
    if state == NoticeState.RETRYING:
        return _("will retry at %(at)s (%(why)s)") % {"at": _local(notice.next_try_at),
                                                       "why": notice.last_error}
    return str(notice.get_state_display())


def _local(at: datetime | None) -> str:
    return date_format(timezone.localtime(at), "Y-m-d H:i") if at else "—"


def _handset(record: Path) -> list[HandsetLine]:
    """The last messages of the SMSC's JSON-lines record (HandsetMessage), newest first."""
    try:
        with record.open("rb") as file:
            size = file.seek(0, 2)
            file.seek(max(0, size - DEMO_TAIL_BYTES))
            tail = file.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return []                       # nothing sent yet
    if size > DEMO_TAIL_BYTES:
        tail = tail[1:]                 # the first line read is a part of one
    shown: list[HandsetLine] = []
    for line in reversed(tail):
        try:
            message: dict[str, Any] = json.loads(line)
            shown.append(HandsetLine(
                _masked_address(str(message["to"])), str(message.get("sender", "")),
                str(message["text"]), int(message.get("parts", 1)),
                parse_datetime(str(message.get("submitted_at", "")))))
        except (ValueError, KeyError, TypeError):
            continue                    # a line being written, or not a message
        if len(shown) == DEMO_SHOWN:
            break
    return shown


def _masked_address(address: str) -> str:
    try:
        return masked(normalised(address))
    except PhoneError:
        return masked(address) if len(address) >= 7 else "****"
