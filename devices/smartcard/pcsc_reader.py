"""A PC/SC reader watched through pcscd with pyscard's low-level scard API.

pyscard's CardMonitor thread dies silently when pcscd restarts or a reader is unplugged
(pyscard #82, #128, #207), so this adapter runs its own loop on SCardGetStatusChange and
re-establishes the context whenever pcscd goes away.

When a card arrives it is identified (identify_card): first as a 社会保障卡 (SELECT the SSSE
application, read EF05/EF06), then by its contactless UID (a staff badge), else "unknown".
Social-security cards are T=0 cards and pyscard's transmit does not do T=0's procedure, so
``61 xx`` (GET RESPONSE) and ``6C xx`` (send again with Le = xx) are handled here. The data
of READ RECORD responses (a name, an ID number) never reaches the traffic log: it records
their length and status word only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from smartcard import scard

from devices.health import DeviceState, HealthReporter
from devices.progress import ProgressBeat
from devices.smartcard.pcsc_socket import use_socket
from devices.smartcard.port import (
    CardListener,
    CardPresented,
    CardRemoved,
    SocialSecurityCard,
)
from devices.traffic import log_bytes, log_withheld
from devices.worker import Worker

GET_UID = bytes.fromhex("FF CA 00 00 00")
POLL_MS = 500
RETRY_S = 1.0

SSSE_AID = "sx1.sh.社会保障".encode("gbk")
EF05, EF06 = b"\xef\x05", b"\xef\x06"
SW_OK = 0x9000
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_RECORD_NOT_FOUND = 0x6A83
# 61xx and 6Cxx rounds one command may take before the card is given up on.
MAX_T0_ROUNDS = 8

log = logging.getLogger("devices.smartcard")

# Results meaning pcscd itself went away: start over with a new context.
_SERVICE_GONE = {
    scard.SCARD_E_NO_SERVICE,
    scard.SCARD_E_SERVICE_STOPPED,
    scard.SCARD_E_INVALID_HANDLE,
    scard.SCARD_E_NO_READERS_AVAILABLE,
}


class PcscCardReader:
    def __init__(self, reader_match: str, *, pcscd_socket: str = "",
                 device: str = "smartcard") -> None:
        """``reader_match``: part of the reader's name; empty takes the first reader.
        ``pcscd_socket``: the pcscd to ask (empty: this process's; see pcsc_socket.py).
        Raises PcscSocketConflict if this process already talks to another pcscd."""
        self.pcscd_socket = use_socket(pcscd_socket)
        self.device = device
        self.health = HealthReporter(device, log)
        self.progress = ProgressBeat(device)
        self._match = reader_match
        self._listeners: list[CardListener] = []
        self._worker = Worker("smartcard", self._run, join_timeout_s=3)

    def on_card(self, listener: CardListener) -> None:
        self._listeners.append(listener)

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()

    def _run(self) -> None:
        while not self._worker.stopping.is_set():
            self.progress.beat()    # also while pcscd or the reader is missing
            result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if result != scard.SCARD_S_SUCCESS:
                self.health.set(DeviceState.ABSENT,
                                f"pcscd is not running (nothing answers at {self.pcscd_socket})")
                self._worker.wait(RETRY_S)
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
        while not self._worker.stopping.is_set():
            self.progress.beat()
            result, states = scard.SCardGetStatusChange(context, POLL_MS, [(reader, state)])
            if result == scard.SCARD_E_TIMEOUT:
                continue
            if result != scard.SCARD_S_SUCCESS:
                if result in _SERVICE_GONE or result == scard.SCARD_E_UNKNOWN_READER:
                    self.health.set(DeviceState.ABSENT, f"{reader}: {_describe(result)}")
                    if present:
                        self._emit(CardRemoved(reader))
                    self._worker.wait(RETRY_S)
                    return
                self.health.set(DeviceState.FAULT, f"{reader}: {_describe(result)}")
                self._worker.wait(RETRY_S)
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
                self._emit(identify_card(context, reader, bytes(atr), device=self.device))
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
            self._worker.wait(RETRY_S)
            return None
        return str(matching[0])

    def _emit(self, event: CardPresented | CardRemoved) -> None:
        if isinstance(event, CardPresented):
            log.info("%s: card presented in %s (%s)", self.device, event.reader, event.kind)
            if event.error:
                log.warning("%s: %s", self.device, event.error)
        else:
            log.info("%s: card removed from %s", self.device, event.reader)
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                log.exception("smartcard: a card listener failed")


def _describe(result: int) -> str:
    return str(scard.SCardGetErrorMessage(result)).rstrip(". ")


# Identifying a card.

class CardError(Exception):
    """A card that answered as a 社会保障卡 could not be read. Messages name the record and
    the status word, never a value."""


class _CardGone(Exception):
    """A transmission failed at the PC/SC level (the card was taken away, the reader went)
    or the card never finished answering."""


def identify_card(context: int, reader: str, atr: bytes, *,
                  device: str = "smartcard") -> CardPresented:
    """Connects to the card in ``reader`` and says what it is: a 社会保障卡 (its EF05/EF06
    fields), a badge (its UID) or unknown. Never raises for a card's sake: what went wrong
    is in CardPresented.error, without personal data."""
    result, card, protocol = scard.SCardConnect(
        context, reader, scard.SCARD_SHARE_SHARED,
        scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
    )
    if result != scard.SCARD_S_SUCCESS:
        return CardPresented(reader, atr, None, "unknown",
                             error=f"cannot connect to the card in {reader}: "
                                   f"{_describe(result)}; present it again")
    channel = _Channel(card, protocol, device)
    try:
        try:
            social_security = read_social_security(channel)
        except CardError as error:
            return CardPresented(reader, atr, None, "social_security",
                                 error=f"the social-security card in {reader} could not be "
                                       f"read: {error}")
        if social_security is not None:
            return CardPresented(reader, atr, None, "social_security", social_security)
        uid = read_uid(channel)
        return CardPresented(reader, atr, uid, "badge" if uid else "unknown")
    except _CardGone as error:
        return CardPresented(reader, atr, None, "unknown",
                             error=f"the card in {reader} could not be read ({error}); was it "
                                   "taken away too soon?")
    finally:
        scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)


def read_uid(channel: _Channel) -> bytes | None:
    """The contactless UID through the reader's GET DATA pseudo-APDU; None for contact
    cards and readers without it."""
    data, sw = channel.transmit(GET_UID)
    return data if sw == SW_OK and data else None


def read_social_security(channel: _Channel) -> SocialSecurityCard | None:
    """The 社会保障卡 fields, or None if the card has no SSSE application. Raises CardError
    when it has one but its records cannot be read."""
    select = bytes([0x00, 0xA4, 0x04, 0x00, len(SSSE_AID)]) + SSSE_AID
    _, sw = channel.transmit(select)
    if sw != SW_OK:
        log.debug("%s: no SSSE application (SW %04X)", channel.device, sw)
        return None
    try:
        _select_ef(channel, EF05)
        identifier = _record(channel, 0x01, 0x2C, 0x12, "卡识别码 (EF05 record 1)")
        version = _record(channel, 0x03, 0x2C, 0x06, "规范版本 (EF05 record 3)")
        card_number = _record(channel, 0x07, 0x2C, 0x0B, "卡号 (EF05 record 7)")
        _select_ef(channel, EF06)
        id_number = _record(channel, 0x08, 0x00, 0x14, "社会保障号码 (EF06 record 08)")
        name = _record(channel, 0x09, 0x00, 0x20, "姓名 (EF06 record 09)")
        sex = _optional_record(channel, 0x0A, 0x00, 0x03, "性别 (EF06 record 0A)")
        birth = _optional_record(channel, 0x0D, 0x00, 0x06, "出生日期 (EF06 record 0D)")
    except _CardGone as error:
        raise CardError(f"the card went away while being read ({error})") from None
    return SocialSecurityCard(
        card_number=_ascii(card_number, "卡号"),
        id_number=_ascii(id_number, "社会保障号码"),
        name=_gbk(name),
        sex=_sex(sex),
        birth=_bcd_date(birth),
        version=_ascii(version, "规范版本"),
        region=_ascii(identifier, "卡识别码")[:6],
    )


def _select_ef(channel: _Channel, ef: bytes) -> None:
    _, sw = channel.transmit(bytes([0x00, 0xA4, 0x02, 0x00, 0x02]) + ef)
    if sw != SW_OK:
        raise CardError(f"it has the SSSE application but selecting {ef.hex().upper()} "
                        f"failed (SW {sw:04X})")


def _optional_record(channel: _Channel, p1: int, p2: int, le: int, what: str,
                     ) -> bytes | None:
    """A record some cards lack: None when the card says it has no such record."""
    try:
        return _record(channel, p1, p2, le, what)
    except _RecordNotFound:
        return None


class _RecordNotFound(CardError):
    pass


def _record(channel: _Channel, p1: int, p2: int, le: int, what: str) -> bytes:
    """The value of a TLV record (tag = P1), read by READ RECORD."""
    data, sw = channel.transmit(bytes([0x00, 0xB2, p1, p2, le]), personal=True)
    if sw == SW_RECORD_NOT_FOUND:
        raise _RecordNotFound(f"the card has no {what} (SW 6A83)")
    if sw == SW_SECURITY_NOT_SATISFIED:
        raise CardError(f"the card asks for a PIN before {what} (SW 6982); this terminal "
                        "does not ask residents for one")
    if sw != SW_OK:
        raise CardError(f"reading {what} failed (SW {sw:04X})")
    if len(data) < 2 or data[0] != p1:
        raise CardError(f"{what} is not the TLV record expected")
    value = data[2:2 + data[1]]
    if len(value) != data[1]:
        raise CardError(f"{what} is shorter than its length byte says")
    return value


def _ascii(value: bytes, what: str) -> str:
    try:
        return value.rstrip(b"\x00\xff").decode("ascii").strip()
    except UnicodeDecodeError:
        raise CardError(f"{what} is not ASCII text") from None


def _gbk(value: bytes) -> str:
    try:
        return value.rstrip(b"\x00\xff").decode("gb18030").strip()
    except UnicodeDecodeError:
        raise CardError("姓名 is not GBK text") from None


def _sex(value: bytes | None) -> str:
    if not value:
        return ""
    first = value[0]
    if first in b"12":
        return chr(first)
    return str(first) if first in (1, 2) else ""


def _bcd_date(value: bytes | None) -> date | None:
    if not value or len(value) < 4:
        return None
    digits = value[:4].hex()
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


@dataclass
class _Channel:
    """One connected card; transmit() does T=0's procedure, which pyscard leaves to us."""

    card: int
    protocol: int
    device: str

    def transmit(self, apdu: bytes, *, personal: bool = False) -> tuple[bytes, int]:
        """The response data and status word of ``apdu``: ``61 xx`` is followed by GET
        RESPONSE (accumulating the data), ``6C xx`` by the same command with Le = xx.
        Responses reach the traffic log as their length and status only; ``personal``
        marks the records that hold a name or an ID number."""
        data = bytearray()
        command = apdu
        for _ in range(MAX_T0_ROUNDS):
            response = self._raw(command, personal)
            if len(response) < 2:
                raise _CardGone(f"an answer of {len(response)} bytes without a status word")
            sw1, sw2 = response[-2], response[-1]
            if sw1 == 0x6C:
                command = _with_le(command, sw2)
                continue
            data += response[:-2]
            if sw1 == 0x61:
                command = bytes([0x00, 0xC0, 0x00, 0x00, sw2])
                continue
            return bytes(data), sw1 << 8 | sw2
        raise _CardGone(f"the card kept answering 61xx/6Cxx ({MAX_T0_ROUNDS} rounds)")

    def _raw(self, command: bytes, personal: bool) -> bytes:
        log_bytes(self.device, ">", command)
        result, response = scard.SCardTransmit(self.card, self.protocol, list(command))
        if result != scard.SCARD_S_SUCCESS:
            raise _CardGone(_describe(result))
        answer = bytes(response)
        if len(answer) > 2:
            # Whatever a card returns (a badge's number, a name) is withheld: its length
            # and status word are all a fault needs.
            log_withheld(self.device, "<", len(answer) - 2, answer[-2:].hex(" "))
        else:
            log_bytes(self.device, "<", answer)
        return answer


def _with_le(command: bytes, le: int) -> bytes:
    """``command`` with its Le set to ``le`` (added where it had none)."""
    body = command[4:]
    if not body:
        return command + bytes([le])                     # case 1 -> 2
    if len(body) == 1:
        return command[:4] + bytes([le])                 # case 2
    if len(body) == 1 + body[0]:
        return command + bytes([le])                     # case 3 -> 4
    return command[:-1] + bytes([le])                    # case 4
