"""People of each role, for the center's page tests."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, User

from center.accounts.models import StationAssignment
from center.fleet.models import Station

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class People:
    admin: User
    manager: User
    viewer: User
    station: Station


def make_people() -> People:
    station = Station.objects.create(district="xc", code="hsz", name="花山镇便民服务站")
    users = {}
    for role in ("district_admin", "station_manager", "viewer"):
        user = User.objects.create_user(role.replace("_", "-"), password=PASSWORD)
        # get_or_create: a transactional test flushes the rows the migration made.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        users[role] = user
    StationAssignment.objects.create(user=users["station_manager"], station=station)
    return People(users["district_admin"], users["station_manager"], users["viewer"], station)
