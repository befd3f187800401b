"""A short-message centre on 127.0.0.1 that speaks SMPP 3.4 over TCP, for the tests and for
`make run`: the center's real SMPP client binds to it, submits, and takes delivery receipts,
exactly as it would with an operator's SMSC.

It binds transmitters, receivers and transceivers (a password check; a second bind on a
session is refused), answers every submit_sm with a message id, joins concatenated parts
(UDH with an 8- or 16-bit reference) into the message a handset would show, keeps every
message (and appends it to a JSON-lines record, which the center's demo page reads), and
after a short delay sends a delivery receipt to a bound receiver: text and TLVs, DELIVRD,
or UNDELIV for a number marked unreachable. Faults on demand: the next submits refused with
a status (throttled, queue full, bad address, system error), or the whole centre stopped.
"""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from center.sms import smpp_pdu as smpp
from center.sms.smpp_pdu import Pdu, PduError, ShortMessage


@dataclass
class HandsetMessage:
    """A message as the handset shows it: every part joined."""

    to: str
    sender: str
    text: str
    parts: int
    message_ids: list[str]
    submitted_at: str
    state: str = "sent"                    # then "delivered" or "undeliverable"


@dataclass
class _Pending:
    parts: dict[int, bytes] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)


class SimulatedSmsc:
    def __init__(self, *, system_id: str = "center", password: str = "secret",
                 record: Path | None = None, receipt_delay_s: float = 0.1) -> None:
        self.system_id = system_id
        self.password = password
        self.record = record
        self.receipt_delay_s = receipt_delay_s
        self.messages: list[HandsetMessage] = []
        self.submits = 0                    # submit_sm PDUs answered, refused ones too
        self._lock = threading.Condition()
        self._refusals: list[int] = []
        self._unreachable: set[str] = set()
        self._pending: dict[tuple[str, int], _Pending] = {}
        self._next_id = 0
        self._sessions: set[_Session] = set()
        self._server: socketserver.ThreadingTCPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- running ------------------------------------------------------------------------

    def start(self, port: int = 0) -> None:
        smsc = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                _Session(smsc, self.request).serve()

        server = socketserver.ThreadingTCPServer(("127.0.0.1", port or self.port), Handler,
                                                 bind_and_activate=False)
        server.allow_reuse_address = True
        server.daemon_threads = True
        server.server_bind()
        server.server_activate()
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, name="smsc",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """The centre goes down: no new connections, every session cut."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self._lock:
            sessions = list(self._sessions)
        for session in sessions:
            session.cut()

    # -- faults ---------------------------------------------------------------------------

    def refuse_next(self, status: int, count: int = 1) -> None:
        """The next ``count`` submits are answered with ``status`` and no message id."""
        with self._lock:
            self._refusals += [status] * count

    def unreachable(self, number: str) -> None:
        """Messages to ``number`` are accepted, then reported undeliverable."""
        with self._lock:
            self._unreachable.add(number)

    # -- reading what was sent -----------------------------------------------------------

    def wait_for_messages(self, count: int, timeout_s: float = 15.0) -> list[HandsetMessage]:
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self.messages)} of {count} messages arrived")
                self._lock.wait(left)
            return list(self.messages)

    # -- the work, called by sessions --------------------------------------------------------

    def check_bind(self, bind: smpp.Bind) -> int:
        if bind.system_id != self.system_id or bind.password != self.password:
            return smpp.RINVPASWD
        return smpp.ROK

    def submit(self, message: ShortMessage) -> tuple[int, str]:
        """(command_status, message_id) for one submit_sm."""
        with self._lock:
            self.submits += 1
            if self._refusals:
                return self._refusals.pop(0), ""
            self._next_id += 1
            message_id = f"{self._next_id:010d}"
        segment = smpp.split_udh(message)
        if segment is None:
            self._complete(message, [message.short_message], [message_id])
            return smpp.ROK, message_id
        with self._lock:
            key = (message.destination_addr, segment.reference)
            pending = self._pending.setdefault(key, _Pending())
            pending.parts[segment.number] = segment.payload
            pending.ids.append(message_id)
            if len(pending.parts) < segment.total:
                return smpp.ROK, message_id
            del self._pending[key]
        ordered = [pending.parts[n] for n in sorted(pending.parts)]
        self._complete(message, ordered, pending.ids)
        return smpp.ROK, message_id

    def _complete(self, message: ShortMessage, parts: list[bytes], ids: list[str]) -> None:
        text = smpp.decode_text(message.data_coding, b"".join(parts))
        shown = HandsetMessage(to=message.destination_addr, sender=message.source_addr,
                               text=text, parts=len(parts), message_ids=ids,
                               submitted_at=datetime.now(UTC).isoformat(timespec="seconds"))
        with self._lock:
            self.messages.append(shown)
            unreachable = message.destination_addr in self._unreachable
            self._lock.notify_all()
        if self.record is not None:
            with self.record.open("a", encoding="utf-8") as out:
                out.write(json.dumps(asdict(shown), ensure_ascii=False) + "\n")
        if message.registered_delivery & 0x03:
            timer = threading.Timer(self.receipt_delay_s, self._receipt,
                                    (shown, message, unreachable))
            timer.daemon = True
            timer.start()

    def _receipt(self, shown: HandsetMessage, message: ShortMessage,
                 unreachable: bool) -> None:
        shown.state = "undeliverable" if unreachable else "delivered"
        wanted_on_failure_only = message.registered_delivery & 0x03 == 2
        if wanted_on_failure_only and not unreachable:
            return
        with self._lock:
            receivers = [s for s in self._sessions if s.may_receive]
        if not receivers:
            return
        stamp = datetime.now(UTC).strftime("%y%m%d%H%M")
        for message_id in shown.message_ids:
            stat, err = ("UNDELIV", "001") if unreachable else ("DELIVRD", "000")
            text = (f"id:{message_id} sub:001 dlvrd:{'000' if unreachable else '001'} "
                    f"submit date:{stamp} done date:{stamp} stat:{stat} err:{err} text:")
            receipt = ShortMessage(
                source_addr=message.destination_addr, destination_addr=message.source_addr,
                esm_class=smpp.ESM_DELIVERY_RECEIPT, registered_delivery=0,
                data_coding=smpp.CODING_DEFAULT, short_message=text.encode("ascii"),
                tlvs={smpp.TAG_RECEIPTED_MESSAGE_ID: smpp.c_string(message_id),
                      smpp.TAG_MESSAGE_STATE: bytes([
                          smpp.MESSAGE_STATE_UNDELIVERABLE if unreachable
                          else smpp.MESSAGE_STATE_DELIVERED])})
            receivers[0].send_request(smpp.DELIVER_SM, receipt.encode())

    def joined(self, session: _Session) -> None:
        with self._lock:
            self._sessions.add(session)

    def left(self, session: _Session) -> None:
        with self._lock:
            self._sessions.discard(session)


class _Session:
    """One ESME's connection."""

    def __init__(self, smsc: SimulatedSmsc, connection: socket.socket) -> None:
        self.smsc = smsc
        self.connection = connection
        self.bound_as: int | None = None
        self._write = threading.Lock()
        self._sequence = 0

    @property
    def may_receive(self) -> bool:
        return self.bound_as in (smpp.BIND_RECEIVER, smpp.BIND_TRANSCEIVER)

    def serve(self) -> None:
        self.smsc.joined(self)
        try:
            while True:
                header = self._read(smpp.HEADER.size)
                if header is None:
                    return
                length, command_id, _status, sequence = smpp.read_header(header)
                body = self._read(length - smpp.HEADER.size) if length > 16 else b""
                if body is None:
                    return
                if not self._answer(command_id, sequence, body):
                    return
        except (OSError, PduError):
            return
        finally:
            self.smsc.left(self)
            self.cut()

    def _answer(self, command_id: int, sequence: int, body: bytes) -> bool:
        """Answers one PDU; False when the session is over."""
        if command_id & smpp.RESPONSE:
            return True                     # deliver_sm_resp, enquire_link_resp: noted
        try:
            if command_id in smpp.BINDS:
                status = smpp.RALYBND if self.bound_as else self.smsc.check_bind(
                    smpp.read_bind(body))
                if status == smpp.ROK:
                    self.bound_as = command_id
                reply = smpp.c_string(self.smsc.system_id) if status == smpp.ROK else b""
                self.send(Pdu(command_id | smpp.RESPONSE, status, sequence, reply))
            elif command_id == smpp.SUBMIT_SM:
                if self.bound_as not in (smpp.BIND_TRANSMITTER, smpp.BIND_TRANSCEIVER):
                    self.send(Pdu(smpp.SUBMIT_SM | smpp.RESPONSE, smpp.RINVBNDSTS, sequence))
                    return True
                status, message_id = self.smsc.submit(smpp.read_short_message(body))
                reply = smpp.c_string(message_id) if status == smpp.ROK else b""
                self.send(Pdu(smpp.SUBMIT_SM | smpp.RESPONSE, status, sequence, reply))
            elif command_id == smpp.ENQUIRE_LINK:
                self.send(Pdu(smpp.ENQUIRE_LINK | smpp.RESPONSE, smpp.ROK, sequence))
            elif command_id == smpp.UNBIND:
                self.send(Pdu(smpp.UNBIND | smpp.RESPONSE, smpp.ROK, sequence))
                return False
            else:
                self.send(Pdu(smpp.GENERIC_NACK, smpp.RINVCMDID, sequence))
        except PduError as error:
            self.send(Pdu(command_id | smpp.RESPONSE, error.status, sequence))
        return True

    def send_request(self, command_id: int, body: bytes) -> None:
        with self._write:
            self._sequence += 1
            sequence = self._sequence
        self.send(Pdu(command_id, smpp.ROK, sequence, body))

    def send(self, pdu: Pdu) -> None:
        # An ESME gone away is not an error here: serve() ends the session.
        with self._write, contextlib.suppress(OSError):
            self.connection.sendall(pdu.encode())

    def cut(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        self.connection.close()

    def _read(self, count: int) -> bytes | None:
        data = b""
        while len(data) < count:
            chunk = self.connection.recv(count - len(data))
            if not chunk:
                return None
            data += chunk
        return data


def main() -> None:
    """`python -m center.sms.simulated_smsc --port 2775 --record sms.jsonl`: the demo's SMSC
    (make run), until stopped."""
    import argparse

    from center.sms.until_stopped import wait_until_stopped

    parser = argparse.ArgumentParser(description="A simulated SMSC (SMPP 3.4) on 127.0.0.1")
    parser.add_argument("--port", type=int, default=2775)
    parser.add_argument("--system-id", default="center")
    parser.add_argument("--password", default="secret")
    parser.add_argument("--record", type=Path, help="append every message to this file")
    options = parser.parse_args()
    smsc = SimulatedSmsc(system_id=options.system_id, password=options.password,
                         record=options.record)
    smsc.start(options.port)
    print(f"simulated SMSC on 127.0.0.1:{smsc.port}", flush=True)
    wait_until_stopped()
    smsc.stop()


if __name__ == "__main__":
    main()
