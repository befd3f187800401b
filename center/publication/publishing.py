"""Publishing a quarter: its snapshot kept as a new version, audited; and reading what is
published. Only a quarter that is over can be published (the current one changes by the
minute: it is only previewed)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import pgettext

from center.audit.log import record
from center.publication.models import Publication
from center.publication.quarters import Quarter, is_listed
from center.publication.snapshot import build_snapshot


class NotPublishable(ValueError):
    """The quarter cannot be published; the message says why, for the person who asked."""


def not_listed_words(quarter: Quarter) -> str:
    return pgettext("publication", "%(quarter)s cannot be published: only the quarters "
                    "listed on the publication page can.") % {"quarter": quarter.label()}


def district_name(district: str) -> str:
    """The district's name as residents know it (CENTER_DISTRICT_NAMES), else its code."""
    return settings.DISTRICT_NAMES.get(district, district)


def publish(user: Any, district: str, quarter: Quarter, using: str = "default",
            now: Any = None) -> Publication:
    """Keeps the quarter's snapshot as its newest version and writes the audit entry."""
    now = now or timezone.now()
    if not is_listed(quarter, now):
        raise NotPublishable(not_listed_words(quarter))
    if not quarter.is_over(now):
        raise NotPublishable(pgettext(
            "publication", "%(quarter)s is not over yet: it can be previewed, and published "
            "once it ends.") % {"quarter": quarter.label()})
    snapshot = build_snapshot(district, quarter, district_name(district), using)
    # Two administrators publishing at once both read version N: the unique constraint
    # lets one keep N+1, and the other takes the next number.
    for _attempt in range(3):
        try:
            with transaction.atomic(using=using):
                newest = Publication.objects.using(using).filter(
                    district=district, year=quarter.year, quarter=quarter.number,
                ).aggregate(newest=Max("version"))["newest"] or 0
                publication = Publication.objects.using(using).create(
                    district=district, year=quarter.year, quarter=quarter.number,
                    version=newest + 1, published_at=now, published_by=user,
                    published_by_name=user.get_username(), snapshot=snapshot)
                record(user, "publication.published", using=using, district=district,
                       quarter=quarter.slug, version=publication.version,
                       rated=snapshot["totals"]["rated"], cases=snapshot["totals"]["cases"])
                return publication
        except IntegrityError:
            continue
    raise NotPublishable(pgettext("publication", "Someone else is publishing this quarter "
                                  "right now: look at the list and try again."))


def published_versions(district: str, using: str = "default") -> list[Publication]:
    """Every version of the district's publications, newest quarter and version first."""
    return list(Publication.objects.using(using).filter(district=district)
                .order_by("-year", "-quarter", "-version"))


def newest_publications(district: str, using: str = "default") -> list[Publication]:
    """The newest version of each published quarter, newest quarter first."""
    newest: dict[tuple[int, int], Publication] = {}
    for publication in published_versions(district, using):
        newest.setdefault((publication.year, publication.quarter), publication)
    return list(newest.values())


def newest_publication(district: str, quarter: Quarter,
                       using: str = "default") -> Publication | None:
    return (Publication.objects.using(using)
            .filter(district=district, year=quarter.year, quarter=quarter.number)
            .order_by("-version").first())


def first_published_at(publication: Publication, using: str = "default") -> Any:
    first = (Publication.objects.using(using)
             .filter(district=publication.district, year=publication.year,
                     quarter=publication.quarter).order_by("version").first())
    return first.published_at if first else publication.published_at
