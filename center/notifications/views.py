"""A person's notices in the page: newest first, unread ones marked; opening one marks it
read and goes to its alarm or terminal. District administrators also see the mails that
could not be delivered."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from center.accounts.roles import DISTRICT_ADMIN, role_of
from center.notifications.models import Delivery, MailState
from center.notifications.wording import describe

PAGE_SIZE = 30


def _me(request: HttpRequest) -> Any:
    """The person signed in (every page needs one: LoginRequiredMiddleware)."""
    return request.user


@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    mine = Delivery.objects.filter(user=_me(request)).select_related(
        "notice__terminal__station", "notice__alarm")
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    undelivered = []
    if role_of(request.user) == DISTRICT_ADMIN:
        undelivered = [(d, describe(d.notice)) for d in Delivery.objects.filter(
            mail_state__in=[MailState.PENDING, MailState.FAILED], attempts__gt=0,
        ).select_related("user", "notice__terminal__station", "notice__alarm")[:50]]
    return render(request, "notifications/list.html", {
        "page": page, "items": [(d, describe(d.notice)) for d in page],
        "undelivered": undelivered, "unread_here": mine.filter(read_at__isnull=True).exists()})


@require_GET
def open_notice(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """Marks the notice read and shows what it is about."""
    delivery = get_object_or_404(Delivery.objects.select_related(
        "notice__terminal", "notice__alarm"), pk=delivery_id, user=_me(request))
    Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(describe(delivery.notice).path)


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    """Only the person's own notices: any role may mark what it was told as read."""
    Delivery.objects.filter(user=_me(request), read_at__isnull=True).update(
        read_at=timezone.now())
    return redirect("notifications:list")
