"""The service catalog loader (kiosk/services/guide/catalog.py) and its search.

Any file parses to a Catalog or raises CatalogError, nothing else; a catalog written from
known values reads back as exactly those values; what is accepted has a one-line printable
version and a real publication date, and references that resolve; any query searches
without raising and finds only the catalog's own items.
"""

from __future__ import annotations

import dataclasses
import io
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from kiosk.cli.main import main
from kiosk.services.guide.catalog import (
    Catalog,
    CatalogError,
    CatalogInfo,
    ServiceItem,
    Source,
    Theme,
    parse_catalog,
)
from tests.properties.profiles import REPOSITORY, scaled
from tests.properties.strategies import Labelled, any_text, mutated, nested, outcome
from tests.properties.toml_text import Table, documents, tables_of, toml_literal, toml_text

DEEP = 5_000
TABLES = [Table("catalog", False, tables_of(CatalogInfo)[0].keys),
          Table("sources", True, tables_of(Source)[0].keys),
          Table("themes", True, tables_of(Theme)[0].keys),
          Table("items", True, tables_of(ServiceItem)[0].keys)]

ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)
# Printable text with something in it: what a catalog's names and notes hold.
words = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
                max_size=20).filter(lambda text: text.strip() != "")


@st.composite
def catalogs(draw: st.DrawFn) -> dict[str, Any]:
    """The values of a valid catalog, table by table."""
    sources = [{"id": i, "title": draw(words), "document": draw(st.just("") | words)}
               for i in draw(st.lists(ids, min_size=1, max_size=3, unique=True))]
    themes = [{"id": i, "name": draw(words), "note": draw(st.just("") | words)}
              for i in draw(st.lists(ids, max_size=3, unique=True))]
    items = []
    for item_id in draw(st.lists(ids, min_size=1, max_size=4, unique=True)):
        items.append({
            "id": item_id, "source": draw(st.sampled_from([s["id"] for s in sources])),
            "name": draw(words), "department": draw(st.just("") | words),
            "level": draw(st.sampled_from(["village", "township", "street", "district"])),
            "handling": draw(st.sampled_from(["直办", "受理", "网办", "委托受理", ""])),
            "materials": draw(st.lists(words, max_size=3)),
            "online_url": draw(st.just("") | st.from_regex(r"https://[a-z.]{1,12}/[a-z]{0,8}",
                                                           fullmatch=True)),
            "themes": draw(st.lists(st.sampled_from([t["id"] for t in themes]), unique=True)
                           if themes else st.just([])),
            "keywords": draw(st.lists(words, max_size=2)),
        })
    info = {"version": draw(st.from_regex(r"[0-9A-Za-z][0-9A-Za-z.-]{0,15}", fullmatch=True)),
            "title": draw(words),
            "published": draw(st.dates(date(2000, 1, 1), date(2099, 12, 31))).isoformat()}
    return {"catalog": info, "sources": sources, "themes": themes, "items": items}


def as_toml(values: dict[str, Any]) -> str:
    def lines(table: dict[str, Any]) -> list[str]:
        return [f"{key} = " + (f"[{', '.join(toml_literal(v) for v in value)}]"
                               if isinstance(value, list) else toml_literal(value))
                for key, value in table.items()]

    parts = ["[catalog]", *lines(values["catalog"])]
    for name in ("sources", "themes", "items"):
        for table in values[name]:
            parts += ["", f"[[{name}]]", *lines(table)]
    return "\n".join(parts) + "\n"


@given(values=catalogs())
def test_a_catalog_reads_back_as_written(values: dict[str, Any]) -> None:
    catalog = parse_catalog(as_toml(values).encode("utf-8"), "written.toml")
    assert dataclasses.asdict(catalog.info) == values["catalog"]
    assert [dataclasses.asdict(s) for s in catalog.sources] == values["sources"]
    assert [dataclasses.asdict(t) for t in catalog.themes] == values["themes"]
    for item, written in zip(catalog.items, values["items"], strict=True):
        read = dataclasses.asdict(item)
        assert {key: read[key] for key in written} == {
            key: tuple(value) if isinstance(value, list) else value
            for key, value in written.items()}


