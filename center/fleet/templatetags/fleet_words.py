"""How long ago, as people say it: 'just now' for under a minute."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def for_how_long(since: datetime | None, now: datetime | None = None) -> str:
    if since is None:
        return ""
    now = now or timezone.now()
    if (now - since).total_seconds() < 60:
        return _("just now")
    return _("for %(duration)s") % {"duration": timesince(since, now)}
