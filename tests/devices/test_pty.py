"""The simulated serial port: a stable link, real bytes, real unplugging."""

from __future__ import annotations

import os
import time

import pytest
import serial


def test_bytes_flow_both_ways(pty_endpoint):
    endpoint = pty_endpoint("board")
    with serial.Serial(endpoint.path, 19200, timeout=1) as port:
        port.write(b"\x02\x00\x30\x03\x35")
        assert endpoint.read(1.0) == b"\x02\x00\x30\x03\x35"
        endpoint.write(b"\x02\x00\x35\x01\x00\x01\x00\x03\x3c")
        assert port.read(9) == b"\x02\x00\x35\x01\x00\x01\x00\x03\x3c"


def test_link_survives_replug_with_a_new_pty(pty_endpoint):
    endpoint = pty_endpoint("board")
    with serial.Serial(endpoint.path, 19200, timeout=1) as before:
        endpoint.unplug()
        assert not os.path.exists(endpoint.path)
        endpoint.plug()
        assert os.path.exists(endpoint.path)
        # A port opened before the unplug is dead for good, as with a pulled USB adapter,
        # even when the kernel gives the new pseudo-terminal the old one's number: comparing
        # link targets could not tell, a write on the old port can.
        with pytest.raises(serial.SerialException):
            before.write(b"\x02\x00\x30\x03\x35")
    # The same link leads to the new pseudo-terminal, and bytes flow through it.
    with serial.Serial(endpoint.path, 19200, timeout=1) as after:
        after.write(b"\x02\x00\x30\x03\x35")
        assert endpoint.read(1.0) == b"\x02\x00\x30\x03\x35"


def test_paced_writes_take_wire_time(pty_endpoint):
    endpoint = pty_endpoint("slow", pace_baud=9600)
    with serial.Serial(endpoint.path, 9600, timeout=1):
        started = time.monotonic()
        endpoint.write(b"\x00" * 96)  # 96 bytes * 10 bits / 9600 = 100 ms
        assert time.monotonic() - started >= 0.095
