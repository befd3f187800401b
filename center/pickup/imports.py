"""Importing applicants' mobile numbers from a 一窗受理 case system's export (docs/center.md
"Case numbers and mobile numbers"): a CSV file (UTF-8, with or without a byte-order mark, or
GB18030, which is how Chinese spreadsheets usually save) or an XLSX workbook.

The columns are found by their headers: the usual Chinese ones by default, others by a
mapping ("case=办件编号,mobile=联系电话": CENTER_CASE_IMPORT_COLUMNS, or the caller's). Every
number is read strictly (phones.normalised); a row that cannot be used is skipped and
reported by its row number and why, never by what it held. The rest is written in one
transaction, each number encrypted (phones.vault) and kept masked beside it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from center.pickup.models import CaseContact
from center.pickup.phones import PhoneError, PhoneVault, masked, normalised, vault

DEFAULT_CASE_HEADERS = ("办件编号", "受理编号", "业务流水号")
DEFAULT_MOBILE_HEADERS = ("手机号码", "联系电话", "申请人手机")
# A title or a note may stand above the header row in an export.
HEADER_SEARCH_ROWS = 20
CASE_NUMBER_MAX = CaseContact._meta.get_field("case_number").max_length or 64
SOURCE_MAX = CaseContact._meta.get_field("source").max_length or 120
WRITE_BATCH = 1000
# Excel shows long digit strings in scientific notation and saves them so in CSV: the digits
# past the fifteenth are lost, so such a case number is not the case's.
SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?[eE]\+?[0-9]+")
MOBILE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"       # the old binary .xls format


class ImportRefused(ValueError):
    """The file as a whole cannot be imported; the message says why in the reader's
    language, and names no number."""


# Why a row was skipped. The words name the problem, never the cell's content.
NO_CASE = "no_case"
CASE_TOO_LONG = "case_too_long"
CASE_ROUNDED = "case_rounded"
NO_MOBILE = "no_mobile"
NOT_A_MOBILE = "not_a_mobile"
REPEATED = "repeated"
REASONS: dict[str, Promise] = {
    NO_CASE: _("no case number"),
    CASE_TOO_LONG: _("the case number is longer than 64 characters"),
    CASE_ROUNDED: _("the case number is in scientific notation (save the column as text)"),
    NO_MOBILE: _("no mobile number"),
    NOT_A_MOBILE: _("not a mobile number"),
    REPEATED: _("the same case number comes again further down; the later row is used"),
}


@dataclass(frozen=True)
class ColumnMapping:
    """The headers that may name each column, tried in this order."""

    case: tuple[str, ...] = DEFAULT_CASE_HEADERS
    mobile: tuple[str, ...] = DEFAULT_MOBILE_HEADERS

    def describe(self) -> str:
        return f"case={'|'.join(self.case)},mobile={'|'.join(self.mobile)}"


def parse_columns(text: str, start: ColumnMapping | None = None) -> ColumnMapping:
    """'case=办件编号,mobile=联系电话' (either part may be left out, and '|' separates headers
    tried in turn) over ``start``, the defaults unless given."""
    mapping = start or ColumnMapping()
    names: dict[str, tuple[str, ...]] = {"case": mapping.case, "mobile": mapping.mobile}
    for part in (p.strip() for p in text.replace("，", ",").split(",")):
        if not part:
            continue
        key, equals, value = part.partition("=")
        key = key.strip().lower()
        headers = tuple(h for h in (_header(v) for v in value.split("|")) if h)
        if not equals or key not in names or not headers:
            raise ImportRefused(gettext(
                "Cannot read the column mapping “%(part)s”: write case=<header> and/or "
                "mobile=<header>, separated by a comma.") % {"part": part})
        names[key] = headers
    return ColumnMapping(case=names["case"], mobile=names["mobile"])


def configured_columns() -> ColumnMapping:
    """The mapping settings.CASE_IMPORT_COLUMNS gives (CENTER_CASE_IMPORT_COLUMNS), over the
    defaults."""
    return parse_columns(getattr(settings, "CASE_IMPORT_COLUMNS", "") or "")


@dataclass(frozen=True)
class SkippedRow:
    row: int
    reason: str             # a key of REASONS

    def __str__(self) -> str:
        return gettext("row %(row)d: %(reason)s") % {"row": self.row,
                                                      "reason": REASONS[self.reason]}


@dataclass
class ImportSummary:
    source: str
    file_format: str                                # "CSV (GB18030)", "XLSX", ...
    header_row: int
    rows: int = 0                                   # rows below the header, blank ones aside
    imported: int = 0                               # case numbers new to the center
    updated: int = 0                                # known ones written again
    changed: int = 0                                # of those, with another number than before
    skipped: list[SkippedRow] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary in words, as the command prints it and the page shows it."""
        text = [
            gettext("%(source)s: %(format)s, headers in row %(row)d.") % {
                "source": self.source, "format": self.file_format, "row": self.header_row},
            gettext("Imported %(imported)d new case numbers, updated %(updated)d (%(changed)d "
                    "with a different mobile number), skipped %(skipped)d rows.") % {
                "imported": self.imported, "updated": self.updated, "changed": self.changed,
                "skipped": len(self.skipped)}]
        return text + [str(skipped) for skipped in self.skipped]


