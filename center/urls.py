from django.contrib import admin
from django.urls import include, path

from center.pickup.views_link import pickup_link
from center.pickup.views_receipts import receipt_callback
from center.ratings.qr_views import rate_by_qr

urlpatterns = [
    path("", include("center.accounts.urls")),
    path("fleet/", include("center.fleet.urls")),
    path("commands/", include("center.commands.urls")),
    path("alarms/", include("center.alarms.urls")),
    path("notifications/", include("center.notifications.urls")),
    path("audit/", include("center.audit.urls")),
    path("catalog/", include("center.catalog.urls")),
    path("pickup/", include("center.pickup.urls")),
    path("ratings/", include("center.ratings.urls")),
    path("reports/", include("center.reports.urls")),
    path("publication/", include("center.publication.urls")),
    # The published quarters, for everyone (no sign-in).
    path("public/", include("center.publication.public_urls")),
    # The link in a pickup notice's SMS (center/pickup/links.py): short, at the root. Every
    # address under p/ goes to the view, whose answers are never logged with their path.
    path("p/<path:token>", pickup_link, name="pickup_link"),
    # The rating code on a ticket slip (center/ratings/qr_views.py), kept as short; the
    # same care with its path.
    path("r/<path:token>", rate_by_qr, name="rate_by_qr"),
    # Delivery receipts an HTTP SMS gateway pushes (signed; docs/pickup-notices.md).
    path("sms/receipts/http/", receipt_callback, name="http_receipts"),
    path("admin/", admin.site.urls),
]
