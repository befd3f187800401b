"""manage.py send_notices: the pickup-notice sender. Every CENTER_SMS_SEND_INTERVAL_S it
writes the reminders due, sends the notices waiting and applies delivery receipts (checked
more often, between rounds); `--once` makes one round and stops. Run one per district:
the per-second limit is counted per sender."""

from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from center.pickup.gateways import configured_directory, configured_gateway
from center.pickup.sender import NoticeSender
from center.pickup.wording import TemplatesError, load_templates

log = logging.getLogger("center.pickup")


class Command(BaseCommand):
    help = "Texts applicants their pickup codes and reminders through the SMS gateway."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="make one round and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            templates = load_templates(settings.SMS_TEMPLATES_FILE)
        except TemplatesError as error:
            raise CommandError(str(error)) from None
        try:
            directory = configured_directory()
            gateway = configured_gateway()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        sender = NoticeSender(gateway, templates, directory)
        stop = threading.Event()
        try:
            if options["once"]:
                self.stdout.write(f"send_notices: {sender.run_once()} sent")
                return
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            self.stdout.write(f"send_notices: a round every {settings.SMS_SEND_INTERVAL_S} s "
                              f"through {gateway.name}")
            while not stop.is_set():
                close_old_connections()
                try:
                    sent = sender.run_once()
                except DatabaseError as error:
                    # Each notice's outcome is its own statement: nothing half recorded.
                    log.warning("send_notices: round failed: %s", error)
                else:
                    if sent:
                        log.info("send_notices: %d sent", sent)
                # Receipts come in between rounds (SMPP's on the gateway's own thread):
                # applied each second, so a page shows "delivered" soon after the phone.
                deadline = time.monotonic() + settings.SMS_SEND_INTERVAL_S
                while not stop.wait(min(1.0, max(0.0, deadline - time.monotonic()))):
                    if time.monotonic() >= deadline:
                        break
                    try:
                        sender.apply_receipts(timezone.now())
                    except DatabaseError as error:
                        log.warning("send_notices: receipts not applied: %s", error)
        finally:
            gateway.close()
        self.stdout.write("send_notices: stopped")
