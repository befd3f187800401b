"""The provincial export: a quarter's counted ratings in the 好差评 interface's fields, as
CSV (UTF-8 with a byte-order mark, for Excel on Windows) and as JSON, for district
administrators and viewers only. The records on both databases; the files' bytes through
the pages."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils import timezone

from center.audit.models import AuditEntry
from center.publication.export import FIELDS, as_csv, export_rows
from tests.fixtures.center_commands import people_on
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_people import make_people
from tests.fixtures.publication_data import T001_CODE, small_quarter


@pytest.fixture(autouse=True)
def provincial_codes(settings):
    settings.AREA_CODE = "610304"
    settings.DEPT_CODE = "11610304MB2974451X"


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_each_counted_rating_in_the_interfaces_fields(using):
    people = people_on(using)
    made = small_quarter(people.admin, people.station, using)
    rows = export_rows(made.quarter, using=using)

    # The flood, the appeal upheld and the rating before the quarter are left out.
    assert len(rows) == 10
    assert all(list(row) == list(FIELDS) for row in rows)
    by_level = sorted((row["satisfaction"], row["pf"]) for row in rows)
    assert by_level == sorted([("5", "5"), ("5", "5"), ("4", "5"), ("4", "5"), ("3", "5"),
                               ("2", "5"), ("1", "5"), ("5", "5"), ("4", "3"), ("2", "5")])
    bad = next(row for row in rows if row["evalDetail"] == "208,213")
    rated_at = timezone.localtime(made.fixed_now.rating.rated_at)
    assert bad == {
        "areaCode": "610304", "deptCode": "11610304MB2974451X",
        # The catalog's matter code and name for item t-001; the deposit's case number.
        "taskCode": T001_CODE, "taskName": "一胎、二胎生育登记", "projectNo": "XC-2026-0417",
        "pf": "5", "satisfaction": "2", "evalDetail": "208,213",
        "assessTime": rated_at.strftime("%Y-%m-%d %H:%M:%S"), "assessNumber": "1"}
    by_qr = next(row for row in rows if row["pf"] == "3")
    assert (by_qr["taskCode"], by_qr["projectNo"], by_qr["evalDetail"]) == ("", "", "")
    assert [row["assessTime"] for row in rows] == sorted(row["assessTime"] for row in rows)


@pytest.mark.django_db
def test_the_assess_time_is_beijing_time(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    people = make_people()
    made = small_quarter(people.admin, people.station)
    rated = made.fixed_now.rating.rated_at
    [row] = [row for row in export_rows(made.quarter) if row["evalDetail"] == "208,213"]
    assert row["assessTime"] == rated.astimezone(
        timezone.get_fixed_timezone(8 * 60)).strftime("%Y-%m-%d %H:%M:%S")


@pytest.mark.django_db
def test_the_csv_and_json_files_as_downloaded(client):
    people = make_people()
    made = small_quarter(people.admin, people.station)
    client.force_login(people.viewer)

    response = client.get(f"/publication/export/{made.quarter.slug}.csv?district=xc")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="haochaping-xc-{made.quarter.slug}.csv"')
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf" + b"areaCode,deptCode,taskCode,taskName,projectNo,"
                           b"pf,satisfaction,evalDetail,assessTime,assessNumber\r\n")
    records = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(records) == 10
    assert "610304,11610304MB2974451X,11610304MB2974451X4000117001,一胎、二胎生育登记," \
           "XC-2026-0417,5,2,\"208,213\"," in body.decode("utf-8")

    response = client.get(f"/publication/export/{made.quarter.slug}.json")
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content.decode("utf-8"))
    assert isinstance(data, list)
    assert len(data) == 10
    assert {"pf": "3", "satisfaction": "4"}.items() <= next(
        row for row in data if row["pf"] == "3").items()
    assert "一胎、二胎生育登记".encode() in response.content       # not \\u escapes
    assert list(AuditEntry.objects.filter(action="publication.exported").order_by("pk")
                .values_list("username", "detail__format")) == [("viewer", "csv"),
                                                                 ("viewer", "json")]


@pytest.mark.django_db
def test_a_station_manager_may_not_export(client):
    people = make_people()
    made = small_quarter(people.admin, people.station)
    client.force_login(people.manager)
    assert client.get(f"/publication/export/{made.quarter.slug}.csv").status_code == 403
    assert client.get(f"/publication/export/{made.quarter.slug}.json").status_code == 403
    client.logout()
    assert client.get(f"/publication/export/{made.quarter.slug}.csv")["Location"].startswith(
        "/login/")


def test_a_text_cell_a_spreadsheet_would_run_is_quoted():
    row = dict.fromkeys(FIELDS, "")
    row.update(taskName="=HYPERLINK(\"x\")", projectNo="@SUM(A1)", evalDetail="208,213")
    text = as_csv([row]).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "'@SUM(A1)" in text
