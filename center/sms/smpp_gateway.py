"""The SMS gateway over SMPP 3.4 (smpplib), bound as a transceiver: it submits and it takes
the delivery receipts on the same connection.

smpplib shares one socket between sending and reading without a lock, so here one thread
owns the client and does all of its I/O: sends are handed to it through a queue and
answered through a future once every part's submit_sm_resp is in. The thread binds (again
after a drop, waiting 1 s doubling to 30 s), keeps the link alive with enquire_link and
collects receipts. A send whose answer never comes is reported unavailable: the SMSC may
still have taken it, so a retry can, rarely, text the resident twice; losing a notice
would be worse.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

import smpplib.client
import smpplib.exceptions
import smpplib.gsm
import smpplib.smpp

from center.sms.gateway import GatewayRefused, GatewayUnavailable, OutgoingSms, Receipt

log = logging.getLogger(__name__)

TON_INTERNATIONAL, NPI_ISDN = 1, 1
# A number that cannot be right will not become right: everything else may pass later.
NEVER_RETRY = {0x0A: "RINVSRCADR", 0x0B: "RINVDSTADR"}
STATUS_NAMES = {0x08: "RSYSERR", 0x14: "RMSGQFUL", 0x58: "RTHROTTLED", **NEVER_RETRY}
MESSAGE_DELIVERED = 2
ESM_DELIVERY_RECEIPT = 0x04     # esm_class of a deliver_sm carrying the SMSC's receipt
IDLE_WAIT_S = 0.05


@dataclass
class _Send:
    sms: OutgoingSms
    answer: Future[list[str]] = field(default_factory=Future)
    parts: int = 0
    ids: dict[int, str] = field(default_factory=dict)
    asked_at: float = 0.0


@dataclass(frozen=True)
class SmppSettings:
    host: str
    port: int
    system_id: str
    password: str
    source_addr: str            # the sender the handset shows (an access number or a name)
    source_addr_ton: int = 5    # 5 alphanumeric; 2 national for an access number
    answer_timeout_s: float = 10.0
    enquire_every_s: float = 30.0


class SmppGateway:
    name = "smpp"

    def __init__(self, settings: SmppSettings) -> None:
        self.settings = settings
        self._work: queue.Queue[_Send] = queue.Queue()
        self._receipts: list[Receipt] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._client: smpplib.client.Client | None = None
        self._by_sequence: dict[int, tuple[_Send, int]] = {}
        self._waiting: list[_Send] = []
        self._thread = threading.Thread(target=self._run, name="smpp", daemon=True)
        self._thread.start()

    # -- the port ---------------------------------------------------------------------------

    def send(self, sms: OutgoingSms) -> list[str]:
        job = _Send(sms)
        self._work.put(job)
        try:
            # Longer than the thread's own timeout, which answers first once it is bound.
            return job.answer.result(timeout=self.settings.answer_timeout_s + 5)
        except FutureTimeout:
            # Still queued (the link is binding again): withdrawn, so that it cannot go
            # later beside the retry.
            if job.answer.cancel():
                raise GatewayUnavailable("the SMSC link is down; binding again") from None
            return job.answer.result(timeout=self.settings.answer_timeout_s)

    def take_receipts(self) -> list[Receipt]:
        with self._lock:
            taken, self._receipts = self._receipts, []
        return taken

    def close(self) -> None:
        self._stop.set()
        self._thread.join(10)

    # -- the I/O thread ---------------------------------------------------------------------

    def _run(self) -> None:
        backoff = 1.0
        last_traffic = time.monotonic()
        while not self._stop.is_set():
            if self._client is None:
                try:
                    self._client = self._bind()
                    backoff = 1.0
                except (OSError, smpplib.exceptions.ConnectionError,
                        smpplib.exceptions.PDUError) as error:
                    self._fail_all(f"cannot bind to the SMSC "
                                   f"{self.settings.host}:{self.settings.port}: {error}")
                    self._stop.wait(backoff)
                    backoff = min(30.0, backoff * 2)
                    continue
            try:
                if self._submit_waiting_work():
                    last_traffic = time.monotonic()
                self._client.poll()
                if time.monotonic() - last_traffic > self.settings.enquire_every_s:
                    self._client.send_pdu(smpplib.smpp.make_pdu("enquire_link",
                                                                client=self._client))
                    last_traffic = time.monotonic()
                self._expire_unanswered()
            except (OSError, smpplib.exceptions.ConnectionError) as error:
                log.warning("the SMSC link dropped: %s", error)
                self._drop(f"the SMSC link dropped: {error}")
            except Exception as error:
                # A PDU smpplib cannot read, or a bug: this thread must outlive it, so the
                # link starts afresh rather than every later notice waiting for nobody.
                log.exception("the SMSC link failed; binding again")
                self._drop(f"the SMSC link failed: {error}")
        if self._client is not None:
            self._drop("the gateway was closed")

    def _bind(self) -> smpplib.client.Client:
        client = smpplib.client.Client(self.settings.host, self.settings.port, timeout=5,
                                       allow_unknown_opt_params=True)
        client.set_message_sent_handler(self._answered)
        client.set_message_received_handler(self._received)
        client.set_error_pdu_handler(lambda pdu: None)   # the sent handler sees the status
        client.connect()
        try:
            client.bind_transceiver(system_id=self.settings.system_id,
                                    password=self.settings.password)
        except Exception:
            client.disconnect()
            raise
        log.info("bound to the SMSC %s:%d", self.settings.host, self.settings.port)
        return client

    def _submit_waiting_work(self) -> bool:
        try:
            job = self._work.get(timeout=IDLE_WAIT_S)
        except queue.Empty:
            return False
        if not job.answer.set_running_or_notify_cancel():
            return False                      # withdrawn by a send that gave up waiting
        assert self._client is not None
        parts, coding, esm_class = smpplib.gsm.make_parts(job.sms.text)
        job.parts, job.asked_at = len(parts), time.monotonic()
        self._waiting.append(job)
        for index, part in enumerate(parts):
            pdu = self._client.send_message(
                source_addr_ton=self.settings.source_addr_ton,
                source_addr=self.settings.source_addr,
                dest_addr_ton=TON_INTERNATIONAL, dest_addr_npi=NPI_ISDN,
                destination_addr="86" + job.sms.to, short_message=part,
                data_coding=coding, esm_class=esm_class, registered_delivery=True)
            self._by_sequence[pdu.sequence] = (job, index)
        return True

    def _answered(self, pdu: object) -> None:
        found = self._by_sequence.pop(getattr(pdu, "sequence", -1), None)
        if found is None:
            return
        job, index = found
        if job.answer.done():
            return
        status = int(getattr(pdu, "status", 0))
        if status != 0:
            name = STATUS_NAMES.get(status, f"0x{status:02X}")
            self._finish(job, GatewayRefused(f"SMSC refused: {name}",
                                             retry=status not in NEVER_RETRY))
            return
        message_id = getattr(pdu, "message_id", b"") or b""
        job.ids[index] = message_id.decode("ascii", "replace") if isinstance(
            message_id, bytes) else str(message_id)
        if len(job.ids) == job.parts:
            self._finish(job, [job.ids[n] for n in range(job.parts)])

    def _received(self, pdu: object) -> None:
        if not int(getattr(pdu, "esm_class", 0)) & ESM_DELIVERY_RECEIPT:
            return                            # not a receipt: no replies are expected
        gateway_id = getattr(pdu, "receipted_message_id", None)
        state = getattr(pdu, "message_state", None)
        text = bytes(getattr(pdu, "short_message", b"") or b"").decode("ascii", "replace")
        words = dict(w.split(":", 1) for w in text.split() if ":" in w)
        if not gateway_id:
            gateway_id = words.get("id", "")
        stat = words.get("stat", "")
        delivered = state == MESSAGE_DELIVERED if state is not None else stat == "DELIVRD"
        if isinstance(gateway_id, bytes):
            gateway_id = gateway_id.decode("ascii", "replace")
        reason = " ".join(filter(None, [stat, f"err:{words['err']}" if "err" in words
                                        else ""])) or f"message_state {state}"
        with self._lock:
            self._receipts.append(Receipt(str(gateway_id), delivered, reason))

    def _finish(self, job: _Send, outcome: list[str] | Exception) -> None:
        if job in self._waiting:
            self._waiting.remove(job)
        for sequence in [s for s, (j, _i) in self._by_sequence.items() if j is job]:
            del self._by_sequence[sequence]
        if isinstance(outcome, Exception):
            job.answer.set_exception(outcome)
        else:
            job.answer.set_result(outcome)

    def _expire_unanswered(self) -> None:
        now = time.monotonic()
        for job in [j for j in self._waiting
                    if now - j.asked_at > self.settings.answer_timeout_s]:
            self._finish(job, GatewayUnavailable("the SMSC did not answer the submit"))

    def _drop(self, why: str) -> None:
        if self._client is not None:
            try:
                self._client.disconnect()
            except Exception:           # a broken socket may fail in any way on close
                log.debug("closing the SMSC link", exc_info=True)
        self._client = None
        for job in list(self._waiting):
            self._finish(job, GatewayUnavailable(why))

    def _fail_all(self, why: str) -> None:
        while True:
            try:
                job = self._work.get_nowait()
            except queue.Empty:
                return
            if job.answer.set_running_or_notify_cancel():     # not withdrawn meanwhile
                job.answer.set_exception(GatewayUnavailable(why))