@dataclass(frozen=True)
class _Table:
    file_format: str
    rows: Iterator[tuple[int, list[str]]]      # (row number as a spreadsheet shows it, cells)


def import_cases(data: bytes, name: str, columns: ColumnMapping | None = None, *,
                 using: str = "default") -> ImportSummary:
    """Reads a case export and writes its numbers; raises ImportRefused for a file that
    cannot be read at all (and then writes nothing)."""
    phones = _vault()
    now = timezone.now()
    table = read_table(data)
    header_row, case_at, mobile_at = _find_header(table.rows, columns or configured_columns())
    summary = ImportSummary(source=_source(name, now), file_format=table.file_format,
                            header_row=header_row)
    found: dict[str, tuple[int, str]] = {}          # case number -> (row, mobile)
    for number, cells in table.rows:
        if not any(cells):
            continue
        summary.rows += 1
        case, mobile, problem = _read_row(cells, case_at, mobile_at)
        if problem:
            summary.skipped.append(SkippedRow(number, problem))
            continue
        earlier = found.get(case)
        if earlier is not None:
            summary.skipped.append(SkippedRow(earlier[0], REPEATED))
        found[case] = (number, mobile)
    summary.skipped.sort(key=lambda skipped: skipped.row)
    _write(found, summary, phones, now, using)
    return summary


def read_table(data: bytes) -> _Table:
    """The rows of a CSV text or of an XLSX workbook's first sheet, as text cells."""
    if data.startswith(XLSX_MAGIC):
        return _Table("XLSX", _xlsx_rows(data))
    if data.startswith(OLE_MAGIC):
        raise ImportRefused(gettext("This is the old Excel format (.xls): save it as XLSX or "
                                    "CSV and import that."))
    text, encoding = _decoded(data)
    return _Table(f"CSV ({encoding})", _csv_rows(text))


def _decoded(data: bytes) -> tuple[str, str]:
    # UTF-8 first: a GB18030 decoder accepts most UTF-8 bytes too, as nonsense.
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        return text, "UTF-8 BOM" if data.startswith(b"\xef\xbb\xbf") else "UTF-8"
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError:
        raise ImportRefused(gettext("The file is neither an XLSX workbook nor CSV text in "
                                    "UTF-8 or GB18030 (GBK).")) from None


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    sample = text[:64 * 1024]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        # Records, not lines: a quoted cell may hold a line break, and a spreadsheet shows
        # the record as one row.
        for number, cells in enumerate(reader, start=1):
            yield number, [_text(cell) for cell in cells]
    except csv.Error as error:
        raise ImportRefused(gettext("The CSV file cannot be read (row %(row)d: %(error)s).")
                            % {"row": reader.line_num, "error": error}) from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    # Imported here: only an XLSX import pays for loading openpyxl (no types-openpyxl in
    # the development packages yet).
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportRefused(gettext("The XLSX workbook cannot be opened.")) from None
    try:
        sheet = workbook.worksheets[0]
        # Some case systems write a wrong size into the sheet; read what is there instead.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_text(value) for value in values]
    finally:
        workbook.close()


