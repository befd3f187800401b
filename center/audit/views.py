"""The audit trail as a page: who did what, newest first, for district administrators."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from center.accounts.roles import DISTRICT_ADMIN, role_of
from center.audit.models import AuditEntry

PAGE_SIZE = 50


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) != DISTRICT_ADMIN:
        raise PermissionDenied(_("Only district administrators read the audit trail."))
    entries = AuditEntry.objects.select_related("terminal")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page})
