"""The camera QR scanner's settings: a capture command as a string or its words."""

from __future__ import annotations

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.config.devices_schema import QrScannerConfig

FFMPEG = ("ffmpeg -loglevel error -f v4l2 -framerate 10 -video_size 640x480 -i /dev/video0 "
          "-vf format=gray -f image2pipe -vcodec pgm -")


def camera(**settings):
    return {"devices": {"qr_scanner": {"driver": "camera", **settings}}}


def test_capture_command_as_one_line_or_as_words(write_config):
    line = write_config.load(camera(capture_command=FFMPEG)).devices.qr_scanner
    assert line.capture_command == FFMPEG
    words = write_config.load(camera(capture_command=FFMPEG.split())).devices.qr_scanner
    assert words.capture_command == tuple(FFMPEG.split())
    assert (words.hold_s, words.frame_timeout_s) == (2.0, 10.0)


def test_serial_stays_the_default():
    assert QrScannerConfig().driver == "serial"


def test_a_camera_needs_a_capture_command_unless_simulated(write_config):
    with pytest.raises(ConfigError, match=r"devices\.qr_scanner\.capture_command: the "
                                          r"camera's capture program is required"):
        load_config(write_config(camera()))
    simulated = write_config.load({**camera(), "simulation": {"start": True}})
    assert simulated.devices.qr_scanner.capture_command == ""


@pytest.mark.parametrize(("value", "problem"), [
    (5, r"must be a string or an array of strings, got a number \(5\)"),
    ("ffmpeg -i '/dev/video0", "not a command line: No closing quotation"),
    (["ffmpeg", ""], "has an empty word"),
    ([1, 2], r"capture_command\[0\]: must be a string"),
])
def test_bad_capture_commands_are_explained(write_config, value, problem):
    with pytest.raises(ConfigError, match=problem):
        load_config(write_config(camera(capture_command=value)))


def test_hold_time_is_bounded(write_config):
    with pytest.raises(ConfigError, match=r"hold_s: 0\.0 is out of range; allowed 0\.2 to 60"):
        load_config(write_config(camera(capture_command=FFMPEG, hold_s=0)))
