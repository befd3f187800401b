"""The status word (SW3) of a GA 467 SAM reply: what each value means, what to do about
it, and the error each failure is raised as (shared/reference/devices.md section 1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from devices.errors import DeviceError
from devices.idcard.protocol import Command


@dataclass(frozen=True)
class Sw3:
    value: int
    name: str
    meaning: str
    code: str          # the ReadFailed code the reader reports it as ("" for success)
    advice: str = ""


_SW3_TABLE = (
    Sw3(0x90, "ok", "success", ""),
    Sw3(0x9F, "card_found", "a card was found", ""),
    Sw3(0x91, "item_absent", "the card does not hold that item", "read_failed",
        "place the card again"),
    Sw3(0x10, "sam_checksum", "the SAM received a frame with a bad checksum", "sam_fault",
        "check the cable for noise"),
    Sw3(0x11, "sam_length", "the SAM received a frame with a bad length", "sam_fault",
        "check the cable for noise and the baud rate"),
    Sw3(0x21, "sam_command", "the SAM did not understand the command", "sam_fault",
        "the reader may not speak GA 467 SAM_V"),
    Sw3(0x23, "unauthorised", "the SAM refused an unauthorised operation", "sam_fault"),
    Sw3(0x24, "sam_unknown", "the SAM reported an unknown error", "sam_fault",
        "power-cycle the reader"),
    Sw3(0x31, "card_auth", "the card failed to authenticate to the SAM", "read_failed",
        "place the card again and hold it still; a card that keeps failing may be damaged"),
    Sw3(0x32, "sam_auth", "the SAM failed to authenticate to the card", "read_failed",
        "place the card again and hold it still"),
    Sw3(0x33, "verify", "the card's information failed verification", "read_failed",
        "place the card again; a card that keeps failing may be damaged"),
    Sw3(0x40, "unknown_card_type", "the card is of a type the SAM does not know",
        "unknown_card", "only resident ID cards and residence permits can be read"),
    Sw3(0x41, "read_failed", "reading the card failed", "read_failed",
        "place the card again and hold it still"),
    Sw3(0x47, "random", "the SAM could not get a random number from the card", "read_failed",
        "place the card again"),
    Sw3(0x60, "self_test", "the SAM failed its self-test", "sam_fault",
        "power-cycle the reader; if it persists the reader needs service"),
    Sw3(0x66, "sam_unauthorised", "the SAM is not authorised", "sam_fault",
        "the reader's security module needs service by its vendor"),
    Sw3(0x80, "no_card", "no card was found", "no_card", "place the card on the reader"),
    Sw3(0x81, "select_failed", "selecting the card failed", "select_failed",
        "place the card again and hold it still"),
    Sw3(0xFF, "comms_fault", "the reader reported a communication fault", "sam_fault",
        "power-cycle the reader"),
)
SW3: dict[int, Sw3] = {entry.value: entry for entry in _SW3_TABLE}


def sw3_info(value: int) -> Sw3:
    return SW3.get(value) or Sw3(value, "unknown_status", "an undocumented status",
                                 "sam_fault", "check that the reader speaks GA 467 SAM_V")


# Errors. Each has ``code``: the ReadFailed code the adapter reports it under.

class SamError(DeviceError):
    """The SAM answered a command with a failure status (SW3)."""

    code: ClassVar[str] = "sam_fault"

    def __init__(self, command: Command, status: Sw3, where: str = "") -> None:
        self.command = command
        self.sw3 = status.value
        self.status = status
        advice = f"; {status.advice}" if status.advice else ""
        reader = f"ID-card reader {where}" if where else "ID-card reader"
        super().__init__(f"{reader}: {command.what}: {status.meaning} "
                         f"(SW3 {status.value:02X}){advice}")


class NoCard(SamError):
    code = "no_card"


class SelectFailed(SamError):
    code = "select_failed"


class CardReadError(SamError):
    code = "read_failed"


class UnknownCardType(SamError):
    code = "unknown_card"


class SamFault(SamError):
    code = "sam_fault"


_ERROR_CLASSES: dict[str, type[SamError]] = {
    "no_card": NoCard, "select_failed": SelectFailed, "read_failed": CardReadError,
    "unknown_card": UnknownCardType, "sam_fault": SamFault,
}


def status_error(command: Command, sw3: int, where: str = "") -> SamError:
    """The named error for a failure status; ``where`` is e.g. "on /dev/ttyUSB0"."""
    status = sw3_info(sw3)
    return _ERROR_CLASSES.get(status.code, SamFault)(command, status, where)
