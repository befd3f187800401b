"""Opening and ending a terminal's maintenance window, from the terminal's page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from center.accounts.roles import may_act_on, visible_terminals
from center.alarms.forms import MaintenanceForm
from center.alarms.maintenance import end_window, start_window
from center.alarms.models import MaintenanceWindow
from center.fleet.models import Terminal


@require_POST
def start(request: HttpRequest, district: str, terminal_id: str) -> HttpResponse:
    terminal = get_object_or_404(visible_terminals(request.user), district=district,
                                 terminal_id=terminal_id)
    _may_act(request, terminal)
    form = MaintenanceForm(request.POST)
    if form.is_valid():
        starts_at, ends_at = form.window(timezone.now())
        start_window(request.user, terminal, starts_at, ends_at, form.cleaned_data["reason"])
        messages.success(request, _("Maintenance window saved: nobody is told of this "
                                    "terminal's alarms or outages until it ends."))
    else:
        errors = " ".join(str(e) for field in form.errors.values() for e in field)
        messages.error(request, _("The maintenance window was not saved: %(errors)s") % {
            "errors": errors})
    return redirect("fleet:terminal", terminal.district, terminal.terminal_id)


@require_POST
def end(request: HttpRequest, window_id: int) -> HttpResponse:
    window = get_object_or_404(MaintenanceWindow.objects.select_related("terminal"),
                               pk=window_id, terminal__in=visible_terminals(request.user))
    _may_act(request, window.terminal)
    if end_window(request.user, window, timezone.now()):
        messages.success(request, _("Maintenance ended: people are told of this terminal "
                                    "again."))
    return redirect("fleet:terminal", window.terminal.district, window.terminal.terminal_id)


def _may_act(request: HttpRequest, terminal: Terminal) -> None:
    if not may_act_on(request.user, terminal):
        raise PermissionDenied(_("Your role may look at this terminal but not put it in "
                                 "maintenance."))
