"""One report exported: CSV (every table one after another, UTF-8 with a byte-order mark
so that Excel reads the Chinese), an XLSX workbook (openpyxl: a summary sheet, then one
sheet per table, headers in Chinese, numbers as numbers) and a PDF (WeasyPrint: the
page's own body with the print stylesheet, the charts as the same inline SVG)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from center.reports.access import own_stations
from center.reports.pdf_fetch import fetch_nothing
from center.reports.tables import COUNT, Table
from center.spreadsheet_text import append_text_safe, spreadsheet_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNSAFE_IN_SHEET_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})
KEEP_PDF_SECONDS = 24 * 3600


def summary_lines(context: dict[str, Any]) -> list[list[str]]:
    """What the report is, when it was made, and its warnings, as label and value."""
    period = context["period"]
    lines = [[_("Report"), context["scope_words"]],
             [_("Period"), f"{context['period_words']} ({period.first_day.isoformat()} "
                           f"– {period.last_day.isoformat()})"],
             [_("Made"), context["generated"]]]
    if context["late"]:
        lines.append([_("Late data"), late_words(context)])
    for _terminal, line in context["incomplete"]:
        lines.append([_("Incomplete"), line])
    return lines


def late_words(context: dict[str, Any]) -> str:
    return _("%(count)d events of this period were received after the report was made "
             "(counted up to %(at)s); its figures are kept as they were.") % {
        "count": context["late"], "at": context["late_counted"]}


def _table_lines(table: Table) -> list[list[Any]]:
    lines: list[list[Any]] = [table.headers]
    lines += [[name, *table.cells(figures)] for name, figures in table.rows]
    if table.total is not None:
        lines.append([_("Total"), *table.cells(table.total)])
    return lines


def csv_response(context: dict[str, Any], name: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    # Station and queue-category names come from outside (a terminal names its queues):
    # text a spreadsheet would run as a formula is kept text (center/spreadsheet_text.py).
    for line in summary_lines(context):
        writer.writerow([spreadsheet_text(value) for value in line])
    for table in context["tables"]:
        writer.writerow([])
        writer.writerow([spreadsheet_text(str(table.title))])
        for line in _table_lines(table):
            writer.writerow(["" if value is None else spreadsheet_text(value)
                             for value in line])
    response = HttpResponse(("\ufeff" + out.getvalue()).encode("utf-8"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def xlsx_response(context: dict[str, Any], name: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Summary")
    for line in summary_lines(context):
        append_text_safe(sheet, line)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 90
    for table in context["tables"]:
        sheet = book.create_sheet(str(table.title).translate(UNSAFE_IN_SHEET_NAMES)[:31])
        for line in _table_lines(table):
            append_text_safe(sheet, line)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, column in enumerate(table.columns, start=2):
            if column.kind != COUNT:
                for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    row[0].number_format = "0.0"
        sheet.freeze_panes = "B2"
        sheet.column_dimensions["A"].width = 28
        for letter in "BCDEFGHIJ":
            sheet.column_dimensions[letter].width = 16
        if table.total is not None:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def pdf_response(request: HttpRequest, context: dict[str, Any], name: str) -> HttpResponse:
    response = HttpResponse(report_pdf(request, context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def report_pdf(request: HttpRequest, context: dict[str, Any]) -> bytes:
    """The report's PDF, made once per kept figures, language, the rows the person may see
    and the late-data note, then kept in the cache (a quarter's takes seconds to draw)."""
    # Imported when a PDF is asked for: it loads Pango.
    from weasyprint import HTML  # type: ignore[import-untyped]

    report = context["report"]
    stations = own_stations(request.user)
    seen = "all" if stations is None else ",".join(map(str, sorted(stations)))
    key = (f"report-pdf:{report.pk}:{report.generated_at.timestamp()}:{get_language()}:"
           f"{seen}:{context['late']}")
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    html = render_to_string("reports/print.html", context, request)
    pdf = bytes(HTML(string=html, base_url=request.build_absolute_uri("/"),
                     url_fetcher=fetch_nothing).write_pdf())
    cache.set(key, pdf, KEEP_PDF_SECONDS)
    return pdf
