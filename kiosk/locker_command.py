"""`kiosk locker ...` and `kiosk staff ...`: tools for installers and staff."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

from kiosk.admin import admin_client
from kiosk.cli_support import load_config_or_report


def open_compartment(config_path: Path, number: int) -> int:
    """Opens compartment ``number`` for maintenance through the running terminal."""
    config = load_config_or_report(config_path)
    if config is None:
        return 2
    try:
        reply = admin_client(config.store.path).call(
            {"op": "locker.open", "number": number, "user": getpass.getuser()})
    except ConnectionError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 1
    if not reply.get("ok"):
        print(f"kiosk: compartment {number} not opened: {reply.get('error')}", file=sys.stderr)
        return 1
    print(f"compartment {number} is opening (operation {reply['operation']}); "
          f"recorded in the audit trail as cli:{getpass.getuser()}")
    return 0


def hash_pin_command(from_stdin: bool) -> int:
    from kiosk.services.staff import hash_pin

    if from_stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = getpass.getpass("New staff PIN (4-8 digits): ")
        if getpass.getpass("Again: ") != pin:
            print("kiosk: the two PINs differ; nothing was made", file=sys.stderr)
            return 2
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        print("kiosk: a staff PIN is 4 to 8 digits", file=sys.stderr)
        return 2
    print(json.dumps(hash_pin(pin)))
    return 0
