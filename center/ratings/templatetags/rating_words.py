"""Rates as people read them in the ratings pages: a share as a percentage with one
decimal, and a dash where nothing was counted (never "0%" for "no data")."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def rate(share: float | None) -> str:
    if share is None:
        return "—"
    return f"{share * 100:.1f}%"
