"""`kiosk doctor smartcard`: wait for one card on a PC/SC reader and say what it is.

It goes through pcscd like the terminal does, in shared mode, so it works beside a running
terminal (which then sees the card too). The result is the adapter's own CardPresented;
whoever prints it decides what of it to show (never a full name or ID number in a log).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from smartcard import scard

from devices.errors import DeviceError, DeviceNotFound, DeviceTimeout
from devices.smartcard.pcsc_reader import identify_card
from devices.smartcard.pcsc_socket import SYSTEM_SOCKET, current_socket
from devices.smartcard.port import CardPresented
from kiosk.config import KioskConfig

SLICE_MS = 250
_PCSCD_GONE = {scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED}


@dataclass(frozen=True)
class ConfiguredPcscd:
    socket: str
    whose: str          # "the demo's own pcscd", "the system pcscd", ...


def configured_pcscd(config: KioskConfig) -> ConfiguredPcscd:
    """The pcscd the terminal of ``config`` talks to, and no other."""
    from devices.sim.pcscd import socket_path_in

    explicit = config.devices.smartcard.pcscd_socket
    if explicit:
        return ConfiguredPcscd(explicit, "the pcscd of devices.smartcard.pcscd_socket")
    if config.simulation.start:
        from kiosk.simulation.host import demo_pcscd_dir

        return ConfiguredPcscd(str(socket_path_in(demo_pcscd_dir(config))),
                               "the demo's own pcscd")
    inherited = current_socket()
    return ConfiguredPcscd(inherited, "the system pcscd" if inherited == SYSTEM_SOCKET
                           else "the pcscd of $PCSCLITE_CSOCK_NAME")


def read_one(reader_match: str, timeout_s: float = 10.0) -> CardPresented:
    """Waits up to ``timeout_s`` for a card in the first reader whose name contains
    ``reader_match`` (empty: the first reader) and identifies it.

    Raises DeviceNotFound (pcscd not running, no such reader, the reader went away),
    DeviceTimeout (no card) or DeviceError (a card that does not answer), each saying what
    to do. A card that is there but cannot be read is returned with its ``error`` set."""
    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if result != scard.SCARD_S_SUCCESS:
        raise DeviceNotFound(_pcscd_not_running())
    try:
        reader = _find_reader(context, reader_match)
        deadline = time.monotonic() + timeout_s
        state = scard.SCARD_STATE_UNAWARE
        while True:
            remaining_ms = int((deadline - time.monotonic()) * 1000)
            if remaining_ms <= 0:
                raise DeviceTimeout(f"no card in {reader} within {timeout_s:g} s: insert a "
                                    "card (chip first, face up) or hold a badge on the reader")
            result, states = scard.SCardGetStatusChange(context, min(remaining_ms, SLICE_MS),
                                                        [(reader, state)])
            if result == scard.SCARD_E_TIMEOUT:
                continue
            if result in _PCSCD_GONE:
                raise DeviceNotFound(_pcscd_not_running())
            if result != scard.SCARD_S_SUCCESS:
                raise DeviceNotFound(f"{reader}: {_describe(result)}; is it still plugged in?")
            _, event_state, atr = states[0]
            state = event_state & ~scard.SCARD_STATE_CHANGED
            if event_state & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
                raise DeviceNotFound(f"{reader} was unplugged; plug it back in and try again")
            if event_state & scard.SCARD_STATE_MUTE:
                raise DeviceError(f"the card in {reader} does not answer: is it inserted the "
                                  "right way round (chip first, face up)?")
            if event_state & scard.SCARD_STATE_PRESENT:
                return identify_card(context, reader, bytes(atr), device="smartcard-doctor")
    finally:
        scard.SCardReleaseContext(context)


def _find_reader(context: int, reader_match: str) -> str:
    result, readers = scard.SCardListReaders(context, [])
    if result in _PCSCD_GONE:
        raise DeviceNotFound(_pcscd_not_running())
    if result != scard.SCARD_S_SUCCESS:
        readers = []        # SCARD_E_NO_READERS_AVAILABLE
    matching = [str(r) for r in readers if reader_match in r]
    if not matching:
        seen = ", ".join(readers) if readers else "no readers at all"
        wanted = f"matching '{reader_match}'" if reader_match else "at all"
        raise DeviceNotFound(f"no card reader {wanted}; pcscd sees: {seen}. Check the USB "
                             "cable and devices.smartcard.reader in the configuration")
    return matching[0]


def _pcscd_not_running() -> str:
    socket = current_socket()
    if socket != SYSTEM_SOCKET:
        return (f"no pcscd answers at {socket}: start the one that serves it (the demo's "
                "runs while `kiosk run` or `kiosk sim` does)")
    return "pcscd is not running: sudo systemctl start pcscd (Debian package pcscd)"


def _describe(result: int) -> str:
    return str(scard.SCardGetErrorMessage(result)).rstrip(". ")
