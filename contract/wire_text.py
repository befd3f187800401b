"""Text that came off the wire, made safe to show in a result, an event or a log line.

A command's key names, types and addresses are chosen by whoever sent the bytes: a newline
would forge a log line, a lone surrogate cannot be written as UTF-8, and a megabyte name
would be echoed whole. Every such text is passed through here first."""

from __future__ import annotations

from typing import Any

SHOWN_CHARS = 60


def printable(text: str) -> str:
    """``text`` with control characters, lone surrogates and other unprintables escaped
    as Python escapes (\\n, \\x1b, \\ud800); Chinese and other printable text stays."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def quoted(text: str, limit: int = SHOWN_CHARS) -> str:
    """A short, printable, quoted form of a wire value for messages."""
    shown = printable(text)
    if len(shown) > limit:
        shown = f"{shown[:limit]}…({len(text)} characters)"
    return f"'{shown}'"


def printable_tree(value: Any) -> Any:
    """``value`` (JSON-like) with every string made printable, keys included."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(str(k)): printable_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable_tree(v) for v in value]
    return value
