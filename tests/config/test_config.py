"""Configuration: typed, strict, and every error names the file, the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config

REPO = Path(__file__).resolve().parents[2]


def test_shipped_configs_load():
    default = load_config(REPO / "config" / "kiosk.toml")
    assert default.simulation.start is True
    assert default.display.language == "zh_CN"
    terminal = load_config(REPO / "config" / "examples" / "terminal.toml")
    assert terminal.simulation.start is False
    assert terminal.mqtt.tls is True


def test_values_are_typed(write_config):
    config = write_config.load({"display": {"idle_timeout_s": 120}})
    assert config.display.idle_timeout_s == 120
    assert isinstance(config.store.path, Path)


def test_misspelled_key_is_named_with_a_suggestion(write_config):
    path = write_config({"display": {"orientaton": "portrait"}})
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert str(path) in message
    assert "display.orientaton" in message
    assert "did you mean 'orientation'?" in message


def test_unknown_section_is_named(write_config):
    path = write_config({"printer": {"port": "/dev/usb/lp0"}})
    with pytest.raises(ConfigError, match=r"printer: unknown key; allowed here: .*devices"):
        load_config(path)


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        ({"display": {"idle_timeout_s": "90"}}, r"display\.idle_timeout_s: must be a whole number"),
        ({"display": {"idle_timeout_s": 5}}, r"display\.idle_timeout_s: 5 is out of range; "
                                             r"allowed 15 to 3600"),
        ({"display": {"idle_timeout_s": 1.5}}, r"must be a whole number, got a number \(1\.5\)"),
        ({"display": {"fullscreen": 1}}, r"display\.fullscreen: must be true or false"),
        ({"display": {"orientation": "square"}}, r"'square' is not allowed; choose one of "
                                                 r"'portrait', 'landscape'"),
        ({"mqtt": {"port": 70000}}, r"mqtt\.port: 70000 is out of range"),
        ({"station": {"terminal_id": "Bad Id"}}, r"station\.terminal_id: 'Bad Id' does not "
                                                 r"match the required form"),
        ({"display": "big"}, r"display: must be a table"),
    ],
)
def test_bad_values_are_rejected_with_what_is_allowed(write_config, changes, pattern):
    with pytest.raises(ConfigError, match=pattern):
        load_config(write_config(changes))


def test_missing_required_key(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('[station]\nterminal_id = "t-1"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"station\.station_id: required setting is missing"):
        load_config(path)


def test_invalid_toml_names_the_line(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text("[station\nname = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"{path}: not valid TOML: .*line 1"):
        load_config(path)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


def test_overlay_wins_and_errors_name_the_overlay(write_config, tmp_path):
    base = write_config()
    overlay = tmp_path / "overlay.toml"
    overlay.write_text("[display]\nidle_timeout_s = 300\n", encoding="utf-8")
    assert load_config(base, [overlay]).display.idle_timeout_s == 300

    overlay.write_text("[display]\nidle_timeout_s = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(base, [overlay])
    assert str(error.value).startswith(f"{overlay}: display.idle_timeout_s")


def test_serial_device_needs_a_port_unless_simulated(write_config):
    with pytest.raises(ConfigError, match=r"devices\.qr_scanner\.port: a serial port is required"):
        write_config.load({"devices": {"qr_scanner": {"driver": "serial"}}})
    simulated = write_config.load({"devices": {"qr_scanner": {"driver": "serial"}},
                                   "simulation": {"start": True}})
    assert simulated.devices.qr_scanner.port == ""


def test_tls_needs_its_files(write_config):
    with pytest.raises(ConfigError, match=r"mqtt\.ca_file: required when mqtt\.tls = true"):
        write_config.load({"mqtt": {"tls": True}})


def test_optional_path_may_be_left_empty(write_config):
    config = write_config.load({"mqtt": {"ca_file": ""}})
    assert config.mqtt.ca_file is None
