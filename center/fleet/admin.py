"""Reference data in Django's admin: the district's stations (with their street or
township) and which station each terminal stands at. Everything else a terminal reports
is written by ingest and only read here."""

from __future__ import annotations

from django.contrib import admin

from center.fleet.models import Station, Terminal


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ("name", "street", "code", "district")
    list_filter = ("district", "street")
    search_fields = ("name", "code", "street")


@admin.register(Terminal)
class TerminalAdmin(admin.ModelAdmin):
    list_display = ("terminal_id", "district", "station", "version", "last_seen_at")
    list_filter = ("district", "station")
    search_fields = ("terminal_id",)
    fields = ("district", "terminal_id", "station", "version", "catalog_version",
              "last_seen_at")
    readonly_fields = ("district", "terminal_id", "version", "catalog_version",
                       "last_seen_at")

    def has_add_permission(self, request: object) -> bool:
        return False        # terminals appear when they first report
