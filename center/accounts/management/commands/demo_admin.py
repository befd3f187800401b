"""manage.py demo_admin: the demo's district administrator, with a new random password each
time, printed for the person who started the demo. Never for a real district."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandParser

from center.accounts.roles import DISTRICT_ADMIN


class Command(BaseCommand):
    help = "Creates or resets the demo's district administrator and prints the password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args: Any, **options: Any) -> None:
        password = secrets.token_urlsafe(9)
        user, _ = User.objects.get_or_create(username=options["username"])
        user.set_password(password)
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get_or_create(name=DISTRICT_ADMIN)[0])
        self.stdout.write(f"demo administrator: {user.username} / {password}")
