"""Strategies shared by the property tests: damaged copies of valid input, and streams cut
into the pieces a serial port or a pipe delivers them in."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TypeVar

from hypothesis import strategies as st

T = TypeVar("T")

MUTATIONS = ("flip_bit", "set_byte", "truncate", "drop_head", "insert", "delete",
             "duplicate", "append_valid", "prepend_valid")


@st.composite
def mutated(draw: st.DrawFn, valid: st.SearchStrategy[bytes], *,
            max_rounds: int = 4) -> bytes:
    """A valid message damaged the way lines and files damage them: bits flipped, bytes
    replaced, cut short, bytes inserted, removed or repeated, another valid message glued
    on. One to ``max_rounds`` damages, each anywhere."""
    data = bytearray(draw(valid))
    for _ in range(draw(st.integers(1, max_rounds))):
        mutation = draw(st.sampled_from(MUTATIONS))
        at = draw(st.integers(0, len(data)))
        if mutation == "flip_bit" and data:
            index = min(at, len(data) - 1)
            data[index] ^= 1 << draw(st.integers(0, 7))
        elif mutation == "set_byte" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        elif mutation == "truncate":
            del data[at:]
        elif mutation == "drop_head":
            del data[:at]
        elif mutation == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif mutation == "delete":
            del data[at:at + draw(st.integers(1, 8))]
        elif mutation == "duplicate":
            span = bytes(data[at:at + draw(st.integers(1, 16))])
            data[at:at] = span
        elif mutation == "append_valid":
            data += draw(valid)
        elif mutation == "prepend_valid":
            data[:0] = draw(valid)
    return bytes(data)


def damaged_or_random(valid: st.SearchStrategy[bytes], *,
                      max_random: int = 64) -> st.SearchStrategy[bytes]:
    """What a parser meets on a bad day: valid messages, damaged ones, several in a row
    with noise between them, and plain random bytes."""
    noise = st.binary(max_size=max_random)
    sequences = st.lists(st.one_of(valid, mutated(valid), noise), min_size=1,
                         max_size=4).map(b"".join)
    return st.one_of(valid, mutated(valid), sequences, noise)


@st.composite
def chunks_of(draw: st.DrawFn, data: bytes, *, max_cuts: int = 12) -> list[bytes]:
    """``data`` cut at arbitrary points, as reads return it (empty reads included)."""
    cuts = draw(st.lists(st.integers(0, len(data)), max_size=max_cuts))
    bounds = [0, *sorted(cuts), len(data)]
    return [data[start:end] for start, end in itertools.pairwise(bounds)]


# Text that outside systems send: anything Python strings can hold, lone surrogates
# included (JSON's "\ud800" decodes to one).
any_text = st.text(st.characters(exclude_categories=()), max_size=40)


class Labelled(bytes):
    """Bytes that print as a short label, so that a failing 5,000-deep example does not
    fill the report with its repr."""

    label: str

    def __new__(cls, data: bytes, label: str) -> Labelled:
        made = super().__new__(cls, data)
        made.label = label
        return made

    def __repr__(self) -> str:
        return self.label


def nested(depth: int, open_: bytes = b"[", close: bytes = b"]") -> Labelled:
    """JSON (and TOML) arrays nested ``depth`` deep."""
    return Labelled(open_ * depth + close * depth,
                    f"nested({depth}, {open_!r}, {close!r})")


def outcome(call: Callable[[], T],
               *allowed: type[BaseException]) -> tuple[T | None, BaseException | None]:
    """(result, None), or (None, the error) when ``call`` raised one of ``allowed``: for
    properties where refusing is a right answer but any other exception is a failure."""
    try:
        return call(), None
    except allowed as error:
        return None, error
