"""The catalog's elements and values in words on the pages."""

from __future__ import annotations

from django import template

from center.catalog.elements import ENTRY_KINDS, element_label, shown_value

register = template.Library()


@register.filter
def element(key: str) -> str:
    return element_label(key)


@register.filter
def entry_kind(table: str) -> str:
    return str(ENTRY_KINDS.get(table, table))


@register.filter
def value_of(value: object, key: str) -> object:
    return shown_value(key, value)


@register.filter
def fields_of(form: object, keys: tuple[str, ...]) -> list[object]:
    """The form's bound fields for ``keys``, in that order, leaving out any it lacks."""
    return [form[key] for key in keys if key in form.fields]  # type: ignore[index,attr-defined]
