"""`kiosk staff hash-pin` and `kiosk staff enroll-badge`: the values an installer puts in
security.staff[] for each staff member. Neither a PIN nor a badge's UID is ever stored."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

from devices.errors import DeviceError
from kiosk.cli.doctor.cards import CARD_WAIT_S, terminal_keyed_hash, use_configured_pcscd
from kiosk.config import load_config_or_report


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


def enroll_badge(config_path: Path) -> int:
    """Waits for a staff badge and prints its hash for security.staff[].badge_hash."""
    from kiosk.cli.doctor.smartcard import read_one

    config = load_config_or_report(config_path)
    if config is None:
        return 2
    keyed = terminal_keyed_hash(config)
    if keyed is None:
        return 2
    use_configured_pcscd(config)
    print(f"Hold the staff badge on the reader (waiting {CARD_WAIT_S:.0f} s)...",
          file=sys.stderr)
    try:
        presented = read_one(config.devices.smartcard.reader, CARD_WAIT_S)
    except DeviceError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 1
    if presented.kind != "badge" or presented.uid is None:
        print("kiosk: that card is not a contactless badge (no UID)", file=sys.stderr)
        return 1
    print(json.dumps(keyed("staff-badge", presented.uid.hex())))
    return 0
