"""A quarter's 好差评 publication as it was published: a snapshot that never changes.

Publishing keeps the figures and the anonymised rows as JSON (center/publication/snapshot.py
makes them), so the public page reads the same however late ratings arrive or cases move
on afterwards. Publishing the quarter again keeps a new version beside the old; the public
page shows the newest and says when it was updated."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy


class Publication(models.Model):
    district = models.CharField(pgettext_lazy("publication", "district"), max_length=40)
    year = models.PositiveSmallIntegerField(pgettext_lazy("publication", "year"))
    quarter = models.PositiveSmallIntegerField(pgettext_lazy("publication", "quarter"))  # 1-4
    # 1 when first published, 2 for the next publication of the same quarter, ...
    version = models.PositiveSmallIntegerField(pgettext_lazy("publication", "version"))
    published_at = models.DateTimeField(pgettext_lazy("publication", "published at"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # Kept as it was, like the audit trail's, should the account be renamed or removed.
    published_by_name = models.CharField(max_length=150)
    # Everything the public page shows (snapshot.py: SNAPSHOT_FORMAT and its keys).
    snapshot = models.JSONField()

    class Meta:
        constraints = [
            # Two administrators publishing at once cannot both make version N.
            models.UniqueConstraint(fields=["district", "year", "quarter", "version"],
                                    name="publication_one_version"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4),
                                   name="publication_quarter_1_to_4"),
        ]
        ordering = ["district", "-year", "-quarter", "-version"]
        verbose_name = pgettext_lazy("publication", "quarterly publication")

    def __str__(self) -> str:
        return f"{self.district} {self.year}Q{self.quarter} v{self.version}"

    @property
    def slug(self) -> str:
        """The quarter as its public address names it, e.g. 2026q4."""
        return f"{self.year}q{self.quarter}"
