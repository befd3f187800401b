"""TOML text for the loader property tests: literals of every kind, and documents shaped
by a schema's dataclasses (their tables, keys, types and patterns), mostly fitting and
sometimes not, so that generated files get past the TOML parser into the binding and the
cross-key checks behind it."""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

from hypothesis import strategies as st

Hint = Any


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_literal(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return toml_string(value) if isinstance(value, str) else repr(value)


# Text TOML can carry: every code point but the surrogates, which TOML cannot express.
toml_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
bare_keys = st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True)

scalars = st.one_of(
    st.integers(-(2**63), 2**63 - 1).map(str),
    st.floats(allow_nan=False).map(repr).filter(lambda text: text not in ("inf", "-inf")),
    st.sampled_from(["nan", "+nan", "-nan", "inf", "+inf", "-inf", "0.0", "-0.0", "1e400"]),
    st.booleans().map(lambda flag: "true" if flag else "false"),
    toml_text.map(toml_string),
    st.sampled_from(["1979-05-27", "1979-05-27T07:32:00Z", "07:32:00", "1979-05-27 07:32:00"]),
)
any_literal = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.dictionaries(bare_keys, inner, max_size=3).map(
            lambda table: "{" + ", ".join(f"{k} = {v}" for k, v in table.items()) + "}")),
    max_leaves=8)


def optional_inner(hint: Hint) -> Hint | None:
    if get_origin(hint) in (typing.Union, types.UnionType):
        args = [arg for arg in get_args(hint) if arg is not type(None)]
        if len(args) == 1 and len(get_args(hint)) == 2:
            return args[0]
    return None


def fitting_literal(hint: Hint, field: dataclasses.Field[Any]) -> st.SearchStrategy[str]:
    """A literal of the type and form the field asks for (often, not always, valid)."""
    inner = optional_inner(hint)
    if inner is not None:
        return st.one_of(st.just('""'), fitting_literal(inner, field))
    low, high = field.metadata.get("minimum"), field.metadata.get("maximum")
    if hint is bool:
        return st.sampled_from(["true", "false"])
    if hint is int:
        bounded = st.integers(int(low) if low is not None else -5,
                              int(high) if high is not None else 100_000)
        return st.one_of(bounded, bounded, bounded, st.integers()).map(str)
    if hint is float:
        bounded = st.floats(low if low is not None else -5.0,
                            high if high is not None else 1e6, allow_nan=False)
        return st.one_of(bounded.map(repr), bounded.map(repr),
                         st.sampled_from(["nan", "inf", "-inf"]))
    if get_origin(hint) is Literal:
        return st.sampled_from([toml_literal(choice) for choice in get_args(hint)])
    if hint is str or hint is Path:
        pattern = field.metadata.get("pattern")
        text = st.from_regex(pattern, fullmatch=True) if pattern else toml_text
        return text.map(lambda value: toml_string(value.encode("utf-8", "replace").decode()))
    if get_origin(hint) is tuple:
        (item, _ellipsis) = get_args(hint)
        items = fitting_literal(item, field) if item in (str, int) else any_literal
        return st.lists(items, max_size=4).map(lambda values: "[" + ", ".join(values) + "]")
    if get_origin(hint) in (typing.Union, types.UnionType):    # a command: text or words
        return st.one_of(fitting_literal(str, field), fitting_literal(tuple[str, ...], field))
    return any_literal


def literal_for(hint: Hint, field: dataclasses.Field[Any]) -> st.SearchStrategy[str]:
    """Mostly a fitting literal, now and then anything at all."""
    fitting = fitting_literal(hint, field)
    return st.one_of(fitting, fitting, fitting, fitting, fitting, any_literal)


@dataclass(frozen=True)
class Table:
    """One table of a schema: its dotted header, whether it is an array of tables, and
    its keys with their types."""

    path: str
    many: bool
    keys: dict[str, tuple[Hint, dataclasses.Field[Any]]]


def tables_of(cls: type, path: str = "", many: bool = False) -> list[Table]:
    """Every table under the dataclass ``cls`` (a dict of tables gets one name, "main")."""
    hints = get_type_hints(cls)
    keys: dict[str, tuple[Hint, dataclasses.Field[Any]]] = {}
    below: list[Table] = []
    for field in dataclasses.fields(cls):
        hint = hints[field.name]
        inner = optional_inner(hint) or hint
        args = get_args(inner)
        sub = f"{path}.{field.name}" if path else field.name
        if dataclasses.is_dataclass(inner):
            below += tables_of(inner, sub)  # type: ignore[arg-type]
        elif get_origin(inner) is tuple and args and dataclasses.is_dataclass(args[0]):
            below += tables_of(args[0], sub, many=True)
        elif get_origin(inner) is dict and dataclasses.is_dataclass(args[1]):
            below += tables_of(args[1], f"{sub}.main")
        else:
            keys[field.name] = (hint, field)
    return [Table(path, many, keys), *below]


@st.composite
def section(draw: st.DrawFn, table: Table) -> str:
    names = draw(st.lists(st.sampled_from(sorted(table.keys)), unique=True, max_size=6)
                 if table.keys else st.just([]))
    lines = [f"{name} = {draw(literal_for(*table.keys[name]))}" for name in names]
    if draw(st.integers(0, 9)) == 0:
        lines.append(f"{draw(bare_keys)} = {draw(any_literal)}")   # a key the schema lacks
    if not table.path:
        return "\n".join(lines)
    header = f"[[{table.path}]]" if table.many else f"[{table.path}]"
    return "\n".join([header, *lines])


@st.composite
def documents(draw: st.DrawFn, tables: list[Table]) -> str:
    """A TOML document over a few of ``tables``, in schema order: plain tables at most
    once (TOML forbids more), arrays of tables once or twice."""
    picked = sorted(draw(st.lists(st.integers(0, len(tables) - 1), unique=True, max_size=4)))
    chosen: list[Table] = []
    for index in picked:
        table = tables[index]
        chosen += [table] * (draw(st.integers(1, 2)) if table.many else 1)
    parts = [draw(section(table)) for table in chosen]
    if draw(st.integers(0, 9)) == 0:
        parts.append(draw(st.text(max_size=40)))     # a line of junk
    return "\n\n".join(parts) + "\n"
