"""The one error type configuration problems are reported with.

It lives in contract/strict_toml.py, beside the strict binder that raises it, because the
district center checks a service catalog with the same rules; this name stays for the
terminal's own configuration code."""

from __future__ import annotations

from contract.strict_toml import ConfigError

__all__ = ["ConfigError"]
