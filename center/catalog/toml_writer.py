"""A catalog written back as TOML, in the shape of the shipped file (docs/catalog.md).

Values are formatted by tomli-w, so escaping follows TOML exactly; the layout is written
here, because a generic writer may fold short entries into inline tables, while a person
reading a catalog expects ``[catalog]`` first, then one ``[[sources]]``, ``[[themes]]`` and
``[[items]]`` block per entry with every element in the format's order."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import tomli_w

from contract.catalog import TABLES, CatalogDocument

# A catalog as plain tables: "catalog" a table, the others lists of tables.
CatalogTables = dict[str, Any]


def document_tables(document: CatalogDocument) -> CatalogTables:
    """The document as the tables a TOML file holds, every element in the format's order
    (the one the dataclasses declare)."""
    def table(entry: Any) -> dict[str, Any]:
        return {f.name: _plain(getattr(entry, f.name)) for f in dataclasses.fields(entry)}

    return {"catalog": table(document.info),
            "sources": [table(source) for source in document.sources],
            "themes": [table(theme) for theme in document.themes],
            "items": [table(item) for item in document.items]}


def catalog_toml(tables: Mapping[str, Any]) -> bytes:
    """The tables as a catalog file, UTF-8."""
    chunks: list[str] = ["[catalog]\n", *_lines(tables.get("catalog", {}))]
    for name in TABLES[1:]:
        entries: Sequence[Mapping[str, Any]] = tables.get(name, [])
        for entry in entries:
            chunks += ["\n", f"[[{name}]]\n", *_lines(entry)]
    return "".join(chunks).encode("utf-8")


def write_document(document: CatalogDocument) -> bytes:
    return catalog_toml(document_tables(document))


# Past this, an array is written one value a line, as the shipped file's long lists are.
LINE_LENGTH = 100


def _lines(table: Mapping[str, Any]) -> list[str]:
    lines = []
    for key, value in table.items():
        if isinstance(value, list) and value:
            values = [_literal(inner) for inner in value]
            line = f"{key} = [{', '.join(values)}]\n"
            if len(line) > LINE_LENGTH:
                line = f"{key} = [\n" + "".join(f"    {v},\n" for v in values) + "]\n"
            lines.append(line)
        else:
            lines.append(tomli_w.dumps({key: value}))
    return lines


def _literal(value: Any) -> str:
    """One value as TOML writes it, escaped by tomli-w."""
    return tomli_w.dumps({"v": value})[len("v = "):-1]


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
