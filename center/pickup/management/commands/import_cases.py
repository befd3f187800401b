"""manage.py import_cases FILE: imports applicants' mobile numbers from a case system's
export (CSV or XLSX; docs/center.md "Case numbers and mobile numbers") and prints what it
did: how many case numbers are new, how many were written again, and each skipped row by
its number and why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from center.pickup.imports import ImportRefused, configured_columns, import_cases, parse_columns


class Command(BaseCommand):
    help = "Imports case numbers and applicants' mobile numbers from a CSV or XLSX export."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the case system's export (CSV or XLSX)")
        parser.add_argument(
            "--columns", default="",
            help="the headers of the case number and mobile columns, e.g. "
                 "case=办件编号,mobile=联系电话 ('|' between headers to try in turn); "
                 "defaults to CENTER_CASE_IMPORT_COLUMNS, then the usual headers")
        parser.add_argument("--database", default="default", help="the database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}") from None
        try:
            columns = parse_columns(options["columns"], configured_columns())
            summary = import_cases(data, path.name, columns, using=options["database"])
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        for line in summary.lines():
            self.stdout.write(line)
