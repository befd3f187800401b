"""Errors raised by device adapters, translated once at the adapter boundary."""

from __future__ import annotations


class DeviceError(Exception):
    """A device could not do what was asked; the message says which device and why."""


class DeviceNotFound(DeviceError):
    """The device's port or reader is not there (unplugged, wrong path, driver missing)."""


class DeviceTimeout(DeviceError):
    """The device did not answer in time."""


class UnlockNotSent(DeviceError):
    """An unlock pulse certainly did not go out (line absent, request cancelled): safe to
    treat the door as untouched. Any other error from an unlock means it may have."""


class ProtocolError(DeviceError):
    """The device answered with bytes that break its protocol (bad checksum, bad frame)."""
