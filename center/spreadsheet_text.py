"""Text written into a spreadsheet stays text. Station names, queue-category names (a
terminal supplies them) and case numbers come from outside; a spreadsheet runs a cell
that starts with = + - @ (or a tab or carriage return before one) as a formula, e.g.
=HYPERLINK(...). One rule for every export (center/reports/exports.py,
center/publication/export.py):

- CSV: such text is written with a leading apostrophe, which Excel and LibreOffice read as
  "this is text" and do not show;
- XLSX (openpyxl): every text cell is stored as a string (data_type "s"), never as the
  formula openpyxl would otherwise make of it, and marked quote-prefixed so an edit in
  Excel keeps it text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: Any) -> Any:
    """The value for a CSV cell: text a spreadsheet would run gets a leading apostrophe;
    anything else is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def append_text_safe(sheet: Worksheet, values: Iterable[Any]) -> None:
    """``sheet.append`` with every text cell kept as text."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            starts_like_formula = cell.value.startswith(FORMULA_START)
            cell.data_type = "s"
            if starts_like_formula:
                cell.quotePrefix = True
