"""One-off tools open a port once and say plainly why they could not."""

from __future__ import annotations

import pytest

from devices.errors import DeviceNotFound
from devices.serial_link import PortInUse, SerialLink, open_once


def test_a_free_port_opens_and_a_held_one_names_the_terminal(pty_endpoint):
    endpoint = pty_endpoint("reader")
    first = open_once(SerialLink, "tool", endpoint.path, 115200, read_timeout_s=0.01)
    try:
        with pytest.raises(PortInUse, match=r"in use by another program, probably the "
                                            r"running terminal: stop it \(systemctl stop kiosk\)"):
            open_once(SerialLink, "tool", endpoint.path, 115200, read_timeout_s=0.01)
    finally:
        first.close()


def test_a_missing_port_says_so(tmp_path):
    with pytest.raises(DeviceNotFound, match=r"cannot open .*no-such-port"):
        open_once(SerialLink, "tool", str(tmp_path / "no-such-port"), 115200,
                  read_timeout_s=0.01)
