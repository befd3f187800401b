"""The service catalog's format (docs/catalog.md): its elements and every rule a catalog
must meet before a terminal takes it.

A catalog is published facts, so reading is strict: a misspelt key would silently hide a
fact, and is refused with the item and the field named. The terminal loads its catalog with
:func:`parse_catalog_document` and builds its searchable Catalog from the result; the
district center checks every version it keeps with the same function, so what the center
accepts a terminal accepts, and a refusal reads the same on both sides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TypeVar

from contract.strict_toml import ConfigError, bind, parse_toml, setting

CATALOG_ID = r"[a-z0-9][a-z0-9-]{0,62}"
# Required text: at least one character that is not white space.
PRESENT = r"(?s)\s*\S.*"
# A version travels in heartbeats and on staff screens: one line of printable text.
VERSION = r"[^\x00-\x20\x7f-\x9f][^\x00-\x1f\x7f-\x9f]{0,63}"

FIRST_YEAR, LAST_YEAR = 2000, 2099      # what a publication date can plausibly be
Level = Literal["village", "township", "street", "district"]
Handling = Literal["直办", "受理", "网办", "委托受理", ""]

LEVELS: tuple[Level, ...] = ("village", "township", "street", "district")
HANDLINGS: tuple[Handling, ...] = ("直办", "受理", "网办", "委托受理", "")
# The document's top-level tables, in the order a catalog file writes them.
TABLES = ("catalog", "sources", "themes", "items")


class CatalogError(Exception):
    """A catalog that cannot be used; the message names the file, the item and the field."""


@dataclass(frozen=True, kw_only=True)
class CatalogInfo:
    version: str = setting(doc="the catalog's version, reported to the center",
                           pattern=VERSION)
    title: str = setting(doc="the catalog's title", pattern=PRESENT)
    published: str = setting(doc="publication date, YYYY-MM-DD", pattern=r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, kw_only=True)
class Source:
    id: str = setting(doc="the source's id", pattern=CATALOG_ID)
    title: str = setting(doc="the list's title as printed", pattern=PRESENT)
    document: str = setting("", doc="the issuing document, as printed")


@dataclass(frozen=True, kw_only=True)
class Theme:
    id: str = setting(doc="the theme's id", pattern=CATALOG_ID)
    name: str = setting(doc="the theme's name as residents read it", pattern=PRESENT)
    note: str = setting("", doc="how membership was decided")


@dataclass(frozen=True, kw_only=True)
class ServiceItem:
    id: str = setting(doc="the catalog's own key for the item", pattern=CATALOG_ID)
    source: str = setting(doc="the id of the [[sources]] entry the facts come from")
    name: str = setting(doc="事项名称, exactly as the source prints it", pattern=PRESENT)
    code: str = setting("", doc="事项编码, the official code")
    department: str = setting("", doc="涉及部门 / 主管部门")
    implementing_body: str = setting("", doc="实施主体")
    level: Level = setting(doc="village, township, street or district")
    handling: Handling = setting("", doc="办理类型")
    item_type: str = setting("", doc="事项类型")
    legal_basis: str = setting("", doc="设定依据")
    conditions: str = setting("", doc="受理条件")
    materials: tuple[str, ...] = setting(doc="申请材料", default_factory=tuple)
    legal_time_limit: str = setting("", doc="法定办结时限")
    promised_time_limit: str = setting("", doc="承诺办结时限")
    fees: str = setting("", doc="收费标准")
    channels: tuple[str, ...] = setting(doc="办理渠道", default_factory=tuple)
    location: str = setting("", doc="办理地点 / window")
    queue_category: str = setting(
        "", doc="the id of the queue category (window type) that handles it, as terminals "
                "configure [[queue.categories]]; its hours are when to ask. Empty: any "
                "window, in the station's staffed hours", pattern=rf"|{CATALOG_ID}")
    online_url: str = setting("", doc="网上办理入口", pattern=r"|https://\S+")
    themes: tuple[str, ...] = setting(doc="theme ids", default_factory=tuple)
    keywords: tuple[str, ...] = setting(doc="extra search words", default_factory=tuple)
    note: str = setting("", doc="备注")

    @property
    def owner(self) -> str:
        """Who handles the item, for browsing: the department, else the implementing body."""
        return self.department or self.implementing_body


@dataclass(frozen=True, kw_only=True)
class CatalogDocument:
    """A whole catalog that passed every check, element by element, in the file's order."""

    info: CatalogInfo
    sources: tuple[Source, ...]
    themes: tuple[Theme, ...]
    items: tuple[ServiceItem, ...]


