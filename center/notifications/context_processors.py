"""The page shell's unread count: how many notices the person signed in has not read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from center.notifications.models import Delivery


def unread_notices(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"unread_notices": Delivery.objects.filter(user=request.user,
                                                      read_at__isnull=True).count()}
