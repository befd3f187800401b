"""Importing a case system's export: CSV in UTF-8, UTF-8 with a BOM and GB18030, XLSX made
here with openpyxl; the columns found by their usual Chinese headers or by a mapping; rows
that cannot be used counted by row number and reason, never echoed; numbers stored
encrypted and masked; a second import updates. On SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from center.pickup.imports import (
    ColumnMapping,
    ImportRefused,
    SkippedRow,
    configured_columns,
    import_cases,
    parse_columns,
)
from center.pickup.models import CaseContact
from center.pickup.phones import PhoneVault
from tests.fixtures.center_db import DATABASES

pytestmark = pytest.mark.django_db(databases=DATABASES)

# An export as a case system writes it: the applicant's name and ID beside the numbers,
# which the import must leave alone.
EXPORT_ROWS = [
    ["办件编号", "申请人", "手机号码", "事项名称"],
    ["XC-2026-0001", "张三", "13800138000", "居住证办理"],
    ["XC-2026-0002", "李四", "+86 139-0013-9000", "营业执照"],
    ["XC-2026-0003", "王五", "010-62345678", "社保卡"],       # a landline: no SMS
    ["", "赵六", "13700137000", "医保"],
    ["XC-2026-0005", "钱七", "", "公积金"],
]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    return "\r\n".join(",".join(row) for row in rows).encode(encoding) + b"\r\n"


def contact(using: str, case: str) -> CaseContact:
    return CaseContact.objects.using(using).get(case_number=case)


def every_eleven_digits(text: str) -> list[str]:
    return re.findall(r"1[3-9]\d{9}", re.sub(r"[\s\-+]", "", text))


def test_a_utf8_export_is_imported_encrypted_and_masked(using, phone_key: PhoneVault):
    summary = import_cases(csv_bytes(EXPORT_ROWS), "cases-1205.csv", using=using)

    assert (summary.file_format, summary.header_row, summary.rows) == ("CSV (UTF-8)", 1, 5)
    assert (summary.imported, summary.updated, summary.changed) == (2, 0, 0)
    assert summary.skipped == [SkippedRow(4, "not_a_mobile"), SkippedRow(5, "no_case"),
                               SkippedRow(6, "no_mobile")]
    first = contact(using, "XC-2026-0001")
    cipher = bytes(first.phone_cipher)
    assert b"13800138000" not in cipher
    assert b"0013" not in cipher
    assert phone_key.open(cipher) == "13800138000"
    assert first.phone_masked == "138****8000"
    assert first.forget_after is None
    assert first.source.startswith("cases-1205.csv · ")
    assert abs(first.updated_at - timezone.now()) < timedelta(minutes=1)
    second = contact(using, "XC-2026-0002")
    assert (phone_key.open(bytes(second.phone_cipher)), second.phone_masked) == (
        "13900139000", "139****9000")
    # Two seals of one number differ (a fresh nonce each): the cipher says nothing.
    assert phone_key.seal("13800138000") != cipher
    assert CaseContact.objects.using(using).count() == 2


def test_the_summary_names_rows_and_reasons_never_numbers_or_names(using, phone_key):
    summary = import_cases(csv_bytes(EXPORT_ROWS), "cases.csv", using=using)

    text = "\n".join(summary.lines())
    assert "第 4 行：不是手机号码" in text          # zh_Hans, the center's language
    assert every_eleven_digits(text) == []
    assert "62345678" not in text
    assert not {"张三", "李四", "王五", "赵六", "钱七"} & set(re.findall(r"\w\w", text))


def test_a_mobile_number_in_the_file_name_is_masked_in_the_source(using, phone_key):
    summary = import_cases(csv_bytes(EXPORT_ROWS), "C:\\导出\\张三13800138000-20261205.csv",
                           using=using)

    assert summary.source.startswith("张三138****8000-20261205.csv · ")
    assert contact(using, "XC-2026-0001").source == summary.source


def test_utf8_with_a_bom_and_the_other_usual_headers(using, phone_key):
    rows = [["受理编号", "联系电话"], ["XC-2026-0101", "13600136000"],
            ["XC-2026-0102", "15900159000"]]
    data = b"\xef\xbb\xbf" + csv_bytes(rows)

    summary = import_cases(data, "受理清单.csv", using=using)

    assert (summary.file_format, summary.imported, summary.skipped) == (
        "CSV (UTF-8 BOM)", 2, [])
    # The BOM is not part of the first header, nor of any case number.
    assert phone_key.open(bytes(contact(using, "XC-2026-0101").phone_cipher)) == "13600136000"


def test_gb18030_with_a_title_row_above_the_headers(using, phone_key):
    rows = [["花山镇便民服务站办件清单（2026年12月）", "", ""],
            ["业务流水号", "申请人手机", "办理结果"],
            ["HS20261205001", "18800188000", "已办结"],
            ["HS20261205002", "１８６ ００１８ ６０００", "已办结"]]     # full-width digits
    data = csv_bytes(rows, "gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    summary = import_cases(data, "清单.csv", using=using)

    assert (summary.file_format, summary.header_row, summary.imported) == (
        "CSV (GB18030)", 2, 2)
    assert phone_key.open(bytes(contact(using, "HS20261205002").phone_cipher)) == "18600186000"


def test_an_xlsx_export_with_numbers_stored_as_numbers(using, phone_key, tmp_path: Path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "办件编号", "申请人", "手机号码"])
    sheet.append([1, "XC-2026-0201", "张三", 13800138000])        # an integer cell
    sheet.append([2, 20261205000003, "李四", 13900139000.0])      # a float cell, a numeric case
    sheet.append([])                                              # a blank row: not counted
    sheet.append([4, "XC-2026-0204", "王五", "1380013800"])       # ten digits
    sheet.append([5, "'XC-2026-0205", "钱七", "'15000150000"])    # forced text
    buffer = io.BytesIO()
    workbook.save(buffer)

    summary = import_cases(buffer.getvalue(), "export.xlsx", using=using)

    assert (summary.file_format, summary.rows, summary.imported) == ("XLSX", 4, 3)
    assert summary.skipped == [SkippedRow(5, "not_a_mobile")]
    assert phone_key.open(bytes(contact(using, "XC-2026-0201").phone_cipher)) == "13800138000"
    assert phone_key.open(bytes(contact(using, "20261205000003").phone_cipher)) == \
        "13900139000"
    assert contact(using, "XC-2026-0205").phone_masked == "150****0000"


def test_a_mapping_picks_other_columns(using, phone_key, settings):
    rows = [["办件编号", "窗口编号", "手机号码", "经办人电话"],
            ["XC-1", "W-1", "13800138000", "13911112222"]]

    by_default = import_cases(csv_bytes(rows), "a.csv", using=using)
    assert phone_key.open(bytes(contact(using, "XC-1").phone_cipher)) == "13800138000"
    assert by_default.imported == 1

    import_cases(csv_bytes(rows), "a.csv", parse_columns("case=窗口编号,mobile=经办人电话"),
                 using=using)
    assert phone_key.open(bytes(contact(using, "W-1").phone_cipher)) == "13911112222"

    # The setting does the same for every import; a part left out keeps the default.
    settings.CASE_IMPORT_COLUMNS = "mobile = 经办人电话"
    assert configured_columns() == ColumnMapping(mobile=("经办人电话",))
    summary = import_cases(csv_bytes(rows), "a.csv", using=using)
    assert (summary.updated, summary.changed) == (1, 1)
    assert phone_key.open(bytes(contact(using, "XC-1").phone_cipher)) == "13911112222"


def test_mapping_text_is_read_strictly():
    assert parse_columns("case=办件编号|受理编号 ， mobile=电话") == ColumnMapping(
        case=("办件编号", "受理编号"), mobile=("电话",))
    for wrong in ("case", "phone=电话", "case=", "mobile=|"):
        with pytest.raises(ImportRefused):
            parse_columns(wrong)


def test_a_second_import_updates_and_counts_changed_numbers(using, phone_key):
    import_cases(csv_bytes(EXPORT_ROWS), "first.csv", using=using)
    CaseContact.objects.using(using).filter(case_number="XC-2026-0001").update(
        forget_after=timezone.now() + timedelta(days=30))
    rows = [["办件编号", "手机号码"],
            ["XC-2026-0001", "13800138000"],       # the same number
            ["XC-2026-0002", "13500135000"],       # a new number for a known case
            ["XC-2026-0009", "13300133000"]]       # a new case

    summary = import_cases(csv_bytes(rows), "second.csv", using=using)

    assert (summary.imported, summary.updated, summary.changed) == (1, 2, 1)
    first, second = contact(using, "XC-2026-0001"), contact(using, "XC-2026-0002")
    assert first.source.startswith("second.csv")
    # An old export imported again does not bring back a number due to go.
    assert first.forget_after > timezone.now() + timedelta(days=29)
    assert phone_key.open(bytes(second.phone_cipher)) == "13500135000"
    assert second.phone_masked == "135****5000"
    assert CaseContact.objects.using(using).count() == 3


def test_a_case_twice_in_one_file_keeps_the_later_row(using, phone_key):
    rows = [["办件编号", "手机号码"], ["XC-7", "13800138000"], ["XC-8", "13800138001"],
            ["XC-7", "13900139000"], ["1.23457E+13", "13700137000"]]

    summary = import_cases(csv_bytes(rows), "twice.csv", using=using)

    assert summary.imported == 2
    assert summary.skipped == [SkippedRow(2, "repeated"), SkippedRow(5, "case_rounded")]
    assert phone_key.open(bytes(contact(using, "XC-7").phone_cipher)) == "13900139000"


@pytest.mark.parametrize(("data", "words"), [
    (csv_bytes([["编号", "电话"], ["XC-1", "13800138000"]]), "找不到同时有办件编号列"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), ".xls"),
    (b"PK\x03\x04" + bytes(100), "XLSX"),
    (bytes([0x81, 0x20, 0xff, 0xfe, 0x80]) * 20, "UTF-8 或 GB18030"),
])
def test_an_unreadable_file_is_refused_and_nothing_is_written(using, phone_key, data, words):
    with pytest.raises(ImportRefused, match=re.escape(words)):
        import_cases(data, "bad", using=using)
    assert not CaseContact.objects.using(using).exists()


def test_without_the_key_file_nothing_is_imported(using, settings):
    settings.PHONE_KEY_FILE = ""
    with pytest.raises(ImportRefused, match="CENTER_PHONE_KEY_FILE"):
        import_cases(csv_bytes(EXPORT_ROWS), "cases.csv", using=using)
    assert not CaseContact.objects.using(using).exists()


def test_the_command_prints_the_summary(using, phone_key, tmp_path):
    path = tmp_path / "导出.csv"
    path.write_bytes(csv_bytes([["x", "y"], ["受理编号", "联系电话"],
                                ["XC-31", "13800138000"], ["XC-32", "12345"]], "gb18030"))
    out = io.StringIO()

    call_command("import_cases", str(path), "--columns", "case=受理编号", "--database", using,
                 stdout=out)

    printed = out.getvalue()
    assert "导出.csv" in printed
    assert "GB18030" in printed
    assert "新导入 1 个办件编号，更新 0 个" in printed
    assert "第 4 行：不是手机号码" in printed
    assert every_eleven_digits(printed) == []
    assert contact(using, "XC-31").phone_masked == "138****8000"
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_cases", str(tmp_path / "missing.csv"), "--database", using)
    with pytest.raises(CommandError):
        call_command("import_cases", str(path), "--columns", "telephone=x")


def test_a_hundred_thousand_rows_well_under_a_minute(using, phone_key, capsys):
    rows = [["办件编号", "申请人", "手机号码"]] + [
        [f"XC-2026-{n:06d}", "张三", f"1{3 + n % 7}{n:09d}"] for n in range(100_000)]
    data = csv_bytes(rows)

    started = time.monotonic()
    summary = import_cases(data, "big.csv", using=using)
    first = time.monotonic() - started
    started = time.monotonic()
    again = import_cases(data, "big.csv", using=using)
    second = time.monotonic() - started

    assert (summary.imported, again.updated, again.changed) == (100_000, 100_000, 0)
    with capsys.disabled():
        print(f"\n100,000 rows on {using}: {first:.1f} s new, {second:.1f} s again")
    assert first < 30
    assert second < 30
