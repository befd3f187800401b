"""The two checksums lock boards use, kept in one place so encoders and parsers agree."""

from __future__ import annotations

from functools import reduce
from operator import xor


def sum8(data: bytes) -> int:
    """Kerong: the low byte of the sum of every preceding byte."""
    return sum(data) & 0xFF


def xor8(data: bytes) -> int:
    """Generic 8A/80 boards: the XOR of every preceding byte."""
    return reduce(xor, data, 0)
