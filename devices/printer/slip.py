"""A receipt as a printer-neutral document: a Slip is a tuple of blocks.

Domain code composes Slips (the one-time notice 一次性告知单 of a service item, queue
tickets). The printer adapter renders a Slip to ESC/POS; when paper is out the UI renders the
same Slip on screen, QR code included, so the resident leaves with the same information
either way. Nothing here knows about paper widths or printer commands.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

# number: a short ASCII number (a queue ticket's A001) as tall as the printer prints it,
# to be read at arm's length; two-byte characters cannot be enlarged that far.
TextSize = Literal["normal", "large", "title", "number"]
Align = Literal["left", "center"]

TEXT_SIZES: tuple[TextSize, ...] = ("normal", "large", "title", "number")
# The longest text a "number" holds: one line on 58 mm paper at that size.
MAX_NUMBER_CHARS = 5
ALIGNMENTS: tuple[Align, ...] = ("left", "center")
# A version-40 QR code holds 2953 bytes at the lowest error correction; receipts carry
# URLs and short references, and a denser code would not scan off thermal paper anyway.
MAX_QR_BYTES = 600
# What plain_lines draws for a Rule.
RULE_WIDTH = 32


@dataclass(frozen=True)
class Text:
    """A paragraph. Line breaks in ``text`` start new lines; longer lines are wrapped by
    whoever renders the slip."""

    text: str
    size: TextSize = "normal"
    bold: bool = False
    align: Align = "left"

    def __post_init__(self) -> None:
        if self.size not in TEXT_SIZES:
            raise ValueError(f"text size {self.size!r} is not one of {', '.join(TEXT_SIZES)}")
        if self.align not in ALIGNMENTS:
            raise ValueError(f"alignment {self.align!r} is not one of {', '.join(ALIGNMENTS)}")
        if self.size == "number" and not (self.text.isascii() and self.text.isprintable()
                                          and 0 < len(self.text) <= MAX_NUMBER_CHARS):
            raise ValueError(f"a number-size text is 1 to {MAX_NUMBER_CHARS} ASCII "
                             f"characters, not {self.text!r}")


@dataclass(frozen=True)
class Qr:
    """A QR code, centred, with an optional caption under it (e.g. 扫码查看办事指南)."""

    data: str
    caption: str = ""

    def __post_init__(self) -> None:
        if not self.data:
            raise ValueError("a QR code needs data")
        if len(self.data.encode("utf-8")) > MAX_QR_BYTES:
            raise ValueError(f"QR data longer than {MAX_QR_BYTES} bytes would not scan off a "
                             "receipt; put a short link in it instead")


@dataclass(frozen=True)
class Rule:
    """A horizontal line across the slip."""


@dataclass(frozen=True)
class Spacer:
    """Empty lines."""

    lines: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.lines <= 10:
            raise ValueError("a spacer is 1 to 10 lines")


Block = Text | Qr | Rule | Spacer


@dataclass(frozen=True)
class Slip:
    blocks: tuple[Block, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.blocks, tuple):
            raise TypeError("Slip.blocks is a tuple of blocks")
        for block in self.blocks:
            if not isinstance(block, Text | Qr | Rule | Spacer):
                raise TypeError(f"{block!r} is not a slip block (Text, Qr, Rule or Spacer)")

    def __iter__(self) -> Iterator[Block]:
        return iter(self.blocks)

    @property
    def title(self) -> str:
        """The first line of the first text block: what logs call this slip."""
        for block in self.blocks:
            if isinstance(block, Text) and block.text.strip():
                return block.text.strip().splitlines()[0]
        return ""

    @property
    def qr_codes(self) -> tuple[Qr, ...]:
        return tuple(block for block in self.blocks if isinstance(block, Qr))


def plain_lines(slip: Slip, rule_width: int = RULE_WIDTH) -> list[str]:
    """The slip as plain text lines, unwrapped: for tests and logs.

    A QR code reads as ``[QR] data`` followed by its caption."""
    lines: list[str] = []
    for block in slip.blocks:
        if isinstance(block, Text):
            lines.extend(block.text.split("\n"))
        elif isinstance(block, Qr):
            lines.append(f"[QR] {block.data}")
            if block.caption:
                lines.append(block.caption)
        elif isinstance(block, Rule):
            lines.append("-" * rule_width)
        else:
            lines.extend([""] * block.lines)
    return lines
