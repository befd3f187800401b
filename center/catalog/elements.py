"""The catalog's elements in plain words, for the pages: what each field of docs/catalog.md
is called at a service window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # What gettext_lazy returns, as django-stubs names it (form labels take only this).
    from django_stubs_ext import StrPromise

# Every element of [catalog], [[sources]], [[themes]] and [[items]] by its key.
ELEMENT_LABELS: dict[str, StrPromise] = {
    "version": _("Version"),
    "title": _("Title"),
    "published": _("Publication date"),
    "id": _("Key"),
    "document": _("Issuing document"),
    "source": _("Source list"),
    "name": _("Name"),
    "code": _("Official code"),
    "department": _("Department in charge"),
    "implementing_body": _("Implementing body"),
    "level": _("Where it is handled (level)"),
    "handling": _("Type of handling"),
    "item_type": _("Type of item"),
    "legal_basis": _("Legal basis"),
    "conditions": _("Conditions"),
    "materials": _("Materials to bring"),
    "legal_time_limit": _("Legal time limit"),
    "promised_time_limit": _("Promised time limit"),
    "fees": _("Fees"),
    "channels": _("Channels"),
    "location": _("Where to go"),
    "queue_category": _("Window type (its hours are when to come)"),
    "online_url": _("Online entry (https://)"),
    "themes": _("Life-event themes"),
    "keywords": _("Extra search words"),
    "note": _("Note"),
}

LEVEL_LABELS: dict[str, StrPromise] = {
    "village": _("village or community service station"),
    "township": _("township service center"),
    "street": _("street service center"),
    "district": _("district government service center"),
}

# The kinds of entry a catalog lists, by their table.
ENTRY_KINDS: dict[str, Promise] = {
    "items": _("Items"),
    "sources": _("Source lists"),
    "themes": _("Themes"),
}


def element_label(key: str) -> str:
    return str(ELEMENT_LABELS.get(key, key))


# An item's elements as its page and its form group them: what a resident needs to bring and
# know, where and when it is handled, then what describes the item.
ITEM_GROUPS: tuple[tuple[Promise, tuple[str, ...]], ...] = (
    (_("What to bring and know"), ("materials", "conditions", "legal_time_limit",
                                   "promised_time_limit", "fees")),
    (_("Where and when"), ("location", "queue_category", "channels", "online_url")),
    (_("About the item"), ("name", "code", "department", "implementing_body", "level",
                           "handling", "item_type", "legal_basis", "keywords", "note",
                           "source", "themes")),
)


def shown_value(element: str, value: object) -> object:
    """An element's value as a page shows it: a level in words, anything else as it is."""
    if element == "level" and isinstance(value, str) and value in LEVEL_LABELS:
        return LEVEL_LABELS[value]
    return value
