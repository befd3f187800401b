"""Appointment QR codes for queue check-in (kiosk/services/queue/appointments.py) and the
queue service that takes them (QueueService.check_in_code).

A code made by the booking system reads back as its appointment; any other text is
AppointmentInvalid, or at worst the very appointment that was signed (never another);
check_in_code answers any scanned text with a ticket or a refusal.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import event, given
from hypothesis import strategies as st

from kiosk.config.schema import QueueConfig
from kiosk.services.keys import KeyedHash
from kiosk.services.queue.appointments import (
    Appointment,
    AppointmentInvalid,
    make_appointment_code,
    read_appointment,
)
from kiosk.services.queue.model import IssuedTicket, Refused
from kiosk.services.queue.service import QueueService
from kiosk.store import open_store
from tests.fixtures.clock import FakeClock
from tests.fixtures.queue import CATEGORIES, MONDAY, STATION
from tests.properties.profiles import scaled
from tests.properties.strategies import any_text, mutated, outcome

BOOKING = Ed25519PrivateKey.generate()
OTHER = Ed25519PrivateKey.generate()
TODAY = MONDAY.date().isoformat()
REFUSALS = {"invalid_appointment", "wrong_day", "unknown_category", "closed",
            "used_appointment"}

appointments = st.builds(
    Appointment,
    id=st.from_regex(r"[A-Za-z0-9-]{1,40}", fullmatch=True),
    category=st.one_of(st.sampled_from([c.id for c in CATEGORIES]),
                       st.from_regex(r"[a-z0-9][a-z0-9-]{0,62}", fullmatch=True)),
    day=st.one_of(st.just(TODAY), st.dates().map(lambda day: day.isoformat()).filter(
        lambda text: len(text) == 10)),
    slot=st.from_regex(r"[0-9]{2}:[0-9]{2}", fullmatch=True),
    priority=st.booleans())


@given(appointment=appointments)
def test_a_booking_systems_code_reads_back_as_its_appointment(appointment: Appointment) -> None:
    code = make_appointment_code(appointment, BOOKING)
    assert read_appointment(code, BOOKING.public_key()) == appointment
    with pytest.raises(AppointmentInvalid) as refusal:
        read_appointment(code, OTHER.public_key())
    assert refusal.value.reason == "forged"


def retouched(code: str) -> st.SearchStrategy[str]:
    """A code as a damaged print, a misconfigured scanner or a forger gives it."""
    signed, _, signature = code.rpartition("|")
    field_edits = st.builds(
        lambda index, text: "|".join(
            [*signed.split("|")[:index], text, *signed.split("|")[index + 1:]]) + "|" + signature,
        st.integers(0, 6), any_text)
    byte_edits = mutated(st.just(code.encode("utf-8"))).map(
        lambda raw: raw.decode("utf-8", "replace"))
    return st.one_of(field_edits, byte_edits, st.sampled_from([
        code + "\n", " " + code, code + "=", code.upper(), signed + "|",
        signed + "|" + base64.b64encode(base64.urlsafe_b64decode(signature + "==")).decode()]))


@given(original=appointments.flatmap(
    lambda appointment: st.tuples(st.just(appointment),
                                  retouched(make_appointment_code(appointment, BOOKING)))),
       noise=any_text)
def test_any_other_text_is_refused_or_reads_as_the_signed_appointment(
        original: tuple[Appointment, str], noise: str) -> None:
    appointment, text = original
    for scanned in (text, noise):
        read, refusal = outcome(functools.partial(read_appointment, scanned,
                                                  BOOKING.public_key()), AppointmentInvalid)
        if isinstance(refusal, AppointmentInvalid):
            assert refusal.reason in ("malformed", "forged")
            event(f"refused: {refusal.reason}")
            continue
        event("accepted")
        assert read == appointment


# --- the queue service's check-in -------------------------------------------------------

@pytest.fixture(scope="module")
def queue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QueueService]:
    store = open_store(Path(tmp_path_factory.mktemp("queue")) / "kiosk.db")
    public = BOOKING.public_key().public_bytes_raw()
    config = QueueConfig(enabled=True, categories=CATEGORIES,
                         appointment_public_key=base64.b64encode(public).decode())
    service = QueueService(store, config, STATION, KeyedHash(b"k" * 32))
    service.now = FakeClock(wall=MONDAY).now
    yield service
    store.close()


@given(appointment=appointments, data=st.data())
@scaled(0.5)
def test_checking_in_any_scan_gives_a_ticket_or_a_refusal(
        queue: QueueService, appointment: Appointment, data: st.DataObject) -> None:
    code = make_appointment_code(appointment, BOOKING)
    scanned = data.draw(st.one_of(st.just(code), retouched(code), any_text), label="scanned")
    result = queue.check_in_code(scanned)
    assert isinstance(result, IssuedTicket | Refused)
    event(type(result).__name__ + ("" if isinstance(result, IssuedTicket) else
                                   f": {result.reason}"))
    if isinstance(result, Refused):
        assert result.reason in REFUSALS
        return
    assert appointment.day == TODAY
    assert result.ticket.category == appointment.category
    again = queue.check_in_code(scanned)
    assert isinstance(again, Refused)
    assert again.reason == "used_appointment"


# (Trailing white space is allowed: scanners add their terminator.)
@pytest.mark.parametrize("spoil", ["=", "==", "!", "+", "/", ".A"])
def test_a_signature_has_one_spelling(spoil: str) -> None:
    # base64's lenient decoder skipped stray characters, so one signed appointment could be
    # written many ways (found by the property above).
    code = make_appointment_code(Appointment("A-1", CATEGORIES[0].id, TODAY, "09:30", False),
                                 BOOKING)
    with pytest.raises(AppointmentInvalid) as refusal:
        read_appointment(code + spoil, BOOKING.public_key())
    assert refusal.value.reason == "forged"
