"""`kiosk doctor idcard` and `kiosk doctor smartcard`: one card read and described.

They print masked identities only: the full name and ID number never appear."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from devices.errors import DeviceError
from kiosk.config import KioskConfig, load_config_or_report
from kiosk.services.identity import (
    Identity,
    IdentityError,
    identity_from_id_card,
    identity_from_social_security,
)
from kiosk.services.keys import KeyedHash, TerminalKeyError, load_or_create_key

CARD_WAIT_S = 20.0
SEX = {"1": "男", "2": "女"}


def describe(identity: Identity, card_type: str) -> dict[str, Any]:
    return {
        "card_type": card_type,
        "name": identity.masked_name,
        "id_number": identity.masked_id_number,
        "sex": SEX.get(identity.sex or ""),
        "nation": identity.nation,
        "birth_date": identity.birth.isoformat() if identity.birth else None,
        "valid_to": "长期" if identity.valid_to is None and identity.source == "id_card"
        else (identity.valid_to.isoformat() if identity.valid_to else None),
    }


def doctor_idcard(port: str, baud: int, as_json: bool) -> int:
    from kiosk.cli.doctor.idcard import read_one_card

    try:
        read = read_one_card(port, baud, CARD_WAIT_S)
        identity = identity_from_id_card(read.text)
    except (DeviceError, IdentityError) as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 1
    print_report(describe(identity, read.text.card_type), as_json)
    return 0


def doctor_smartcard(config_path: Path, overlays: Sequence[Path], reader: str | None,
                     as_json: bool) -> int:
    from kiosk.cli.doctor.smartcard import read_one

    config = load_config_or_report(config_path, overlays)
    if config is None:
        return 2
    use_configured_pcscd(config)
    try:
        presented = read_one(reader if reader is not None else config.devices.smartcard.reader,
                             CARD_WAIT_S)
    except DeviceError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 1
    report: dict[str, Any] = {"reader": presented.reader, "kind": presented.kind}
    if presented.kind == "social_security" and presented.social_security is not None:
        try:
            identity = identity_from_social_security(presented.social_security)
        except IdentityError as error:
            print(f"kiosk: social-security card refused: {error}", file=sys.stderr)
            return 1
        report.update(describe(identity, "social_security"))
    elif presented.kind == "badge" and presented.uid is not None:
        keyed = terminal_keyed_hash(config)
        if keyed is None:
            return 2
        report["badge_hash"] = keyed("staff-badge", presented.uid.hex())
    elif presented.error:
        report["error"] = presented.error
    print_report(report, as_json)
    return 0


def use_configured_pcscd(config: KioskConfig) -> None:
    """The terminal's own pcscd, not whichever answers on the machine's default socket
    (in the demo, that one's cards are not the terminal's)."""
    from devices.smartcard.pcsc_socket import use_socket
    from kiosk.cli.doctor.smartcard import configured_pcscd

    use_socket(configured_pcscd(config).socket)


def terminal_keyed_hash(config: KioskConfig) -> KeyedHash | None:
    try:
        return KeyedHash(load_or_create_key(config.security.key_file))
    except (TerminalKeyError, OSError) as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return None


def print_report(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for key, value in report.items():
            print(f"{key:<12} {value}")
