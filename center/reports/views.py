"""The reports pages: the list of kept reports (/reports/), one report's page, which offers
to make a past period's report not kept yet, and its exports (CSV, XLSX, PDF).

A report is addressed by what it is: /reports/<district>/<period>/ for the district,
/reports/<district>/<period>/<station code>/ for a station (periods: 2026-12-05, 2026-W49,
2026-12, 2026-Q4). Who may read and make which: center/reports/access.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from center.accounts.roles import visible_stations
from center.catalog.access import visible_districts
from center.fleet.models import Station
from center.reports.access import (
    may_make,
    may_read,
    own_stations,
)
from center.reports.context import missing_context, report_context
from center.reports.exports import csv_response, pdf_response, xlsx_response
from center.reports.forms import ListFilter, OpenReport, scope_choices, too_early
from center.reports.making import PeriodNotClosed, kept, make_one
from center.reports.models import Report
from center.reports.periods import FIRST_REPORT_DAY, Period, local_zone
from center.reports.words import period_words

PER_PAGE = 50


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    districts = visible_districts(request.user)
    stations = list(visible_stations(request.user).order_by("district", "name"))
    today = timezone.now().astimezone(local_zone()).date()
    opener = OpenReport(request.GET if "open_kind" in request.GET else None,
                        scope_choices(districts, stations, every=False), today)
    if opener.is_bound and opener.is_valid():
        period = opener.cleaned_data["period"]
        district, _slash, code = opener.cleaned_data["open_scope"].partition("/")
        return redirect(_address(district, period, code or None))
    filters = ListFilter(request.GET or None, scope_choices(districts, stations, every=True))
    reports = Report.objects.filter(_readable(districts, request.user))
    if filters.is_valid():
        district, _slash, code = filters.cleaned_data["scope"].partition("/")
        if code:
            reports = reports.filter(district=district, station__code=code)
        elif district:
            reports = reports.filter(district=district, station__isnull=True)
        if filters.cleaned_data["kind"]:
            reports = reports.filter(kind=filters.cleaned_data["kind"])
    page = Paginator(reports.select_related("station").order_by(
        "-first_day", "kind", "district", "station__name"), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "reports/list.html", {
        "filters": filters, "opener": opener, "page": page,
        "rows": [_list_row(report) for report in page],
        "query": _without_page(request)})


def _readable(districts: list[str], user: Any) -> Q:
    """Every report for those who read all; a manager's own stations' and districts'."""
    stations = own_stations(user)
    if stations is None:
        return Q()
    return Q(station__isnull=True, district__in=districts) | Q(station__in=stations)


def _list_row(report: Report) -> dict[str, Any]:
    period = Period(report.kind, report.first_day, report.last_day)
    return {"report": report, "period_words": period_words(period),
            "address": _address(report.district, period,
                                report.station.code if report.station else None),
            "incomplete": len(report.figures.get("incomplete", []))}


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _address(district: str, period: Period, code: str | None) -> str:
    if code:
        return reverse("reports:station", args=[district, period, code])
    return reverse("reports:district", args=[district, period])


def _station(request: HttpRequest, district: str, code: str | None) -> Station | None:
    """The report's station (None for the district's), or 404 for one the person may not
    read."""
    station = None
    if code is not None:
        station = Station.objects.filter(district=district, code=code).first()
        if station is None:
            raise Http404("no such station")
    if not may_read(request.user, district, station):
        raise Http404("not this person's report")
    return station


@require_http_methods(["GET", "POST"])
def district_report(request: HttpRequest, district: str, period: Period) -> HttpResponse:
    return _report_page(request, district, period, None)


@require_http_methods(["GET", "POST"])
def station_report(request: HttpRequest, district: str, period: Period,
                   station: str) -> HttpResponse:
    return _report_page(request, district, period, station)


def _report_page(request: HttpRequest, district: str, period: Period,
                 code: str | None) -> HttpResponse:
    station = _station(request, district, code)
    if too_early(period):
        raise Http404(_("Reports begin on %(day)s.") % {"day": FIRST_REPORT_DAY.isoformat()})
    if request.method == "POST":
        if not may_make(request.user, station):
            raise PermissionDenied(_("Your role may read reports but not have them made."))
        try:
            make_one(district, station, period, timezone.now(), request.user)
        except PeriodNotClosed:
            messages.error(request, _("This period is not over yet: its report can be made "
                                      "once it has ended."))
        return redirect(request.path)
    found = kept(district, station, period)
    if found is None:
        return render(request, "reports/missing.html", {
            **missing_context(district, station.name if station else None, period),
            "closed": period.closed(timezone.now()),
            "may_make": may_make(request.user, station)})
    return render(request, "reports/report.html", {
        **report_context(found, request.user), "address": request.path})


@require_GET
def district_export(request: HttpRequest, district: str, period: Period,
                    fmt: str) -> HttpResponse:
    return _export(request, district, period, None, fmt)


@require_GET
def station_export(request: HttpRequest, district: str, period: Period, station: str,
                   fmt: str) -> HttpResponse:
    return _export(request, district, period, station, fmt)


def _export(request: HttpRequest, district: str, period: Period, code: str | None,
            fmt: str) -> HttpResponse:
    station = _station(request, district, code)
    if too_early(period):
        raise Http404(_("Reports begin on %(day)s.") % {"day": FIRST_REPORT_DAY.isoformat()})
    found = kept(district, station, period)
    if found is None:
        # Nothing kept to export yet: the report's page says so and offers to make it.
        return redirect(_address(district, period, code))
    context = report_context(found, request.user)
    name = f"report-{district}-{code + '-' if code else ''}{period.token}"
    if fmt == "csv":
        return csv_response(context, name)
    if fmt == "xlsx":
        return xlsx_response(context, name)
    return pdf_response(request, context, name)