@st.composite
def one_value_changed(draw: st.DrawFn) -> bytes:
    """A valid catalog with one text value replaced by any text, or by a date-shaped one."""
    values = draw(catalogs())
    table = draw(st.sampled_from(["catalog", "sources", "items"]))
    entry = values[table] if table == "catalog" else draw(st.sampled_from(values[table]))
    key = draw(st.sampled_from(sorted(k for k, v in entry.items() if isinstance(v, str))))
    entry[key] = draw(st.one_of(toml_text, st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True)))
    return as_toml(values).encode("utf-8")


SHIPPED = (REPOSITORY / "config" / "catalog" / "services.toml").read_bytes()
SMALL = catalogs().map(lambda values: as_toml(values).encode("utf-8"))
catalog_files = st.one_of(
    documents(TABLES).map(lambda text: text.encode("utf-8")), mutated(SMALL),
    one_value_changed(), st.binary(max_size=200),
    st.text(max_size=100).map(lambda text: text.encode("utf-8", "surrogatepass")))


def checked(catalog: Catalog) -> None:
    """What every accepted catalog must hold."""
    info = catalog.info
    assert info.version.isprintable()
    assert info.version.strip() == info.version != ""
    date.fromisoformat(info.published)
    assert info.published.isascii()
    sources = {source.id for source in catalog.sources}
    themes = {theme.id for theme in catalog.themes}
    for item in catalog.items:
        assert item.source in sources
        assert set(item.themes) <= themes
        assert all(value.strip() for value in item.materials + item.channels + item.keywords)


VALID = ('[[sources]]\nid = "s"\ntitle = "t"\n\n[[items]]\nid = "i"\nsource = "s"\n'
         'name = "n"\nlevel = "village"\n')


@example(data=Labelled(b"a = " + nested(DEEP), f"a = nested({DEEP})"))
@example(data=Labelled(b"[" + b".".join([b"catalog"] * DEEP) + b"]\n",
                       f"[catalog.catalog...] with {DEEP} parts"))
@example(data=b"\xff\xfe\x00\x00")
@example(data=('[catalog]\nversion = "2026.1\\u0007\\n"\ntitle = "t"\npublished = "2026-01-01"\n'
               + VALID).encode())
@example(data=('[catalog]\nversion = "1"\ntitle = "t"\npublished = "9999-99-99"\n'
               + VALID).encode())
@given(data=catalog_files)
def test_any_file_parses_or_raises_catalog_error(data: bytes) -> None:
    catalog, error = outcome(lambda: parse_catalog(data, "fuzzed.toml"), CatalogError)
    if error is not None:
        assert str(error).startswith("fuzzed.toml: ")
        event("refused")
        return
    event("accepted")
    assert catalog is not None
    checked(catalog)


@pytest.fixture(scope="module")
def catalog_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("catalog") / "services.toml"


@given(data=catalog_files)
@scaled(0.5)
def test_kiosk_catalog_check_answers_any_file_with_exit_0_or_one_line_and_2(
        catalog_file: Path, data: bytes) -> None:
    catalog_file.write_bytes(data)
    path = catalog_file
    with redirect_stdout(io.StringIO()) as out, redirect_stderr(io.StringIO()) as err:
        code = main(["catalog", "check", str(path)])
    assert code in (0, 2)
    said = err.getvalue() if code else out.getvalue()
    assert said.endswith("\n")
    assert said.count("\n") == 1, said


def test_the_shipped_catalog_holds_what_every_catalog_must() -> None:
    checked(parse_catalog(SHIPPED, "services.toml"))


@given(values=catalogs(), query=st.one_of(any_text, words, st.from_regex(r"[a-z]{1,8}")))
@scaled(0.5)
def test_any_query_finds_only_the_catalogs_items(values: dict[str, Any], query: str) -> None:
    catalog = parse_catalog(as_toml(values).encode("utf-8"), "written.toml")
    found = catalog.search(query, limit=3)
    assert len(found) <= 3
    assert all(catalog.item(item.id) is item for item in found)
