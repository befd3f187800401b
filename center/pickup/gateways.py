"""What the sender talks to, as the environment's settings name them: the SMS gateway
(CENTER_SMS_GATEWAY) and the case directory (CENTER_CASE_DIRECTORY)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from center.pickup.directory import CaseDirectory, ImportedContacts
from center.pickup.http_directory import HttpCaseDirectory
from center.sms.gateway import SmsGateway


def configured_gateway() -> SmsGateway:
    kind = settings.SMS_GATEWAY
    if kind == "smpp":
        from center.sms.smpp_gateway import SmppGateway, SmppSettings
        smpp = settings.SMPP
        if not smpp["SYSTEM_ID"] or not smpp["SOURCE_ADDR"]:
            raise ImproperlyConfigured("CENTER_SMS_GATEWAY=smpp needs CENTER_SMPP_SYSTEM_ID "
                                       "and CENTER_SMPP_SOURCE_ADDR")
        return SmppGateway(SmppSettings(
            host=str(smpp["HOST"]), port=smpp["PORT"], system_id=str(smpp["SYSTEM_ID"]),
            password=str(smpp["PASSWORD"]), source_addr=str(smpp["SOURCE_ADDR"]),
            source_addr_ton=smpp["SOURCE_TON"]))
    if kind == "http":
        from center.sms.http_gateway import HttpGateway
        http = settings.SMS_HTTP
        if not http["URL"] or not http["SECRET"]:
            raise ImproperlyConfigured("CENTER_SMS_GATEWAY=http needs CENTER_SMS_HTTP_URL and "
                                       "CENTER_SMS_HTTP_SECRET")
        return HttpGateway(http["URL"], http["KEY_ID"], http["SECRET"])
    raise ImproperlyConfigured(f"CENTER_SMS_GATEWAY is {kind!r}: set smpp or http to send "
                               "pickup notices")


def configured_directory(using: str = "default") -> CaseDirectory:
    if settings.CASE_DIRECTORY == "http":
        if not settings.CASE_DIRECTORY_URL or not settings.CASE_DIRECTORY_TOKEN:
            raise ImproperlyConfigured("CENTER_CASE_DIRECTORY=http needs "
                                       "CENTER_CASE_DIRECTORY_URL and "
                                       "CENTER_CASE_DIRECTORY_TOKEN (or _TOKEN_FILE)")
        return HttpCaseDirectory(settings.CASE_DIRECTORY_URL, settings.CASE_DIRECTORY_TOKEN)
    if settings.CASE_DIRECTORY != "imported":
        raise ImproperlyConfigured(f"CENTER_CASE_DIRECTORY is {settings.CASE_DIRECTORY!r}: "
                                   "set imported or http")
    return ImportedContacts(using)
