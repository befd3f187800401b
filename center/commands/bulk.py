"""One command to a filtered set of terminals: which terminals the fleet page's filters
choose among those the person may command, sending it (one signed Command per terminal,
grouped by a BulkAction, all in one transaction), and how far it has got."""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from center.accounts.roles import DISTRICT_ADMIN, STATION_MANAGER, role_of
from center.audit.models import AuditEntry
from center.commands.issue import (
    audit_entry,
    check,
    issued_entry,
    signed_command,
    signing_key,
)
from center.commands.models import BulkAction, Command, CommandState
from center.fleet.filters import FleetFilter
from center.fleet.models import Terminal

# The most terminals one bulk action reaches: a district's fleet, with room to spare. More
# is a sign the filter is not the one meant.
MOST_TERMINALS = 5_000
# The fleet page's filters (center/fleet/filters.py); the order, and anything else in the
# query, chooses no terminal.
FILTER_NAMES = ("offline_hours", "version", "street", "station", "alarm", "show")


class BulkRefused(ValueError):
    """The set cannot be acted on; the message says why, for the person who asked."""


@dataclass(frozen=True)
class Targets:
    """The terminals a bulk action would reach, and what the person should know of them."""

    terminals: list[Terminal]
    left_out: int                         # matched the filters, not theirs to command
    filters: dict[str, str]               # each filter's label and value, in words
    query: str                            # the filters as the fleet page's query string

    @property
    def count(self) -> int:
        return len(self.terminals)

    @property
    def fingerprint(self) -> str:
        """Changes when the set does: the confirmation holds it, so a set that changed
        between looking and sending is shown again rather than sent."""
        ids = ",".join(str(t.pk) for t in sorted(self.terminals, key=lambda t: t.pk))
        return hashlib.sha256(ids.encode()).hexdigest()[:32]

    def by_station(self) -> list[tuple[str, list[Terminal]]]:
        stations: dict[str, list[Terminal]] = {}
        for terminal in self.terminals:
            name = terminal.station.name if terminal.station else _("No station")
            stations.setdefault(name, []).append(terminal)
        return sorted(stations.items())


def may_act_in_bulk(user: Any) -> bool:
    return role_of(user) in (DISTRICT_ADMIN, STATION_MANAGER)


def commandable_terminals(user: Any) -> QuerySet[Terminal]:
    """Every terminal for a district administrator; a station manager's own stations'."""
    terminals = Terminal.objects.select_related("station")
    role = role_of(user)
    if role == DISTRICT_ADMIN:
        return terminals.all()
    if role == STATION_MANAGER:
        return terminals.filter(station__managers__user=user)
    return terminals.none()


def filter_query(query: QueryDict) -> QueryDict:
    """Only the fleet filters of a query string, without empty ones."""
    kept = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        value = query.get(name, "")
        if value:
            kept[name] = value
    return kept


def targets(user: Any, query: QueryDict) -> Targets:
    """The terminals the fleet page shows with these filters that ``user`` may command;
    raises BulkRefused for filters that do not read, an empty set or too large a one."""
    data = filter_query(query)
    mine = commandable_terminals(user)
    filters = FleetFilter(data or None, mine)
    if data and not filters.is_valid():
        # An invalid filter shows every terminal on the fleet page; here it must not.
        raise BulkRefused(_("These filters do not read (a station or version that is gone?). "
                            "Go back to the list and filter again."))
    chosen = list(filters.apply(mine, settings.HEARTBEAT_INTERVAL_S)
                  .order_by("station__name", "terminal_id"))
    # The same filters over every terminal: what they match beyond the person's own is
    # left out (their stations' terminals are a subset, so the filters read there too).
    everyone = Terminal.objects.all()
    matched = FleetFilter(data or None, everyone).apply(
        everyone, settings.HEARTBEAT_INTERVAL_S).count()
    if not chosen:
        raise BulkRefused(_("No terminal you may command matches these filters."))
    if len(chosen) > MOST_TERMINALS:
        raise BulkRefused(_("%(count)d terminals match, and one action reaches at most "
                            "%(most)d. Narrow the filters (a station, a version) and act "
                            "in parts.") % {"count": len(chosen), "most": MOST_TERMINALS})
    return Targets(chosen, max(0, matched - len(chosen)), _filters_in_words(filters),
                   data.urlencode())


