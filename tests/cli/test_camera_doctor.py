"""`kiosk doctor` on a camera QR scanner: the capture program and the devices it names,
checked without starting it (a running terminal holds the camera)."""

from __future__ import annotations

import sys

from kiosk.cli.doctor.station import Check, run_checks


def qr_check(write_config, command) -> Check:
    config = write_config.load({"devices": {"qr_scanner": {"driver": "camera",
                                                           "capture_command": command}}})
    return next(check for check in run_checks(config) if check.name == "qr_scanner")


def test_a_missing_capture_program_fails_with_its_name(write_config):
    check = qr_check(write_config, "no-such-ffmpeg -i /dev/video0")
    assert check.status == "fail"
    assert "'no-such-ffmpeg' not found" in check.detail


def test_a_missing_camera_device_fails(write_config):
    check = qr_check(write_config, [sys.executable, "-i", "/dev/no-such-video9"])
    assert check.status == "fail"
    assert "/dev/no-such-video9 does not exist: is the camera plugged in?" in check.detail


def test_a_present_program_and_device_pass(write_config):
    assert qr_check(write_config, [sys.executable, "-i", "/dev/null"]).status == "ok"
