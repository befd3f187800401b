"""Bulk commands from the fleet page: the command's arguments, then a confirmation page that
lists the terminals the current filters reach (only those the person may command), then one
signed command per terminal and a page following their progress."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from center.accounts.roles import visible_terminals
from center.commands.bulk import (
    BulkRefused,
    Targets,
    filter_query,
    issue_bulk,
    may_act_in_bulk,
    progress,
    progress_by_bulk,
    targets,
)
from center.commands.forms import AnnouncementForm, BulkConfirmForm, BulkSendingForm
from center.commands.hours_form import OpeningHoursForm
from center.commands.issue import CommandRefused
from center.commands.models import BulkAction, Command, CommandState
from center.commands.words import type_name, what_was_asked

PAGE_SIZE = 100
# A bulk action's page shows the terminals that need a look first.
NEEDS_A_LOOK = (CommandState.REJECTED, CommandState.FAILED, CommandState.EXPIRED)


@dataclass(frozen=True)
class Kind:
    """A command the fleet page offers for the filtered set."""

    command_type: str
    title: Any
    form: type[AnnouncementForm] | type[OpeningHoursForm] | None


KINDS = {
    "announcement": Kind("display.set_announcement",
                         gettext_lazy("An announcement on every home screen"), AnnouncementForm),
    "hours": Kind("station.set_opening_hours", gettext_lazy("Opening hours"),
                  OpeningHoursForm),
    "rebirth": Kind("presence.rebirth", gettext_lazy("Ask each terminal for its state again"),
                    None),
}


def _fleet_with(query: str) -> str:
    return reverse("fleet:list") + (f"?{query}" if query else "")


@require_http_methods(["GET", "POST"])
def bulk_new(request: HttpRequest, kind: str) -> HttpResponse:
    """GET: the arguments. POST step=review: the confirmation page. POST step=send: sent,
    if the set is still the one confirmed. POST step=edit: back to the arguments."""
    chosen_kind = KINDS.get(kind)
    if chosen_kind is None:
        raise Http404
    if not may_act_in_bulk(request.user):
        raise PermissionDenied(_("Your role may look at terminals but not command them."))
    query = filter_query(request.GET).urlencode()
    try:
        chosen = targets(request.user, request.GET)
    except BulkRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(_fleet_with(query))
    data = request.POST if request.method == "POST" else None
    args_form = chosen_kind.form(data) if chosen_kind.form else None
    sending = BulkSendingForm(data)
    step = request.POST.get("step", "edit")
    context = {"kind": kind, "spec": chosen_kind, "targets": chosen, "query": query,
               "args_form": args_form, "sending": sending, "fleet_url": _fleet_with(query)}
    if data is None or step == "edit" or not sending.is_valid() or (
            args_form is not None and not args_form.is_valid()):
        return render(request, "commands/bulk_new.html", context)

    args = args_form.args() if args_form is not None else {}
    confirm = BulkConfirmForm(initial={"token": uuid.uuid4(), "fingerprint": chosen.fingerprint})
    if step == "send":
        confirm = BulkConfirmForm(data)
        if confirm.is_valid() and confirm.cleaned_data["fingerprint"] == chosen.fingerprint:
            try:
                bulk = issue_bulk(request.user, chosen, chosen_kind.command_type, args,
                                  token=confirm.cleaned_data["token"],
                                  reason=sending.cleaned_data["note"],
                                  lifetime=sending.valid_for())
            except CommandRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, _("Sent to %(count)d terminals; their answers appear "
                                            "below as they arrive.") % {"count": bulk.count})
                return redirect("commands:bulk_detail", bulk.pk)
        elif confirm.is_valid():
            messages.warning(request, _("The terminals these filters match changed while you "
                                        "looked: check the list again before sending."))
            confirm = BulkConfirmForm(initial={"token": uuid.uuid4(),
                                               "fingerprint": chosen.fingerprint})
    return render(request, "commands/bulk_review.html", {
        **context, "confirm": confirm, "asked": what_was_asked(chosen_kind.command_type, args),
        "stations": _stations(chosen)})


def _stations(chosen: Targets) -> list[dict[str, Any]]:
    """Each station with its terminals, the first few named, for the confirmation page."""
    shown = 30
    return [{"name": name, "count": len(terminals),
             "named": [t.terminal_id for t in terminals[:shown]],
             "more": max(0, len(terminals) - shown)}
            for name, terminals in chosen.by_station()]


def _visible_bulk_actions(request: HttpRequest) -> QuerySet[BulkAction]:
    """Every bulk action reaching a terminal the person sees (a station manager: theirs)."""
    return BulkAction.objects.filter(
        commands__terminal__in=visible_terminals(request.user)).distinct()


@require_GET
def bulk_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_visible_bulk_actions(request).order_by("-issued_at"), 50).get_page(
        request.GET.get("page"))
    shown = [bulk.pk for bulk in page]
    counts = progress_by_bulk(Command.objects.filter(
        bulk__in=shown, terminal__in=visible_terminals(request.user)))
    rows = [{"bulk": bulk, "name": type_name(bulk.type),
             "asked": what_was_asked(bulk.type, bulk.args),
             "progress": counts.get(bulk.pk)} for bulk in page]
    return render(request, "commands/bulk_list.html", {"page": page, "rows": rows,
                                                       "may_act": may_act_in_bulk(request.user)})


@require_GET
@vary_on_headers("HX-Request")
def bulk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulk = get_object_or_404(_visible_bulk_actions(request), pk=pk)
    commands = (Command.objects.filter(bulk=bulk, terminal__in=visible_terminals(request.user))
                .select_related("terminal", "terminal__station"))
    ordered = commands.annotate(needs_a_look=Case(
        When(state__in=NEEDS_A_LOOK, then=Value(0)), default=Value(1),
        output_field=IntegerField())).order_by("needs_a_look", "terminal__terminal_id")
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"bulk": bulk, "name": type_name(bulk.type),
               "asked": what_was_asked(bulk.type, bulk.args), "progress": progress(commands),
               "page": page, "fleet_url": _fleet_with(bulk.query)}
    # htmx asks for the progress alone every few seconds while answers are still due.
    template = "commands/_bulk_progress.html" if request.headers.get("HX-Request") \
        else "commands/bulk_detail.html"
    return render(request, template, context)
