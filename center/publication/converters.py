"""A quarter in an address: 2026q4. Registered once, here, for both URL modules."""

from __future__ import annotations

from django.urls import register_converter


class QuarterConverter:
    regex = r"\d{4}q[1-4]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(QuarterConverter, "quarter")