def _text(value: object) -> str:
    """A cell as text: spreadsheets hand numbers over as int or float, and exports force
    text with a leading apostrophe or as ="..."."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip().lstrip("\ufeff").strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1].strip()
    return text.removeprefix("'").strip()


def _header(text: str) -> str:
    # NFKC: full-width letters and spaces as their plain forms; headers compared without
    # case or spaces.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _find_header(rows: Iterator[tuple[int, list[str]]],
                 columns: ColumnMapping) -> tuple[int, int, int]:
    """The header row's number and the case and mobile columns' positions; the rows
    iterator is left just below the header."""
    for number, cells in rows:
        headers = [_header(cell) for cell in cells]
        case_at = _column(headers, columns.case)
        mobile_at = _column(headers, columns.mobile)
        if case_at is not None and mobile_at is not None:
            return number, case_at, mobile_at
        if number >= HEADER_SEARCH_ROWS:
            break
    raise ImportRefused(gettext(
        "No header row with a case number column (%(case)s) and a mobile column (%(mobile)s) "
        "in the first %(rows)d rows. Name the columns with case=...,mobile=...") % {
        "case": " / ".join(columns.case), "mobile": " / ".join(columns.mobile),
        "rows": HEADER_SEARCH_ROWS})


def _column(headers: list[str], names: Iterable[str]) -> int | None:
    for name in names:
        wanted = _header(name)
        if wanted in headers:
            return headers.index(wanted)
    return None


def _read_row(cells: list[str], case_at: int, mobile_at: int) -> tuple[str, str, str]:
    """(case number, mobile, "") or ("", "", why it cannot be used)."""
    case = cells[case_at] if case_at < len(cells) else ""
    mobile = cells[mobile_at] if mobile_at < len(cells) else ""
    if not case:
        return "", "", NO_CASE
    if len(case) > CASE_NUMBER_MAX:
        return "", "", CASE_TOO_LONG
    if SCIENTIFIC.fullmatch(case):
        return "", "", CASE_ROUNDED
    if not mobile:
        return "", "", NO_MOBILE
    try:
        return case, normalised(unicodedata.normalize("NFKC", mobile)), ""
    except PhoneError:
        return "", "", NOT_A_MOBILE


def _write(found: dict[str, tuple[int, str]], summary: ImportSummary, phones: PhoneVault,
           now: datetime, using: str) -> None:
    cases = list(found)
    with transaction.atomic(using=using):
        known: dict[str, bytes] = {}
        for start in range(0, len(cases), WRITE_BATCH):
            known.update((case, bytes(cipher)) for case, cipher in CaseContact.objects.using(
                using).filter(case_number__in=cases[start:start + WRITE_BATCH]).values_list(
                "case_number", "phone_cipher"))
        contacts = []
        for case, (_row, mobile) in found.items():
            if case in known:
                summary.updated += 1
                summary.changed += _opened(phones, known[case]) != mobile
            else:
                summary.imported += 1
            contacts.append(CaseContact(
                case_number=case, phone_cipher=phones.seal(mobile), phone_masked=masked(mobile),
                source=summary.source, updated_at=now, forget_after=None))
        # One statement per batch whether the case is new or known (INSERT ... ON
        # CONFLICT DO UPDATE, on SQLite and PostgreSQL alike). A known case keeps its
        # forget date: importing an old export again must not bring back a number due to
        # go; a new result for the case clears it (pickup/intake.py).
        CaseContact.objects.using(using).bulk_create(
            contacts, batch_size=WRITE_BATCH, update_conflicts=True,
            unique_fields=["case_number"],
            update_fields=["phone_cipher", "phone_masked", "source", "updated_at"])


def _opened(phones: PhoneVault, cipher: bytes) -> str | None:
    try:
        return phones.open(cipher)
    except PhoneError:
        # Sealed under an older key: counted as changed, and sealed again under this one.
        return None


def _vault() -> PhoneVault:
    try:
        return vault()
    except PhoneError as error:
        raise ImportRefused(str(error)) from None


def _source(name: str, now: datetime) -> str:
    """The file's name and when it was imported, within the column's length. A mobile
    number in the name (an export named after its applicant) is masked: the source is shown
    on pages and kept in the audit trail."""
    when = timezone.localtime(now).strftime(" · %Y-%m-%d %H:%M")
    base = name.replace("\\", "/").rsplit("/", 1)[-1] or "upload"
    base = MOBILE_IN_TEXT.sub(lambda found: masked(found[0]), base)
    return base[:SOURCE_MAX - len(when)] + when