def _filters_in_words(filters: FleetFilter) -> dict[str, str]:
    words: dict[str, str] = {}
    if not filters.is_bound or not filters.is_valid():
        return words
    for name in FILTER_NAMES:
        value = filters.cleaned_data.get(name)
        if name not in filters.fields or value in (None, ""):
            continue
        bound = filters[name]
        choices = dict(getattr(bound.field, "choices", []))
        words[str(bound.label)] = str(choices.get(value, value))
    return words


def issue_bulk(user: Any, chosen: Targets, command_type: str, args: dict[str, Any], *,
               token: uuid.UUID, reason: str = "", lifetime: timedelta | None = None,
               using: str = "default") -> BulkAction:
    """One BulkAction and one signed Command per terminal, each audited, and one audit entry
    for the whole; all or nothing. The same ``token`` twice returns the first action."""
    earlier = BulkAction.objects.using(using).filter(token=token).first()
    if earlier is not None:
        return earlier
    checked = check(command_type, args, reason=reason, lifetime=lifetime)
    key = signing_key()
    now = timezone.now()
    try:
        with transaction.atomic(using=using):
            bulk = BulkAction.objects.using(using).create(
                token=token, type=checked.type, args=checked.kept_args, reason=checked.reason,
                issued_by=user if user.is_authenticated else None,
                username=user.get_username(), issued_at=now,
                expires_at=now + checked.lifetime, filters=chosen.filters,
                query=chosen.query[:500], count=chosen.count, left_out=chosen.left_out)
            commands = [signed_command(user, terminal, checked, key, now, bulk)
                        for terminal in chosen.terminals]
            Command.objects.using(using).bulk_create(commands, batch_size=500)
            entries = [audit_entry(user, "bulk.issued", None, bulk=bulk.pk,
                                   type=checked.type, args=checked.kept_args,
                                   reason=checked.reason, filters=chosen.filters,
                                   count=chosen.count, left_out=chosen.left_out)]
            entries += [issued_entry(user, command) for command in commands]
            AuditEntry.objects.using(using).bulk_create(entries, batch_size=500)
    except IntegrityError:
        # The same confirmation sent twice at once: the other request made it.
        return BulkAction.objects.using(using).get(token=token)
    return bulk


@dataclass(frozen=True)
class Progress:
    """How far a bulk action has got, over the commands the person may see."""

    counts: dict[str, int] = field(default_factory=dict)

    # Not __getitem__: templates try a dictionary lookup before an attribute.
    def of(self, state: str) -> int:
        return self.counts.get(state, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def waiting(self) -> int:
        return self.of(CommandState.PENDING)

    @property
    def sent(self) -> int:
        return self.of(CommandState.SENT)

    @property
    def carried_out(self) -> int:
        return self.of(CommandState.ACCEPTED)

    @property
    def refused(self) -> int:
        return self.of(CommandState.REJECTED)

    @property
    def failed(self) -> int:
        return self.of(CommandState.FAILED)

    @property
    def expired(self) -> int:
        return self.of(CommandState.EXPIRED)

    @property
    def open(self) -> int:
        """Not answered yet and still valid: the page keeps refreshing while any is."""
        return self.waiting + self.sent


def progress(commands: QuerySet[Command]) -> Progress:
    counted = Counter({row["state"]: row["n"] for row in
                       commands.order_by().values("state").annotate(n=Count("pk"))})
    return Progress(dict(counted))


def progress_by_bulk(commands: QuerySet[Command]) -> dict[int, Progress]:
    """Each bulk action's progress in one query, for the list of bulk actions."""
    found: dict[int, dict[str, int]] = {}
    for row in commands.order_by().values("bulk", "state").annotate(n=Count("pk")):
        found.setdefault(row["bulk"], {})[row["state"]] = row["n"]
    return {bulk: Progress(counts) for bulk, counts in found.items()}
