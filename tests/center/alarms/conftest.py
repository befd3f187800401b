"""The local SMTP server the notifier's mails go to (tests/fixtures/smtp_server.py)."""

from tests.fixtures.smtp_server import smtp_server

__all__ = ["smtp_server"]