_Entry = TypeVar("_Entry", Source, Theme, ServiceItem)


def parse_catalog_document(data: bytes, origin: str) -> CatalogDocument:
    """Parses and validates a whole catalog; raises CatalogError naming what is wrong, the
    message starting with ``origin`` (the file's name, as the terminal reports it)."""
    document = parse_toml(data, lambda problem: CatalogError(f"{origin}: {problem}"))
    unknown = set(document) - set(TABLES)
    if unknown:
        raise CatalogError(f"{origin}: unknown table {sorted(unknown)[0]!r}; allowed: "
                           "catalog, sources, themes, items")
    info = _bind(CatalogInfo, document.get("catalog"), origin, "catalog")
    _check_published(origin, info.published)
    sources = _bind_all(Source, document.get("sources", []), origin, "sources")
    themes = _bind_all(Theme, document.get("themes", []), origin, "themes")
    items = _bind_all(ServiceItem, document.get("items", []), origin, "items")
    if not sources:
        raise CatalogError(f"{origin}: sources: at least one [[sources]] entry is required")
    if not items:
        raise CatalogError(f"{origin}: items: the catalog lists no items")
    _check_references(origin, sources, themes, items)
    return CatalogDocument(info=info, sources=sources, themes=themes, items=items)


def _check_published(origin: str, published: str) -> None:
    try:
        day = date.fromisoformat(published)
    except ValueError:
        raise CatalogError(f"{origin}: catalog: published: {published!r} is not a real "
                           "date") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CatalogError(f"{origin}: catalog: published: {published} is not a plausible "
                           f"date ({FIRST_YEAR} to {LAST_YEAR})")


_Bound = TypeVar("_Bound")


def _bind(cls: type[_Bound], table: Any, origin: str, where: str) -> _Bound:
    if not isinstance(table, Mapping):
        raise CatalogError(f"{origin}: [{where}] is missing or not a table")
    try:
        return bind(cls, table, lambda _key: origin)
    except ConfigError as error:
        raise CatalogError(f"{origin}: {where}: {error.key}: {error.problem}") from None


def _bind_all(cls: type[_Entry], tables: Any, origin: str,
              where: str) -> tuple[_Entry, ...]:
    if not isinstance(tables, list):
        raise CatalogError(f"{origin}: {where} must be an array of tables ([[{where}]])")
    bound = []
    for position, table in enumerate(tables, start=1):
        label = _label(where, position, table)
        bound.append(_bind(cls, table, origin, label))
    ids = [entry.id for entry in bound]
    for position, entry_id in enumerate(ids):
        if entry_id in ids[:position]:
            label = _label(where, position + 1, tables[position])
            raise CatalogError(f"{origin}: {label}: id: {entry_id!r} is used twice")
    return tuple(bound)


def _label(where: str, position: int, table: Any) -> str:
    """Names an entry the way an editor finds it: by id and name, else by position."""
    kind = {"items": "item", "sources": "source", "themes": "theme"}[where]
    if isinstance(table, Mapping) and isinstance(table.get("id"), str) and table["id"]:
        name = table.get("name")
        named = f" ({name})" if isinstance(name, str) and name else ""
        return f"{kind} {table['id']}{named}"
    return f"{kind} #{position}"


def _check_references(origin: str, sources: tuple[Source, ...], themes: tuple[Theme, ...],
                      items: tuple[ServiceItem, ...]) -> None:
    source_ids = {source.id for source in sources}
    theme_ids = {theme.id for theme in themes}
    for item in items:
        where = f"{origin}: item {item.id} ({item.name})"
        if item.source not in source_ids:
            raise CatalogError(f"{where}: source: {item.source!r} is not a [[sources]] id; "
                               f"known: {', '.join(sorted(source_ids))}")
        for theme in item.themes:
            if theme not in theme_ids:
                raise CatalogError(f"{where}: themes: {theme!r} is not a [[themes]] id")
        for element, values in (("materials", item.materials), ("channels", item.channels),
                                 ("keywords", item.keywords)):
            if any(not value.strip() for value in values):
                raise CatalogError(f"{where}: {element}: holds an empty entry")
