"""Binds parsed TOML tables onto frozen dataclasses, strictly.

The binder is contract/strict_toml.py, shared with the district center, which checks a
service catalog exactly as a terminal does; the terminal's configuration schemas keep
importing these names from here.
"""

from __future__ import annotations

from contract.strict_toml import OriginOf, bind, setting, shown

__all__ = ["OriginOf", "bind", "setting", "shown"]
