"""The key a terminal's rating codes are signed with, as its births announce it
(`ratingKey`): kept on the terminal by the real ingest, replaced by the current
connection's new key (and audited: the codes printed under the old key stop working), never
by a late birth of an older connection, untouched by a birth without one; a malformed key
makes the birth a reject. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from center.audit.models import AuditEntry
from center.fleet.models import Terminal
from center.ingest.batch import ingest_batch
from center.ingest.models import Reject
from contract.rating_tokens import public_key_text
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_messages import PREFIX, FakeTerminal
from tests.fixtures.center_qr_ratings import announce_rating_key, rating_key

pytestmark = pytest.mark.django_db(transaction=True, databases=DATABASES)

OLD, NEW = rating_key(b"o" * 32), rating_key(b"n" * 32)


def stored_key(using: str) -> str:
    return Terminal.objects.using(using).get(terminal_id="xc-hsz-01").rating_key


def replaced(using: str) -> list[dict]:
    return [entry.detail for entry in AuditEntry.objects.using(using)
            .filter(action="terminal.rating_key_replaced").order_by("at")]


def test_the_birth_brings_the_key_and_a_new_secret_replaces_it(using):
    kiosk = FakeTerminal()
    now = timezone.now()
    announce_rating_key(kiosk, OLD, bd_seq=1, at=now, using=using)
    assert stored_key(using) == public_key_text(OLD)
    announce_rating_key(kiosk, OLD, bd_seq=2, at=now + timedelta(seconds=1), using=using)
    assert replaced(using) == []                    # the same key: nothing to say

    announce_rating_key(kiosk, NEW, bd_seq=3, at=now + timedelta(seconds=2), using=using)

    assert stored_key(using) == public_key_text(NEW)
    [detail] = replaced(using)
    assert detail == {"previous": public_key_text(OLD), "new": public_key_text(NEW)}
    entry = AuditEntry.objects.using(using).get(action="terminal.rating_key_replaced")
    assert (entry.username, entry.terminal.terminal_id) == ("system", "xc-hsz-01")


def test_a_late_birth_of_an_older_connection_never_brings_its_key_back(using):
    kiosk = FakeTerminal()
    now = timezone.now()
    announce_rating_key(kiosk, NEW, bd_seq=5, at=now, using=using)

    announce_rating_key(kiosk, OLD, bd_seq=4, at=now - timedelta(minutes=5), using=using)

    assert stored_key(using) == public_key_text(NEW)
    assert replaced(using) == []


def test_a_birth_without_a_key_leaves_it_as_it_was(using):
    kiosk = FakeTerminal()
    now = timezone.now()
    announce_rating_key(kiosk, OLD, bd_seq=1, at=now, using=using)

    ingest_batch([kiosk.birth(2, now + timedelta(seconds=1))], prefix=PREFIX, using=using)

    terminal = Terminal.objects.using(using).get(terminal_id="xc-hsz-01")
    assert (terminal.bd_seq, terminal.rating_key) == (2, public_key_text(OLD))


@pytest.mark.parametrize(("key", "reason"), [
    ("not base64!", "'ratingKey' is not base64"),
    ("AAAA", "'ratingKey' is 3 bytes, not 32"),
    ("", "'ratingKey' must be text of 1 to 44 characters"),
])
def test_a_malformed_key_makes_the_birth_a_reject(using, key, reason):
    kiosk = FakeTerminal()
    announce_rating_key(kiosk, OLD, bd_seq=1, using=using)

    announce_rating_key(kiosk, key, bd_seq=2, using=using)

    terminal = Terminal.objects.using(using).get(terminal_id="xc-hsz-01")
    assert (terminal.bd_seq, terminal.rating_key, terminal.rejects) == (
        1, public_key_text(OLD), 1)
    assert Reject.objects.using(using).get().reason == f"state: {reason}"
