"""`kiosk doctor locker`: read one lock board once, for commissioning and fault finding.

It opens the port exclusively, so it cannot talk over a running terminal: with the
terminal running, it says the port is in use. Door states use the spec's default
polarity (hook bit set = closed); comparing them with the doors as they really are is how
an installer finds which boards need `closed_when_bit_set = false`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from devices.errors import DeviceNotFound, DeviceTimeout
from devices.locker.doors import door_states
from devices.locker.line import LockerLine, frame_gap_for
from devices.locker.port import BoardConfig, ProtocolName
from devices.locker.protocols import protocol_named
from devices.serial_link import SerialLink, open_once

log = logging.getLogger(__name__)

REPLY_TIMEOUT_S = 0.2
TRIES = 3


def probe_board(port: str, protocol: ProtocolName, board: int, baud: int,
                locks: int | None = None) -> list[dict[str, object]]:
    """Reads board ``board`` once: [{"door": 1, "open": False, "item": None}, ...].

    ``locks`` limits the doors listed; by default every lock the reply carries is listed.
    ``item`` is the infrared bit where the protocol reports one (CU16), else None.
    Raises DeviceNotFound (no port, cannot open it), DeviceTimeout (no answer) or
    ProtocolError (damaged answers), each saying what to check; ValueError for an address
    or lock count the protocol does not allow."""
    codec = protocol_named(protocol)
    if board not in codec.addresses:
        first, last = codec.addresses[0], codec.addresses[-1]
        raise ValueError(f"{protocol} board addresses are {first}-{last}, not {board}")
    if locks is not None and not 1 <= locks <= codec.max_locks:
        raise ValueError(f"{protocol} boards have 1-{codec.max_locks} locks, not {locks}")
    if not Path(port).exists():
        raise DeviceNotFound(f"{port} does not exist: is the USB RS485 adapter plugged in, and "
                             "is the path right? (ls /dev/serial/by-id/)")
    link = _open(port, baud)
    try:
        line = LockerLine(link, codec, where=f"on {port}", gap_s=frame_gap_for(baud))
        try:
            raw, _reply, _at = line.read_status(board, locks or 0, timeout_s=REPLY_TIMEOUT_S,
                                                tries=TRIES)
        except DeviceTimeout as error:
            raise DeviceTimeout(f"{error}; probed at {baud} baud ({protocol} boards ship set "
                                f"to {codec.default_baud})") from None
    finally:
        link.close()
    config = BoardConfig(board, locks or len(raw.locks), closed_when_bit_set=True,
                         item_sensor=codec.item_sensing)
    return [{"door": door.lock, "open": door.open, "item": door.item}
            for door in door_states(raw, config, f"on {port}")]


def _open(port: str, baud: int) -> SerialLink:
    return open_once(SerialLink, "locker-doctor", port, baud, read_timeout_s=0.02)
