"""What a new catalog version changes, in words a clerk reads: entries added and removed,
and for each entry kept, every element that differs, before and after."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from contract.catalog import CatalogDocument

# An element's value as a page shows it: text, or the entries of a list.
Shown = str | tuple[str, ...]


@dataclass(frozen=True)
class ElementChange:
    element: str
    before: Shown
    after: Shown

    @property
    def is_list(self) -> bool:
        return isinstance(self.before, tuple)

    @property
    def added(self) -> tuple[str, ...]:
        """For a list (materials, channels...): the entries only the new version has."""
        if not isinstance(self.before, tuple) or not isinstance(self.after, tuple):
            return ()
        return tuple(value for value in self.after if value not in self.before)

    @property
    def removed(self) -> tuple[str, ...]:
        if not isinstance(self.before, tuple) or not isinstance(self.after, tuple):
            return ()
        return tuple(value for value in self.before if value not in self.after)

    @property
    def reordered(self) -> bool:
        """Same entries, another order (which the terminal shows as listed)."""
        return self.is_list and not self.added and not self.removed


@dataclass(frozen=True)
class Entry:
    id: str
    name: str


@dataclass(frozen=True)
class EntryChange:
    entry: Entry
    changes: tuple[ElementChange, ...]


@dataclass(frozen=True)
class TableDiff:
    """One of [[items]], [[sources]], [[themes]]."""

    table: str
    added: tuple[Entry, ...]
    removed: tuple[Entry, ...]
    changed: tuple[EntryChange, ...]
    reordered: bool

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.reordered)


@dataclass(frozen=True)
class CatalogDiff:
    catalog: tuple[ElementChange, ...]
    tables: tuple[TableDiff, ...]

    @property
    def empty(self) -> bool:
        """Nothing at all differs, not even the version."""
        return not self.catalog and all(table.empty for table in self.tables)

    @property
    def only_the_version(self) -> bool:
        """Nothing a resident would see differs: only [catalog] (version, title, date)."""
        return all(table.empty for table in self.tables)

    def table(self, name: str) -> TableDiff:
        return next(table for table in self.tables if table.table == name)


def catalog_diff(before: CatalogDocument | None, after: CatalogDocument) -> CatalogDiff:
    """The difference from ``before`` (None: there was no catalog) to ``after``."""
    return CatalogDiff(
        catalog=_element_changes(before.info if before else None, after.info),
        tables=tuple(_table_diff(name, getattr(before, name) if before else (),
                                 getattr(after, name))
                     for name in ("items", "sources", "themes")))


def _table_diff(name: str, before: tuple[Any, ...], after: tuple[Any, ...]) -> TableDiff:
    old = {entry.id: entry for entry in before}
    new = {entry.id: entry for entry in after}
    kept_in_old_order = [entry_id for entry_id in old if entry_id in new]
    kept_in_new_order = [entry_id for entry_id in new if entry_id in old]
    changed = []
    for entry_id in kept_in_new_order:
        changes = _element_changes(old[entry_id], new[entry_id])
        if changes:
            changed.append(EntryChange(_entry(new[entry_id]), changes))
    return TableDiff(
        table=name,
        added=tuple(_entry(entry) for entry in after if entry.id not in old),
        removed=tuple(_entry(entry) for entry in before if entry.id not in new),
        changed=tuple(changed),
        reordered=kept_in_old_order != kept_in_new_order)


def _element_changes(before: Any, after: Any) -> tuple[ElementChange, ...]:
    changes = []
    for field in dataclasses.fields(after):
        new = getattr(after, field.name)
        old = getattr(before, field.name) if before is not None else _empty_like(new)
        if old != new:
            changes.append(ElementChange(field.name, old, new))
    return tuple(changes)


def _empty_like(value: Any) -> Shown:
    return () if isinstance(value, tuple) else ""


def _entry(entry: Any) -> Entry:
    # Sources have a title, themes and items a name.
    return Entry(entry.id, getattr(entry, "name", "") or getattr(entry, "title", ""))
