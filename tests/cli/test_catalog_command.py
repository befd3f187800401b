"""`kiosk catalog check`: what a catalog editor runs before sending a catalog out."""

from __future__ import annotations

from pathlib import Path

from kiosk.cli.main import main
from tests.fixtures.configs import SHIPPED_CATALOG as SHIPPED


def test_the_shipped_catalog_checks_out(capsys):
    assert main(["catalog", "check", str(SHIPPED)]) == 0

    assert capsys.readouterr().out == (f"{SHIPPED}: OK (version 2026.11.22-1, 189 items from "
                                       "4 sources, 10 themes)\n")


def test_a_bad_catalog_is_reported_by_item_and_field(tmp_path: Path, capsys):
    bad = tmp_path / "services.toml"
    bad.write_text(SHIPPED.read_text(encoding="utf-8").replace('handling = "直办"',
                                                               'handling = "立办"', 1),
                   encoding="utf-8")

    assert main(["catalog", "check", str(bad)]) == 2

    error = capsys.readouterr().err
    assert error.startswith(f"{bad}: item chencang-a2-002 (《独生子女父母光荣证》申领): handling: "
                            "'立办' is not allowed")
