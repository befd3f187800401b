"""Drop-off receipts (存件回执): the paper a resident takes home after leaving papers for
the staff, and the QR code on it that the staff's retrieve screen reads.

A receipt number is not a secret like a pickup code: it proves a drop-off and lets staff
find it, but opens nothing by itself (only signed-in staff can take a drop-off out). The
QR code therefore carries the receipt number as it is, with the terminal's id so that a
receipt from another terminal's locker is recognised as such; nothing about the resident.
The slip is a document, so it is always in Chinese, like the other slips.
"""

from __future__ import annotations

import re
from datetime import datetime

from devices.printer.slip import Block, Qr, Rule, Slip, Spacer, Text
from kiosk.config.schema import StationConfig

# KIOSK-DROPOFF:<terminal id>:<receipt number>, beside codes.QR_PREFIX (KIOSK-PICKUP:).
RECEIPT_QR_PREFIX = "KIOSK-DROPOFF:"
# The locker service numbers receipts YYMMDD + a running number of at least 3 digits.
_RECEIPT = re.compile(r"[0-9]{9,16}")   # ASCII only: \d takes any digit

SLIP_TITLE = "存件回执"
WHAT_HAPPENS_NEXT = "工作人员将在工作时间处理您的材料。如需查询，请出示本回执或告知回执号。"
QR_CAPTION = "工作人员扫码取件"


def receipt_qr_payload(terminal_id: str, receipt: str) -> str:
    """What the receipt's QR code holds: which terminal, and the receipt number."""
    return f"{RECEIPT_QR_PREFIX}{terminal_id}:{receipt}"


def is_receipt_qr(text: str) -> bool:
    """Whether a scanned code claims to be a drop-off receipt (of any terminal)."""
    return text.startswith(RECEIPT_QR_PREFIX)


def receipt_from_qr(text: str, terminal_id: str) -> str | None:
    """The receipt number in a scanned receipt QR of this terminal, or None if the code is
    not one (another terminal's receipt, a damaged code, anything else)."""
    if not is_receipt_qr(text):
        return None
    terminal, _, receipt = text[len(RECEIPT_QR_PREFIX):].partition(":")
    if terminal != terminal_id or not _RECEIPT.fullmatch(receipt):
        return None
    return receipt


def dropoff_receipt_slip(receipt: str, compartment: int, station: StationConfig,
                         stored_at: datetime, opening_hours: str = "") -> Slip:
    """The receipt as printed, and as reprinted: the same slip every time.

    ``opening_hours`` are the hours in force (the center may have changed the configured
    ones); the staff deal with drop-offs then."""
    blocks: list[Block] = [
        Text(SLIP_TITLE, size="title", bold=True, align="center"),
        Text(station.name, align="center"),
        Rule(),
        Text("回执号", align="center"),
        Text(receipt, size="title", bold=True, align="center"),
        Spacer(),
        # Staff need the compartment to find the papers; the resident needs nothing else.
        Text(f"存放柜格：{compartment}号柜", size="large"),
        Text(f"存件时间：{stored_at:%Y-%m-%d %H:%M}"),
        Rule(),
        Text(WHAT_HAPPENS_NEXT),
    ]
    if opening_hours:
        blocks.append(Text(f"工作时间：{opening_hours}"))
    if station.hotline:
        blocks.append(Text(f"咨询电话：{station.hotline}"))
    blocks += [
        Spacer(),
        Qr(receipt_qr_payload(station.terminal_id, receipt), caption=QR_CAPTION),
    ]
    return Slip(tuple(blocks))
