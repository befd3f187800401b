"""Making a new version, for district administrators: edit one item, upload a whole file,
start from the catalog the terminals ship with, or roll back to an older version. Every
new catalog is checked with the terminal's own rules and its difference from the current
one is shown before anything is kept."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from center.catalog.access import district_for_editing
from center.catalog.diff import catalog_diff
from center.catalog.drafts import Draft, drop_draft, get_draft, put_draft
from center.catalog.elements import ITEM_GROUPS
from center.catalog.forms import ItemForm, KeepForm, UploadForm, item_initial
from center.catalog.models import CatalogVersion, VersionKind
from center.catalog.toml_writer import catalog_toml, document_tables
from center.catalog.versions import (
    REPLACEMENT_ORIGIN,
    SHIPPED_CATALOG,
    CatalogChanged,
    VersionRefused,
    checked_catalog,
    current_version,
    keep_version,
    kept_document,
    refuse_unkeepable,
    roll_back,
    suggested_version,
)
from contract.catalog import ServiceItem, parse_catalog_document


def _offer(request: HttpRequest, district: str, draft: Draft) -> None:
    """Checks a new catalog as a terminal would and against the versions kept; raises
    VersionRefused, or leaves it for the person to review."""
    document = checked_catalog(draft.toml)
    refuse_unkeepable(district, document, draft.sha256, current_version(district))
    put_draft(request, district, draft)


@require_http_methods(["GET", "POST"])
def edit_item(request: HttpRequest, district: str, item_id: str) -> HttpResponse:
    district_for_editing(request, district)
    current = current_version(district)
    document = kept_document(current) if current else None
    item = next((i for i in document.items if i.id == item_id), None) if document else None
    if current is None or document is None or item is None:
        raise Http404(_("No such item in the current catalog."))
    refusal = ""
    if request.method == "POST":
        form = ItemForm(request.POST, document=document)
        if form.is_valid():
            tables = document_tables(document)
            tables["items"] = [form.item_table(item) if table["id"] == item.id else table
                               for table in tables["items"]]
            tables["catalog"].update(version=form.cleaned_data["version"],
                                     published=form.cleaned_data["published"])
            draft = Draft(catalog_toml(tables), VersionKind.EDIT, form.cleaned_data["why"],
                          current.pk, request.path)
            try:
                _offer(request, district, draft)
            except VersionRefused as problem:
                refusal = str(problem)
            else:
                return redirect("catalog:review", district)
    else:
        form = ItemForm(document=document, initial=_item_form_start(request, district, item,
                                                                  current.version))
    return render(request, "catalog/edit.html", {
        "district": district, "current": current, "item": item, "form": form,
        "groups": ITEM_GROUPS, "version_keys": ("version", "published", "why"),
        "refusal": refusal, "may_edit": True, "tab": "items"})


def _item_form_start(request: HttpRequest, district: str, item: ServiceItem,
                     current: str) -> dict[str, object]:
    """The form as the item stands, or, coming back from the difference to change it again,
    as the person left it."""
    draft = get_draft(request, district)
    if draft is not None and draft.kind == VersionKind.EDIT and draft.back == request.path:
        edited = parse_catalog_document(draft.toml, REPLACEMENT_ORIGIN)
        again = next((i for i in edited.items if i.id == item.id), None)
        if again is not None:
            return {**item_initial(again), "version": edited.info.version,
                    "published": edited.info.published, "why": draft.why}
    return {**item_initial(item), "version": suggested_version(district, current),
            "published": timezone.localdate().isoformat()}


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, district: str) -> HttpResponse:
    district_for_editing(request, district)
    current = current_version(district)
    refusal = ""
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            draft = Draft(form.cleaned_data["file"], VersionKind.UPLOAD,
                          form.cleaned_data["why"], current.pk if current else None,
                          request.path)
            try:
                _offer(request, district, draft)
            except VersionRefused as problem:
                refusal = str(problem)
            else:
                return redirect("catalog:review", district)
    else:
        form = UploadForm()
    return render(request, "catalog/upload.html", {
        "district": district, "current": current, "form": form, "refusal": refusal,
        "may_edit": True, "tab": "upload"})


@require_POST
def shipped(request: HttpRequest, district: str) -> HttpResponse:
    """Offers the catalog the terminals ship with, to start a district's history from."""
    district_for_editing(request, district)
    current = current_version(district)
    if not SHIPPED_CATALOG.is_file():     # an installation without the terminal's files
        raise Http404(SHIPPED_CATALOG.name)
    draft = Draft(SHIPPED_CATALOG.read_bytes(), VersionKind.SHIPPED,
                  _("the catalog the terminals ship with"), current.pk if current else None,
                  reverse("catalog:items", args=[district]))
    try:
        _offer(request, district, draft)
    except VersionRefused as problem:
        messages.error(request, str(problem))
        return redirect("catalog:items", district)
    return redirect("catalog:review", district)


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, district: str) -> HttpResponse:
    """The difference a new version makes, and keeping it."""
    district_for_editing(request, district)
    draft = get_draft(request, district)
    if draft is None:
        messages.error(request, _("There is nothing waiting to be kept: make the change again."))
        return redirect("catalog:items", district)
    current = current_version(district)
    if request.method == "POST":
        form = KeepForm(request.POST)
        if form.is_valid() and form.cleaned_data["sha256"] == draft.sha256:
            try:
                kept = keep_version(request.user, district, draft.toml, kind=draft.kind,
                                    note=form.cleaned_data["why"], based_on=draft.based_on)
            except CatalogChanged as problem:
                drop_draft(request, district)
                messages.error(request, str(problem))
                return redirect("catalog:items", district)
            except VersionRefused as problem:
                messages.error(request, str(problem))
                return redirect(draft.back)
            drop_draft(request, district)
            messages.success(request, _("Version %(version)s is kept and is now the district's "
                                        "catalog. Choose the terminals to send it to.")
                             % {"version": kept.version})
            return redirect(f"{reverse('catalog:terminals', args=[district])}?version={kept.pk}")
        messages.error(request, _("What you reviewed has been replaced by another change: "
                                  "look at this one before keeping it."))
    document = checked_catalog(draft.toml)
    return render(request, "catalog/review.html", {
        "district": district, "current": current, "draft": draft, "document": document,
        "diff": catalog_diff(kept_document(current) if current else None, document),
        "form": KeepForm(initial={"sha256": draft.sha256, "why": draft.why}),
        "stale": current is not None and current.pk != draft.based_on, "may_edit": True,
        "tab": "versions"})


@require_http_methods(["GET", "POST"])
def rollback(request: HttpRequest, district: str, pk: int) -> HttpResponse:
    district_for_editing(request, district)
    older = get_object_or_404(CatalogVersion, district=district, pk=pk)
    current = current_version(district)
    if request.method == "POST":
        based_on = request.POST.get("based_on", "")
        try:
            kept = roll_back(request.user, older, note=request.POST.get("why", "")[:300],
                             based_on=int(based_on) if based_on.isdigit() else None)
        except VersionRefused as problem:
            messages.error(request, str(problem))
            return redirect("catalog:versions", district)
        messages.success(request, _("Version %(version)s is the district's catalog again. "
                                    "Choose the terminals to send it to.")
                         % {"version": kept.version})
        return redirect(f"{reverse('catalog:terminals', args=[district])}?version={kept.pk}")
    return render(request, "catalog/rollback.html", {
        "district": district, "older": older, "current": current,
        "diff": catalog_diff(kept_document(current) if current else None, kept_document(older)),
        "may_edit": True, "tab": "versions"})
