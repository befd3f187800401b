"""ESC/POS real-time status (DLE EOT n) and what its answer bytes mean.

As in shared/reference/devices.md section 3 (python-escpos `escpos.py` and `constants.py`):
the printer answers DLE EOT n with one byte whose fixed bits read 0xx1xx10 (bit 0 = 0,
bit 1 = 1, bit 4 = 1, bit 7 = 0). Real-time commands are answered even while the printer is
busy with a receipt or offline, which is what makes them usable before and after each job.

- n = 1, printer status: bit 3 set = offline.
- n = 2, offline cause: bit 2 cover open, bit 3 paper fed by the button, bit 5 printing
  stopped at paper end, bit 6 an error occurred.
- n = 4, paper roll sensor: bits 2-3 both set = paper near end, bits 5-6 both set = paper
  end. (A printer at paper end usually reports near end too.)
"""

from __future__ import annotations

from devices.printer.port import PaperState

DLE_EOT = b"\x10\x04"
ASK_PRINTER = DLE_EOT + b"\x01"
ASK_OFFLINE_CAUSE = DLE_EOT + b"\x02"
ASK_PAPER = DLE_EOT + b"\x04"

FIXED_MASK = 0b1001_0011
FIXED_BITS = 0b0001_0010
OFFLINE = 0b0000_1000
COVER_OPEN = 0b0000_0100
STOPPED_AT_PAPER_END = 0b0010_0000
ERROR = 0b0100_0000
PAPER_NEAR_END = 0b0000_1100
PAPER_END = 0b0110_0000


def is_status_byte(value: int) -> bool:
    """True if ``value`` has the fixed bits of a DLE EOT answer (0xx1xx10)."""
    return value & FIXED_MASK == FIXED_BITS


def is_offline(printer_status: int) -> bool:
    return bool(printer_status & OFFLINE)


def paper_state(paper_status: int) -> PaperState:
    if paper_status & PAPER_END == PAPER_END:
        return "out"
    if paper_status & PAPER_NEAR_END == PAPER_NEAR_END:
        return "near_end"
    return "ok"


def offline_causes(cause_status: int) -> list[str]:
    """The reasons an offline printer gives, in words for staff."""
    causes = []
    if cause_status & COVER_OPEN:
        causes.append("the cover is open")
    if cause_status & STOPPED_AT_PAPER_END:
        causes.append("it stopped at the end of the paper")
    if cause_status & ERROR:
        causes.append("it reports an error (paper jam, cutter or head temperature)")
    return causes
