"""The district's service catalog, version by version.

Every version kept is a row that is never changed or deleted: an edit, an upload and a
roll-back each add one. Each row names the version that was current when it was made
(``based_on``), so the history is one line, and the newest row is the district's current
catalog. A roll-back is a new row holding an older version's file (``restores``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VersionKind(models.TextChoices):
    EDIT = "edit", _("an item edited")
    UPLOAD = "upload", _("a file uploaded")
    SHIPPED = "shipped", _("the catalog the terminals ship with")
    ROLLBACK = "rollback", _("rolled back")


class CatalogVersion(models.Model):
    district = models.CharField(_("district"), max_length=40, db_index=True)
    # The file's own [catalog] version, as terminals report it in their heartbeats.
    version = models.CharField(_("version"), max_length=64)
    toml = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    items = models.PositiveIntegerField(_("items"))
    kind = models.CharField(_("how"), max_length=10, choices=VersionKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # Kept as it was, like the audit trail's, should the account be renamed or removed.
    created_by_name = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    restores = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        ordering = ["-pk"]
        constraints = [
            # One line of history: two people saving against the same current version
            # cannot both win, the second is told the catalog changed meanwhile.
            models.UniqueConstraint(fields=["based_on"], name="catalog_version_one_successor"),
            models.UniqueConstraint(fields=["district"], condition=Q(based_on__isnull=True),
                                    name="catalog_version_one_first"),
        ]
        verbose_name = _("catalog version")
        verbose_name_plural = _("catalog versions")

    def __str__(self) -> str:
        return f"{self.district} {self.version}"
