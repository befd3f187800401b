"""What a key press does to the text a keyboard edits: one rule for every on-screen
keyboard, so "delete" and "clear" behave the same on each."""

from __future__ import annotations

DELETE = "del"
CLEAR = "clear"


def after_key(value: str, key: str, max_length: int) -> str:
    if key == DELETE:
        return value[:-1]
    if key == CLEAR:
        return ""
    return value + key if len(value) < max_length else value
