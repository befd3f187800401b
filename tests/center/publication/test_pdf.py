"""The published quarter as a PDF (WeasyPrint), read back as a person would: pdftotext finds
the rates, the header and a case's reasons and no number long enough to name anybody;
pdftoppm draws the first page of a district's quarter to look at."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from center.publication.publishing import publish
from tests.fixtures.browser import ARTIFACTS
from tests.fixtures.center_people import make_people
from tests.fixtures.publication_data import PHONE_IN_A_NOTE, demo_quarter, small_quarter
from tests.fixtures.system import require

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def district_name(settings):
    settings.DISTRICT_NAMES = {"xc": "新城区"}


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "quarter.pdf"
    path.write_bytes(pdf)
    return subprocess.run([require("pdftotext", "poppler-utils"), "-layout", str(path), "-"],
                          check=True, capture_output=True, text=True).stdout


def test_the_pdf_has_the_rates_the_reasons_and_no_long_number(client, tmp_path):
    people = make_people()
    made = small_quarter(people.admin, people.station)
    publish(people.admin, "xc", made.quarter)

    response = client.get(f"/public/xc/{made.quarter.slug}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    flat = re.sub(r"\s+", "", text)
    for rate in ("60.0%", "30.0%", "37.5%", "50.0%", "33.3%"):
        assert rate in flat
    assert "差评整改率" in flat
    assert "没有提供材料清单；窗口人员业务不熟练" in flat
    assert made.fixed_now.number in flat
    # The header on every page: the district and the quarter; and the page numbers.
    heading = f"新城区{made.quarter.year}年"
    assert flat.count(heading) >= text.count("\f")
    assert "第1页，共" in flat
    assert PHONE_IN_A_NOTE not in flat
    assert not re.search(r"\d{7,}", text)
    # The same PDF again comes from the cache.
    assert client.get(f"/public/xc/{made.quarter.slug}.pdf").content == pdf


def test_a_districts_quarter_drawn_as_its_first_printed_page(client, tmp_path):
    people = make_people()
    quarter = demo_quarter(people.admin, people.station)
    publish(people.admin, "xc", quarter)

    pdf = client.get(f"/public/xc/{quarter.slug}.pdf").content
    assert not re.search(r"\d{7,}", pdf_text(pdf, tmp_path))
    (tmp_path / "quarter.pdf").write_bytes(pdf)
    ARTIFACTS.mkdir(exist_ok=True)
    stem = ARTIFACTS / "center-publication-pdf"
    subprocess.run([require("pdftoppm", "poppler-utils"), "-png", "-r", "110", "-f", "1",
                    "-l", "2", str(tmp_path / "quarter.pdf"), str(stem)], check=True)
    pages = sorted(ARTIFACTS.glob("center-publication-pdf-*.png"))
    assert pages, "pdftoppm drew no page"
