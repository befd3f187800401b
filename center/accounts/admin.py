"""Which stations each station manager looks after, in Django's admin beside its users
and groups (the roles are the groups district_admin, station_manager, viewer)."""

from __future__ import annotations

from django.contrib import admin

from center.accounts.models import StationAssignment


@admin.register(StationAssignment)
class StationAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "station")
    list_filter = ("station",)
    search_fields = ("user__username", "station__name")
