"""A PC/SC reader watched through pcscd with pyscard's low-level scard API.

pyscard's CardMonitor thread dies silently when pcscd restarts or a reader is unplugged
(pyscard #82, #128, #207), so this adapter runs its own loop on SCardGetStatusChange and
re-establishes the context whenever pcscd goes away.
"""

from __future__ import annotations

import logging
import threading

from smartcard import scard

from devices.health import DeviceState, HealthReporter
from devices.smartcard.port import CardListener, CardPresented, CardRemoved
from devices.traffic import log_bytes

GET_UID = [0xFF, 0xCA, 0x00, 0x00, 0x00]
POLL_MS = 500
RETRY_S = 1.0

log = logging.getLogger("devices.smartcard")

# Results meaning pcscd itself went away: start over with a new context.
_SERVICE_GONE = {
    scard.SCARD_E_NO_SERVICE,
    scard.SCARD_E_SERVICE_STOPPED,
    scard.SCARD_E_INVALID_HANDLE,
    scard.SCARD_E_NO_READERS_AVAILABLE,
}


class PcscCardReader:
    def __init__(self, reader_match: str, *, device: str = "smartcard") -> None:
        """``reader_match``: part of the reader's name; empty takes the first reader."""
        self.health = HealthReporter(device, log)
        self._match = reader_match
        self._listeners: list[CardListener] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def on_card(self, listener: CardListener) -> None:
        self._listeners.append(listener)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="smartcard", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3)

    def _run(self) -> None:
        while not self._stop.is_set():
            result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if result != scard.SCARD_S_SUCCESS:
                self.health.set(DeviceState.ABSENT, "pcscd is not running")
                self._stop.wait(RETRY_S)
                continue
            try:
                self._watch(context)
            finally:
                scard.SCardReleaseContext(context)

    def _watch(self, context: int) -> None:
        """Follows one reader until pcscd goes away or the adapter stops."""
        reader = self._find_reader(context)
        if reader is None:
            return
        self.health.set(DeviceState.READY, reader)
        present = False
        state = scard.SCARD_STATE_UNAWARE
        while not self._stop.is_set():
            result, states = scard.SCardGetStatusChange(context, POLL_MS, [(reader, state)])
            if result == scard.SCARD_E_TIMEOUT:
                continue
            if result != scard.SCARD_S_SUCCESS:
                if result in _SERVICE_GONE or result == scard.SCARD_E_UNKNOWN_READER:
                    self.health.set(DeviceState.ABSENT, f"{reader}: {_describe(result)}")
                    if present:
                        self._emit(CardRemoved(reader))
                    self._stop.wait(RETRY_S)
                    return
                self.health.set(DeviceState.FAULT, f"{reader}: {_describe(result)}")
                self._stop.wait(RETRY_S)
                continue
            _, event_state, atr = states[0]
            state = event_state & ~scard.SCARD_STATE_CHANGED
            if event_state & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
                self.health.set(DeviceState.ABSENT, f"{reader} was unplugged")
                if present:
                    self._emit(CardRemoved(reader))
                return
            now_present = bool(event_state & scard.SCARD_STATE_PRESENT) and not bool(
                event_state & scard.SCARD_STATE_MUTE
            )
            if now_present and not present:
                present = True
                self._emit(CardPresented(reader, bytes(atr), self._read_uid(context, reader)))
            elif not now_present and present:
                present = False
                self._emit(CardRemoved(reader))

    def _find_reader(self, context: int) -> str | None:
        result, readers = scard.SCardListReaders(context, [])
        if result in _SERVICE_GONE or result != scard.SCARD_S_SUCCESS:
            readers = []
        matching = [r for r in readers if self._match in r]
        if not matching:
            wanted = f"matching '{self._match}'" if self._match else "at all"
            self.health.set(DeviceState.ABSENT, f"no card reader {wanted}")
            self._stop.wait(RETRY_S)
            return None
        return str(matching[0])

    def _read_uid(self, context: int, reader: str) -> bytes | None:
        result, card, protocol = scard.SCardConnect(
            context, reader, scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        if result != scard.SCARD_S_SUCCESS:
            log.warning("smartcard: cannot connect to the card in %s: %s", reader,
                        _describe(result))
            return None
        try:
            log_bytes("smartcard", ">", bytes(GET_UID))
            result, response = scard.SCardTransmit(card, protocol, GET_UID)
            if result != scard.SCARD_S_SUCCESS:
                return None
            log_bytes("smartcard", "<", bytes(response))
            if len(response) >= 2 and response[-2:] == [0x90, 0x00] and len(response) > 2:
                return bytes(response[:-2])
            return None  # a contact card, or a reader without the GET DATA pseudo-APDU
        finally:
            scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)

    def _emit(self, event: CardPresented | CardRemoved) -> None:
        kind = "card presented" if isinstance(event, CardPresented) else "card removed"
        log.info("smartcard: %s in %s", kind, event.reader)
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                log.exception("smartcard: a card listener failed")


def _describe(result: int) -> str:
    return str(scard.SCardGetErrorMessage(result)).rstrip(". ")
