"""A quarter's ratings in the fields of the provincial 好差评 interface (办件评价 report,
shared/reference/ratings.md §6 and center.md §3), as CSV and as JSON.

One record per rating the published rates count (center/ratings/figures.py `counted`: no
flood, no rating whose appeal was upheld):

| field | from |
|---|---|
| areaCode, deptCode | CENTER_AREA_CODE, CENTER_DEPT_CODE (empty when not set) |
| taskCode, taskName | the catalog item the rating names: its 事项编码 and 事项名称 |
| projectNo | the 办件编号 where known: a pickup rating's deposit's case number |
| pf | the channel: terminal 5 (其他大厅终端), qr 3 (二维码) |
| satisfaction | the level, 1 非常不满意 ... 5 非常满意 |
| evalDetail | the option codes, joined by commas |
| assessTime | when it was rated, yyyy-MM-dd HH:mm:ss local time |
| assessNumber | 1: a first rating (the terminal takes one per service) |

Every value is text, as the interface's form fields are, in CSV and JSON alike. The CSV is
UTF-8 with a byte-order mark, so Excel on Windows reads the Chinese."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.conf import settings
from django.utils import timezone

from center.catalog.versions import district_items
from center.pickup.models import Deposit
from center.publication.quarters import Quarter
from center.ratings.figures import counted
from center.ratings.models import Rating
from center.spreadsheet_text import spreadsheet_text
from contract.catalog import ServiceItem

FIELDS = ("areaCode", "deptCode", "taskCode", "taskName", "projectNo", "pf", "satisfaction",
          "evalDetail", "assessTime", "assessNumber")
PF = {"terminal": "5", "qr": "3"}
BOM = "\ufeff"


def export_rows(quarter: Quarter, district: str | None = None,
                using: str = "default") -> list[dict[str, str]]:
    """The quarter's records, oldest first (all districts the center holds, or one)."""
    ratings = counted(Rating.objects.using(using).filter(
        rated_at__gte=quarter.start, rated_at__lt=quarter.end))
    if district:
        ratings = ratings.filter(terminal__district=district)
    ratings = ratings.select_related("terminal").order_by("rated_at", "pk")
    rows = list(ratings)
    cases = _case_numbers(rows, using)
    items: dict[str, dict[str, ServiceItem]] = {}
    for rating in rows:
        if rating.terminal.district not in items:
            items[rating.terminal.district] = district_items(rating.terminal.district, using)
    return [_record(rating, items[rating.terminal.district].get(rating.item),
                    cases.get((rating.terminal_id, rating.event_ref), ""))
            for rating in rows]


def _case_numbers(ratings: list[Rating], using: str) -> dict[tuple[int, str], str]:
    """The case number of each pickup rating's deposit, in one query."""
    pickups = {(r.terminal_id, r.event_ref) for r in ratings if r.event_kind == "pickup"}
    if not pickups:
        return {}
    found = Deposit.objects.using(using).filter(
        terminal_id__in={terminal for terminal, _ in pickups},
        deposit_id__in={ref for _, ref in pickups}).values_list(
        "terminal_id", "deposit_id", "case_number")
    return {(terminal, deposit): case for terminal, deposit, case in found
            if (terminal, deposit) in pickups}


def _record(rating: Rating, item: ServiceItem | None, case_number: str) -> dict[str, str]:
    return {
        "areaCode": settings.AREA_CODE,
        "deptCode": settings.DEPT_CODE,
        "taskCode": item.code if item else "",
        "taskName": item.name if item else "",
        "projectNo": case_number,
        "pf": PF.get(rating.channel, ""),
        "satisfaction": str(rating.level),
        "evalDetail": ",".join(str(code) for code in rating.options),
        "assessTime": timezone.localtime(rating.rated_at).strftime("%Y-%m-%d %H:%M:%S"),
        "assessNumber": "1",
    }


# Case numbers and item names come from outside: text a spreadsheet would run as a
# formula is kept text (center/spreadsheet_text.py). Codes and numbers never start so.
def as_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({field: spreadsheet_text(value) for field, value in row.items()}
                     for row in rows)
    return (BOM + out.getvalue()).encode("utf-8")


def as_json(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")
