"""Commands from issue to answer: signed with the center's key from its file, sent only to
an online terminal and by one worker, expired when their time passes, sent again after a
new birth, closed by the terminal's command.result."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from center.audit.models import AuditEntry
from center.commands.issue import CommandRefused, issue_command
from center.commands.models import Command, CommandState
from center.commands.sender import send_due
from center.fleet.models import Terminal
from center.ingest.batch import ingest_batch
from contract.command_signing import open_envelope
from tests.fixtures.center_keys import write_signing_key
from tests.fixtures.center_messages import PREFIX, FakeTerminal

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing_key(tmp_path, settings):
    key = write_signing_key(tmp_path / "center-ed25519.key")
    settings.CENTER_SIGNING_KEY_FILE = str(tmp_path / "center-ed25519.key")
    return key


def online_terminal() -> tuple[FakeTerminal, Terminal]:
    kiosk = FakeTerminal()
    now = timezone.now()
    ingest_batch([kiosk.birth(5, now), kiosk.heartbeat(5, now)], prefix=PREFIX)
    return kiosk, Terminal.objects.get()


class Wire:
    def __init__(self, up: bool = True) -> None:
        self.up = up
        self.sent: list[tuple[str, bytes, int]] = []

    def publish(self, topic: str, payload: bytes, expiry_s: int) -> bool:
        if self.up:
            self.sent.append((topic, payload, expiry_s))
        return self.up


def test_a_command_is_signed_once_with_the_key_from_its_file(signing_key, admin_user):
    _, terminal = online_terminal()
    command = issue_command(admin_user, terminal, "display.set_announcement",
                            {"text": "今天下午停水"})
    body = json.loads(open_envelope(bytes(command.envelope), signing_key.public_key()))
    assert body["type"] == "display.set_announcement"
    assert (body["district"], body["terminal"]) == ("xc", "xc-hsz-01")
    assert body["args"] == {"text": "今天下午停水"}
    assert body["expiresAt"] - body["issuedAt"] == 600_000
    entry = AuditEntry.objects.get()
    assert (entry.username, entry.action) == ("admin", "command.issued")


def test_without_a_key_or_a_reason_nothing_is_issued(settings, signing_key, admin_user):
    _, terminal = online_terminal()
    with pytest.raises(CommandRefused, match="原因"):
        issue_command(admin_user, terminal, "locker.open", {"compartment": 3})
    settings.CENTER_SIGNING_KEY_FILE = ""
    with pytest.raises(CommandRefused, match="CENTER_SIGNING_KEY_FILE"):
        issue_command(admin_user, terminal, "presence.rebirth", {})
    assert not Command.objects.exists()


def test_a_command_goes_out_once_to_an_online_terminal_with_its_expiry(signing_key,
                                                                       admin_user):
    _, terminal = online_terminal()
    command = issue_command(admin_user, terminal, "presence.rebirth", {})
    wire = Wire()
    assert send_due(wire.publish, PREFIX) == 1
    assert send_due(wire.publish, PREFIX) == 0      # a second worker finds it taken
    [(topic, payload, expiry)] = wire.sent
    assert topic == "kiosk/v1/xc/xc-hsz-01/cmd"
    assert payload == bytes(command.envelope)
    assert 595 <= expiry <= 600
    assert Command.objects.get().state == CommandState.SENT


def test_an_offline_terminal_gets_its_command_after_its_birth(signing_key, admin_user):
    kiosk, terminal = online_terminal()
    ingest_batch([kiosk.death(5)], prefix=PREFIX)
    issue_command(admin_user, terminal, "display.set_announcement", {"text": "停电"})
    wire = Wire()
    assert send_due(wire.publish, PREFIX) == 0
    ingest_batch([kiosk.birth(6, timezone.now())], prefix=PREFIX)
    assert send_due(wire.publish, PREFIX) == 1


def test_an_unanswered_command_goes_again_after_a_new_connection_and_expires(
        signing_key, admin_user):
    kiosk, terminal = online_terminal()
    issue_command(admin_user, terminal, "presence.rebirth", {})
    wire = Wire()
    send_due(wire.publish, PREFIX)
    ingest_batch([kiosk.birth(6, timezone.now())], prefix=PREFIX)   # it restarted
    assert Command.objects.get().state == CommandState.PENDING
    assert send_due(wire.publish, PREFIX) == 1
    send_due(wire.publish, PREFIX, now=timezone.now() + timedelta(minutes=11))
    assert Command.objects.get().state == CommandState.EXPIRED


def test_a_broken_link_leaves_the_command_waiting(signing_key, admin_user):
    _, terminal = online_terminal()
    issue_command(admin_user, terminal, "presence.rebirth", {})
    assert send_due(Wire(up=False).publish, PREFIX) == 0
    assert Command.objects.get().state == CommandState.PENDING


def test_the_answer_closes_the_command_and_a_replay_refusal_does_not_undo_it(
        signing_key, admin_user):
    kiosk, terminal = online_terminal()
    command = issue_command(admin_user, terminal, "locker.open", {"compartment": 3},
                            reason="a resident's papers are stuck")
    send_due(Wire().publish, PREFIX)
    accepted = {"command": str(command.id), "type": "locker.open", "status": "accepted",
                "reason": "ok", "text": "carried out",
                "detail": {"compartment": 3, "operation": 88}}
    replayed = {**accepted, "status": "rejected", "reason": "replayed",
                "text": "this command id was already taken"}
    ingest_batch([kiosk.event(1, "command.result", accepted),
                  kiosk.event(2, "command.result", replayed)], prefix=PREFIX)
    command.refresh_from_db()
    assert (command.state, command.result_text) == (CommandState.ACCEPTED, "carried out")
    assert command.result_detail == {"compartment": 3, "operation": 88}
