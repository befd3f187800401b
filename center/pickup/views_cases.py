"""The case-number page, for district administrators and station managers: upload a case
system's export of case numbers and mobile numbers (imports.py), and look up one case
number to see whether a number is on file (only ever masked) and when it will be
forgotten. Viewers are refused (403): the numbers are personal data.

An upload is kept in memory for the request and dropped after it: it never reaches a
temporary file, the media folder or the database as a file."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from center.accounts.roles import DISTRICT_ADMIN, STATION_MANAGER, role_of, visible_terminals
from center.audit.log import record
from center.pickup.forms_cases import MOST_UPLOAD_BYTES, CaseLookupForm, CaseUploadForm
from center.pickup.imports import ImportRefused, ImportSummary, configured_columns, import_cases
from center.pickup.models import OPEN_STATES, CaseContact, Deposit

# The page lists this many skipped rows; the counts cover them all.
SKIPPED_SHOWN = 200


class MemoryUploadUpToCap(FileUploadHandler):
    """Keeps an uploaded file in memory, never in a temporary file, and stops reading past
    MOST_UPLOAD_BYTES of files in all (the rest of the request is read and thrown away)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.too_large = False
        self._buffer = io.BytesIO()
        self._received = 0          # over every file of the request, not each one

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self._received += len(raw_data)
        if self._received > MOST_UPLOAD_BYTES:
            self.too_large = True
            self._buffer = io.BytesIO()
            raise StopUpload(connection_reset=False)
        self._buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile:
        self._buffer.seek(0)
        return InMemoryUploadedFile(
            self._buffer, self.field_name, self.file_name or "upload", self.content_type,
            file_size, self.charset, self.content_type_extra)


def _may_use(request: HttpRequest) -> None:
    if role_of(request.user) not in (DISTRICT_ADMIN, STATION_MANAGER):
        raise PermissionDenied(_("Only district administrators and station managers may see "
                                 "applicants' mobile numbers."))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def case_import(request: HttpRequest) -> HttpResponse:
    """The role is checked and the upload handler set before the request's body is read
    (the CSRF check reads it; it runs next, in _case_import)."""
    _may_use(request)
    handler = MemoryUploadUpToCap(request)
    request.upload_handlers = [handler]
    return _case_import(request, handler)


@csrf_protect
def _case_import(request: HttpRequest, handler: MemoryUploadUpToCap) -> HttpResponse:
    summary: ImportSummary | None = None
    refusal = ""
    form = CaseUploadForm()
    if request.method == "POST":
        form = CaseUploadForm(request.POST, request.FILES)
        if handler.too_large:
            refusal = _("The file is larger than 20 MB: split it.")
            form = CaseUploadForm()
        elif form.is_valid():
            upload = form.files["file"]
            name = getattr(upload, "name", None) or "upload"
            try:
                summary = import_cases(form.cleaned_data["file"], name,
                                       form.cleaned_data["columns"])
            except ImportRefused as problem:
                refusal = str(problem)
            else:
                record(request.user, "pickup.cases_imported", source=summary.source,
                       imported=summary.imported, updated=summary.updated,
                       skipped=len(summary.skipped))
                form = CaseUploadForm()
    return render(request, "pickup/cases_import.html", {
        "form": form, "summary": summary, "refusal": refusal,
        "skipped": summary.skipped[:SKIPPED_SHOWN] if summary else [],
        "columns": configured_columns(), "lookup_form": CaseLookupForm()},
        status=413 if handler.too_large else 200)


@require_GET
def case_lookup(request: HttpRequest) -> HttpResponse:
    _may_use(request)
    form = CaseLookupForm(request.GET or None)
    context: dict[str, Any] = {"lookup_form": form, "looked_up": False}
    if form.is_valid():
        case = form.cleaned_data["case"]
        deposits = Deposit.objects.filter(case_number=case)
        # A station manager sees the cases of their own stations' lockers only, as on the
        # deposit pages; another station's case reads as unknown (404), never as a number.
        if role_of(request.user) != DISTRICT_ADMIN and not deposits.filter(
                terminal__in=visible_terminals(request.user)).exists():
            raise Http404(_("No result of yours has this case number."))
        contact = CaseContact.objects.filter(case_number=case).first()
        context.update(
            looked_up=True, case=case, contact=contact,
            open_deposits=deposits.filter(state__in=OPEN_STATES).count(),
            deposits=deposits.count(), retention_days=settings.PHONE_RETENTION_DAYS)
        # Who looked at whose number is itself personal data's trail: kept, without the
        # number.
        record(request.user, "pickup.case_looked_up", case=case, on_file=contact is not None)
    return render(request, "pickup/cases_lookup.html", context)
