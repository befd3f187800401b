"""Sending a kept catalog version to terminals: one signed guide.replace_catalog command per
terminal (docs/mqtt.md), each audited by issue_command, and one audit entry for the push;
and what each terminal has been sent and runs."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from center.audit.log import record
from center.catalog.models import CatalogVersion
from center.catalog.versions import VersionRefused, checked_catalog
from center.commands.issue import CommandRefused, issue_command
from center.commands.models import Command
from center.fleet.models import Terminal

REPLACE_CATALOG = "guide.replace_catalog"


class PushRefused(ValueError):
    """Nothing more was sent; ``sent`` says how many commands were issued before."""

    def __init__(self, text: str, sent: int) -> None:
        super().__init__(text)
        self.sent = sent


def push_version(user: Any, version: CatalogVersion, terminals: Sequence[Terminal],
                 reason: str = "") -> list[Command]:
    """Issues one command per terminal of the version's district; raises PushRefused when
    the center cannot send (no signing key, say), after the ones already issued."""
    try:
        checked_catalog(bytes(version.toml))
    except VersionRefused as refusal:
        raise PushRefused(str(refusal), 0) from None
    catalog = base64.b64encode(bytes(version.toml)).decode("ascii")
    # The reason names the version, so the terminal's command history says what was sent.
    why = (_("catalog version %(version)s: %(reason)s") if reason.strip() else
           _("catalog version %(version)s")) % {"version": version.version,
                                               "reason": reason.strip()}
    commands: list[Command] = []
    try:
        for terminal in terminals:
            if terminal.district != version.district:
                continue
            commands.append(issue_command(user, terminal, REPLACE_CATALOG,
                                          {"catalog": catalog}, reason=why))
    except CommandRefused as refusal:
        raise PushRefused(str(refusal), len(commands)) from None
    finally:
        # One entry for the push as a whole, naming the terminals it reached (each command
        # has its own entry too).
        if commands:
            record(user, "catalog.pushed", None, district=version.district,
                   version=version.version, sha256=version.sha256,
                   terminals=[command.terminal.terminal_id for command in commands],
                   reason=why)
    return commands


def last_pushes(terminals: Iterable[Terminal]) -> dict[int, Command]:
    """Each terminal's newest catalog command, by the terminal's id."""
    newest = Command.objects.filter(terminal=OuterRef("pk"), type=REPLACE_CATALOG).order_by(
        "-issued_at").values("pk")[:1]
    ids = Terminal.objects.filter(pk__in=[terminal.pk for terminal in terminals]).annotate(
        last=Subquery(newest)).exclude(last=None).values_list("last", flat=True)
    # The catalog itself is in the arguments and the envelope: neither is read here.
    return {command.terminal_id: command
            for command in Command.objects.filter(pk__in=list(ids)).defer("envelope", "args")}
