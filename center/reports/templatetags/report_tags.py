"""Small lookups the report templates need."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def item(mapping: Any, key: Any) -> Any:
    """``mapping[key]``, or None (a section with no chart, no headline)."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None
