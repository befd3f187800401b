from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("center.accounts.urls")),
    path("fleet/", include("center.fleet.urls")),
    path("alarms/", include("center.alarms.urls")),
    path("audit/", include("center.audit.urls")),
    path("admin/", admin.site.urls),
]
