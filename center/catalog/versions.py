"""Keeping catalog versions: each new one checked with the terminal's own rules
(contract/catalog.py) before anything is kept, one line of history per district, and a
roll-back kept as a new version that holds an older one's file."""

from __future__ import annotations

import base64
import hashlib
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from center.audit.log import record
from center.catalog.models import CatalogVersion, VersionKind
from center.commands.issue import LARGEST_CATALOG_BASE64
from contract.catalog import CatalogDocument, CatalogError, ServiceItem, parse_catalog_document

# The name a terminal gives a catalog the center sends it (the guide's replacement), so an
# error here reads word for word as the terminal's refusal would.
REPLACEMENT_ORIGIN = "replacement catalog"
# The catalog shipped with the terminal software, in this same repository: a district's
# history can start from it.
SHIPPED_CATALOG = Path(settings.REPO) / "config" / "catalog" / "services.toml"
# The center keeps the version a terminal reports in 60 characters (Terminal.catalog_version);
# a longer one, though the format allows 64, could never be seen to match.
LONGEST_VERSION = 60


class VersionRefused(ValueError):
    """The version cannot be kept; the message says why, for the person who asked."""


class CatalogChanged(VersionRefused):
    """Another version was kept since the person looked: what they reviewed is stale."""


def checked_catalog(data: bytes) -> CatalogDocument:
    """The catalog as a terminal would take it, or VersionRefused with the terminal's own
    error (naming the item and the field)."""
    try:
        document = parse_catalog_document(data, REPLACEMENT_ORIGIN)
    except CatalogError as error:
        raise VersionRefused(_("A terminal would refuse this catalog: %(error)s")
                             % {"error": error}) from None
    if len(document.info.version) > LONGEST_VERSION:
        raise VersionRefused(_("The version has %(length)d characters; the center follows at "
                               "most %(most)d.") % {"length": len(document.info.version),
                                                   "most": LONGEST_VERSION})
    if len(base64.b64encode(data)) > LARGEST_CATALOG_BASE64:
        raise VersionRefused(_("The file is %(size)d bytes: too large to send to terminals in "
                               "one command (at most about 2.3 MB).") % {"size": len(data)})
    return document


# Parsing the shipped catalog takes some 60 ms and every page of the editor reads the
# current version, so the last few parsed are kept by their SHA-256.
_PARSED: OrderedDict[str, CatalogDocument] = OrderedDict()
_PARSED_KEPT = 8


def kept_document(version: CatalogVersion) -> CatalogDocument:
    """A kept version's catalog (checked when it was kept, parsed again on reading)."""
    return _parsed(bytes(version.toml), version.sha256)


def _parsed(data: bytes, sha256: str) -> CatalogDocument:
    document = _PARSED.get(sha256)
    if document is None:
        document = parse_catalog_document(data, REPLACEMENT_ORIGIN)
        _PARSED[sha256] = document
        while len(_PARSED) > _PARSED_KEPT:
            _PARSED.popitem(last=False)
    return document


def current_version(district: str, using: str = "default") -> CatalogVersion | None:
    """The district's current catalog: the newest version kept."""
    return CatalogVersion.objects.using(using).filter(district=district).order_by("-pk").first()


def keep_version(user: Any, district: str, data: bytes, *, kind: VersionKind, note: str = "",
                 based_on: int | None, restores: CatalogVersion | None = None,
                 using: str = "default") -> CatalogVersion:
    """Keeps ``data`` as the district's new current catalog. ``based_on`` is the id of the
    version that was current when the person reviewed the change (None: there was none);
    should another have been kept since, nothing is kept (CatalogChanged)."""
    document = checked_catalog(data)
    digest = hashlib.sha256(data).hexdigest()
    version = document.info.version
    with transaction.atomic(using=using):
        current = current_version(district, using)
        if (current.pk if current else None) != based_on:
            raise CatalogChanged(_("Another version was kept meanwhile: look at the "
                                   "difference again before keeping yours."))
        refuse_unkeepable(district, document, digest, current, using)
        try:
            with transaction.atomic(using=using):
                kept = CatalogVersion.objects.using(using).create(
                    district=district, version=version, toml=data, sha256=digest,
                    items=len(document.items), kind=kind, note=note.strip()[:300],
                    created_by=user if user is not None and user.is_authenticated else None,
                    created_by_name=user.get_username() if user is not None else "system",
                    created_at=timezone.now(), based_on=current, restores=restores)
        except IntegrityError:
            # Another person's version took the place after ours was checked.
            raise CatalogChanged(_("Another version was kept meanwhile: look at the "
                                   "difference again before keeping yours.")) from None
        record(user, "catalog.version_kept", None, using=using, district=district,
               version=version, kind=str(kind), sha256=digest, items=kept.items,
               note=kept.note, based_on=current.version if current else None,
               restores=restores.version if restores else None)
    return kept


def refuse_unkeepable(district: str, document: CatalogDocument, digest: str,
                      current: CatalogVersion | None, using: str = "default") -> None:
    """Raises VersionRefused when the catalog is the current one again, or reuses the version
    of another kept file (terminals report only the version, so it must name one file)."""
    if current is not None and current.sha256 == digest:
        raise VersionRefused(_("This is the current version already: nothing changed."))
    version = document.info.version
    reused = CatalogVersion.objects.using(using).filter(
        district=district, version=version).exclude(sha256=digest).first()
    if reused is not None:
        raise VersionRefused(
            _("Version %(version)s was already kept on %(day)s with other content. Give the "
              "new catalog a version of its own: terminals report only the version.")
            % {"version": version,
               "day": date_format(timezone.localtime(reused.created_at), "DATE_FORMAT")})


def roll_back(user: Any, older: CatalogVersion, *, note: str = "", based_on: int | None,
              using: str = "default") -> CatalogVersion:
    """Makes an older version current again: a new version holding its file, so the
    history keeps everything that happened."""
    words = note.strip() or _("rolled back to %(version)s") % {"version": older.version}
    return keep_version(user, older.district, bytes(older.toml), kind=VersionKind.ROLLBACK,
                        note=words, based_on=based_on, restores=older, using=using)


def suggested_version(district: str, current: str, using: str = "default") -> str:
    """A version for the next catalog: the current one with its last number counted on
    ("2026.11.22-1" -> "2026.11.22-2"), skipping any already kept."""
    match = re.fullmatch(r"(.*?)(\d+)", current)
    stem, number = (match.group(1), int(match.group(2))) if match else (f"{current}-", 1)
    taken = set(CatalogVersion.objects.using(using).filter(district=district)
                .values_list("version", flat=True))
    number += 1
    while f"{stem}{number}" in taken:
        number += 1
    return f"{stem}{number}"[:LONGEST_VERSION]


def district_items(district: str, using: str = "default") -> dict[str, ServiceItem]:
    """The district's service items by id (name 事项名称, official code 事项编码): from its
    current catalog, or the shipped one before the district kept any. Ratings and their
    publication name items by it."""
    version = current_version(district, using)
    if version is not None:
        document = kept_document(version)
    elif SHIPPED_CATALOG.is_file():
        data = SHIPPED_CATALOG.read_bytes()
        document = _parsed(data, hashlib.sha256(data).hexdigest())
    else:
        return {}
    return {item.id: item for item in document.items}
