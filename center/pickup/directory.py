"""The case directory: case number -> the applicant's mobile number.

The terminal never holds phone numbers; the center asks the district's case system (一窗受理)
through this port. Adapters: the numbers imported from the case system's export, kept
encrypted here (ImportedContacts; imports.py reads the files), and a case system that
answers queries over HTTP (http_directory.py). CENTER_CASE_DIRECTORY picks one
(gateways.py, with the SMS gateway).
"""

from __future__ import annotations

from typing import Protocol

from center.pickup.models import CaseContact
from center.pickup.phones import PhoneError, vault


class DirectoryUnavailable(Exception):
    """The case system could not be asked; try again later."""


class CaseDirectory(Protocol):
    def mobile_for(self, case_number: str) -> str | None:
        """The applicant's mobile (11 digits), None when the case is not known."""
        ...


class ImportedContacts:
    def __init__(self, using: str = "default") -> None:
        self.using = using

    def mobile_for(self, case_number: str) -> str | None:
        contact = CaseContact.objects.using(self.using).filter(
            case_number=case_number).first()
        if contact is None:
            return None
        try:
            return vault().open(bytes(contact.phone_cipher))
        except PhoneError as error:
            raise DirectoryUnavailable(str(error)) from None
