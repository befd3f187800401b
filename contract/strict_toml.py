"""Strict TOML: the reading and binding rules shared by the terminal's own configuration
and by the service catalog that the district center edits and the terminal loads.

:func:`parse_toml` reads a document that a configuration or catalog may hold. Every field of
a dataclass it is bound onto is declared with :func:`setting`, which carries the range,
choices or pattern that the value must meet and a one-line description; :func:`bind` builds
the dataclass and raises :class:`ConfigError` naming the key, what is allowed and the file
the key came from. Unknown keys are refused, because a misspelt key would silently hide a
value. Both sides import this module, so the center checks a catalog exactly as a terminal
will (contract/ imports neither side).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import tomllib
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

# Far more than any real file needs (the deepest setting is five levels down), and far less
# than would strain the loaders that walk it.
MAX_NESTING = 16
MAX_FILE_BYTES = 8 * 1024 * 1024


class ConfigError(Exception):
    """A configuration file is unreadable or holds a value the terminal cannot use.

    The message always names the file, the dotted key and what is allowed, so an
    installer can fix the file without reading code.
    """

    def __init__(self, file: Path | str | None, key: str, problem: str) -> None:
        self.file = str(file) if file is not None else "<defaults>"
        self.key = key
        self.problem = problem
        where = f"{self.file}: {key}" if key else self.file
        super().__init__(f"{where}: {problem}")


def parse_toml(data: bytes, error: Callable[[str], Exception]) -> dict[str, Any]:
    """A TOML document that a configuration or catalog may hold; every way a file can fail
    (not text, not TOML, nested past all reason) raises ``error(problem)``."""
    if len(data) > MAX_FILE_BYTES:
        raise error(f"is {len(data)} bytes; a configuration file is at most {MAX_FILE_BYTES}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as problem:
        raise error(f"not UTF-8 text (byte {problem.start}): is it the right file?") from None
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        raise error(f"not valid TOML: {problem}") from None
    except RecursionError:
        # tomllib recurses per nested array or inline table.
        raise error(f"nested more than {MAX_NESTING} levels deep") from None
    depth = nesting_depth(table)
    if depth > MAX_NESTING:
        raise error(f"nested {depth} levels deep; at most {MAX_NESTING} are allowed")
    return table


def nesting_depth(value: Any) -> int:
    """How deeply tables and arrays nest in ``value``, counted without recursion (a file
    can nest deeper than Python's stack)."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            return deepest
        if isinstance(item, Mapping):
            pending.extend((inner, depth + 1) for inner in item.values())
        elif isinstance(item, list):
            pending.extend((inner, depth + 1) for inner in item)
    return deepest


T = TypeVar("T")

# Returns the file that supplied a dotted key (the last overlay that set it wins).
OriginOf = Callable[[str], "str | None"]


def setting(
    default: Any = dataclasses.MISSING,
    *,
    doc: str,
    minimum: float | None = None,
    maximum: float | None = None,
    pattern: str | None = None,
    default_factory: Callable[[], Any] | None = None,
) -> Any:
    """Declares a config field with its constraints and a description."""
    metadata = {"doc": doc, "minimum": minimum, "maximum": maximum, "pattern": pattern}
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def bind(cls: type[T], table: Mapping[str, Any], origin: OriginOf, prefix: str = "") -> T:
    """Builds ``cls`` from ``table``; ``prefix`` is the dotted path of ``table``."""
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    for key in table:
        if key not in fields:
            _unknown_key(key, list(fields), origin, prefix)
    values: dict[str, Any] = {}
    for name, field in fields.items():
        dotted = f"{prefix}{name}"
        if name in table:
            values[name] = _convert(hints[name], table[name], field, dotted, origin)
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            if dataclasses.is_dataclass(hints[name]):
                values[name] = _convert(hints[name], {}, field, dotted, origin)
            else:
                raise ConfigError(
                    origin(prefix.rstrip(".")) or origin(""), dotted,
                    f"required setting is missing ({field.metadata.get('doc', '')})",
                )
    return cls(**values)


def _unknown_key(key: str, allowed: list[str], origin: OriginOf, prefix: str) -> None:
    dotted = f"{prefix}{shown(key, quote=False)}"
    close = difflib.get_close_matches(key[:100], allowed, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise ConfigError(
        origin(dotted), dotted,
        f"unknown key; {hint}allowed here: {', '.join(sorted(allowed))}",
    )


def _convert(
    hint: Any, value: Any, field: dataclasses.Field[Any], dotted: str, origin: OriginOf
) -> Any:
    file = origin(dotted)
    optional_inner = _optional_inner(hint)
    if optional_inner is not None:
        # TOML has no null: an optional value is left out, or given as "" for "none".
        if value == "":
            return None
        hint = optional_inner
    if _is_text_or_words(hint):
        # A command line: one string, or an array of its words.
        if isinstance(value, list):
            return _convert(tuple[str, ...], value, field, dotted, origin)
        if not isinstance(value, str):
            raise ConfigError(file, dotted,
                              f"must be a string or an array of strings, got {_describe(value)}")
        return _convert(str, value, field, dotted, origin)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, Mapping):
            raise ConfigError(file, dotted, f"must be a table, got {_describe(value)}")
        return bind(hint, value, origin, f"{dotted}.")
    if get_origin(hint) is Literal:
        choices = get_args(hint)
        if value not in choices:
            allowed = ", ".join(repr(c) for c in choices)
            raise ConfigError(file, dotted,
                              f"{shown(value)} is not allowed; choose one of {allowed}")
        return value
    if get_origin(hint) is dict:
        _key_type, item_type = get_args(hint)
        if not isinstance(value, Mapping):
            raise ConfigError(file, dotted, f"must be a table, got {_describe(value)}")
        return {
            str(k): _convert(item_type, v, field, f"{dotted}.{shown(k, quote=False)}", origin)
            for k, v in value.items()
        }
    if get_origin(hint) is tuple:
        (item_type, _ellipsis) = get_args(hint)
        if not isinstance(value, list):
            raise ConfigError(file, dotted, f"must be an array, got {_describe(value)}")
        return tuple(
            _convert(item_type, v, field, f"{dotted}[{i}]", origin) for i, v in enumerate(value)
        )
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(file, dotted, f"must be true or false, got {_describe(value)}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(file, dotted, f"must be a whole number, got {_describe(value)}")
        _check_range(value, field, dotted, file)
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(file, dotted, f"must be a number, got {_describe(value)}")
        if not math.isfinite(value):
            # nan compares false with every bound, so it would pass any range.
            raise ConfigError(file, dotted, f"must be a finite number, got {value}")
        _check_range(float(value), field, dotted, file)
        return float(value)
    if hint is str or hint is Path:
        if not isinstance(value, str):
            raise ConfigError(file, dotted, f"must be a string, got {_describe(value)}")
        pattern = field.metadata.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            raise ConfigError(
                file, dotted, f"{shown(value)} does not match the required form {pattern}"
            )
        return Path(value) if hint is Path else value
    raise TypeError(f"config field {dotted} has unsupported type {hint!r}")


def _check_range(
    value: float, field: dataclasses.Field[Any], dotted: str, file: str | None
) -> None:
    low, high = field.metadata.get("minimum"), field.metadata.get("maximum")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ConfigError(file, dotted, f"{value} is out of range; allowed {low} to {high}")


def _optional_inner(hint: Any) -> Any | None:
    if get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(get_args(hint)) == 2:
            return args[0]
    return None


def _is_text_or_words(hint: Any) -> bool:
    return get_origin(hint) in (typing.Union, types.UnionType) and set(get_args(hint)) == {
        str, tuple[str, ...]}


def _describe(value: Any) -> str:
    kind = {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "an array", dict: "a table"}.get(type(value), type(value).__name__)
    return f"{kind} ({shown(value)})" if not isinstance(value, dict | list) else kind


def shown(value: Any, *, quote: bool = True, limit: int = 60) -> str:
    """A value from a file as an error message shows it: escaped, and cut short, so that a
    megabyte string or a control character never reaches the terminal whole."""
    text = repr(value) if quote else str(value)
    if not quote and not text.isprintable():
        text = repr(text)[1:-1]
    return text if len(text) <= limit else f"{text[:limit]}…({len(text)} characters)"
