"""`kiosk doctor idcard`: read one ID card once, for commissioning and fault finding; and
the reader's SAM id, which `kiosk doctor` asks for to see that the reader answers.

It opens the port exclusively, so it cannot talk over a running terminal: with the terminal
running, it says the port is in use. It returns the card as the adapter would report it;
whoever prints it decides what of it to show (never the full name or ID number in a log).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from devices.errors import DeviceNotFound, DeviceTimeout
from devices.idcard.card_text import decode_text, format_sam_id, split_read_reply
from devices.idcard.line import QuietSerialLink, SamLine
from devices.idcard.port import CardRead
from devices.idcard.protocol import (
    FIND_CARD,
    READ_TEXT_PHOTO,
    SAM_ID,
    SELECT_CARD,
    Command,
    Reply,
)
from devices.idcard.sam_reader import (
    FIND_TIMEOUT_S,
    POLL_INTERVAL_S,
    READ_TIMEOUT_S,
    SAM_ID_TIMEOUT_S,
    SELECT_TIMEOUT_S,
)
from devices.idcard.sam_status import status_error
from devices.serial_link import open_once

log = logging.getLogger(__name__)

NO_CARD = 0x80


def read_one_card(port: str, baud: int = 115200, timeout_s: float = 10.0) -> CardRead:
    """Waits up to ``timeout_s`` for a card on the reader at ``port`` and reads it once.

    Raises DeviceNotFound (no such port, cannot open it), PortInUse, DeviceTimeout (the
    reader does not answer, or no card came), ProtocolError (damaged replies, a text block
    not laid out as a card's) or the SAM's own errors from devices.idcard.protocol
    (SelectFailed, CardReadError, UnknownCardType, SamFault), each saying what to do."""
    link = _open(port, baud)
    where = f"on {port}"
    try:
        line = SamLine(link)
        _identify(line, port, baud)
        deadline = time.monotonic() + timeout_s
        while True:
            reply = _ask(line, FIND_CARD, FIND_TIMEOUT_S, port, baud)
            if reply.sw3 == FIND_CARD.ok:
                break
            if reply.sw3 != NO_CARD:
                raise status_error(FIND_CARD, reply.sw3, where)
            if time.monotonic() >= deadline:
                raise DeviceTimeout(
                    f"no card on the ID-card reader {where} within {timeout_s:g} s: place an "
                    "ID card flat on the reader (a card that has just been read must be "
                    "lifted and placed again)")
            time.sleep(POLL_INTERVAL_S)
        reply = _ask(line, SELECT_CARD, SELECT_TIMEOUT_S, port, baud)
        if reply.sw3 != SELECT_CARD.ok:
            raise status_error(SELECT_CARD, reply.sw3, where)
        reply, received_at = line.transact(READ_TEXT_PHOTO, READ_TIMEOUT_S)
        if reply.sw3 != READ_TEXT_PHOTO.ok:
            raise status_error(READ_TEXT_PHOTO, reply.sw3, where)
        text, photo = split_read_reply(reply)
        return CardRead(decode_text(text), photo, raw_length=len(reply.frame),
                        monotonic=received_at)
    finally:
        link.close()


def read_sam_id(port: str, baud: int = 115200) -> str:
    """Asks the reader at ``port`` for its SAM id (no card needed) and returns it as the
    vendor tools print it. Raises as read_one_card does (CardTextError, a ProtocolError,
    for an id that is not 16 bytes)."""
    link = _open(port, baud)
    try:
        return format_sam_id(_identify(SamLine(link), port, baud).data)
    finally:
        link.close()


def _identify(line: SamLine, port: str, baud: int) -> Reply:
    reply = _ask(line, SAM_ID, SAM_ID_TIMEOUT_S, port, baud)
    if reply.sw3 != SAM_ID.ok:
        raise status_error(SAM_ID, reply.sw3, f"on {port}")
    return reply


def _ask(line: SamLine, command: Command, timeout_s: float, port: str, baud: int) -> Reply:
    try:
        reply, _ = line.transact(command, timeout_s)
    except DeviceTimeout:
        raise DeviceTimeout(
            f"the ID-card reader on {port} does not answer {command.what} at {baud} baud: "
            "check that it is powered, that it speaks GA 467 SAM_V and its baud rate "
            "(these readers ship set to 115200)") from None
    return reply


def _open(port: str, baud: int) -> QuietSerialLink:
    if not Path(port).exists():
        raise DeviceNotFound(f"{port} does not exist: is the ID-card reader plugged in, and is "
                             "the path right? (ls /dev/serial/by-id/)")
    return open_once(QuietSerialLink, "idcard-doctor", port, baud, read_timeout_s=0.01)
