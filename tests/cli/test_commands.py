"""The `kiosk` command: every subcommand explains itself and refuses bad input clearly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KIOSK = [sys.executable, "-m", "kiosk"]


def kiosk(*args: str, env: dict[str, str] | None = None, timeout: float = 60
          ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIOSK, *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **(env or {})}, timeout=timeout)


@pytest.mark.parametrize("command", [[], ["run"], ["sim"], ["sim", "do"], ["doctor"],
                                     ["config"], ["config", "check"]])
def test_every_command_has_help(command):
    result = kiosk(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: kiosk" in result.stdout


def test_config_check_accepts_the_shipped_config():
    result = kiosk("config", "check", "config/kiosk.toml")
    assert result.returncode == 0
    assert "config/kiosk.toml: OK" in result.stdout


def test_config_check_names_a_misspelled_key(tmp_path):
    bad = tmp_path / "kiosk.toml"
    bad.write_text((REPO / "config" / "kiosk.toml").read_text(encoding="utf-8")
                   .replace("idle_timeout_s", "idle_timout_s"), encoding="utf-8")
    result = kiosk("config", "check", str(bad))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"kiosk: {bad}: display.idle_timout_s: unknown key; did you mean 'idle_timeout_s'? "
        "allowed here: dpi, font, fullscreen, idle_timeout_s, idle_warning_s, language, "
        "large_text, orientation"
    )


def test_run_without_a_display_says_how_to_get_one(write_config):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run([*KIOSK, "run", "--config", str(write_config())],
                            capture_output=True, text=True, cwd=REPO, env=env, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "no display" in lines[0]
    assert "make run HEADLESS=1" in lines[0]


def test_run_with_a_damaged_database_changes_nothing(write_config, display, tmp_path):
    config = write_config()
    database = tmp_path / "var" / "kiosk.db"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"not a database" * 50)
    result = kiosk("run", "--config", str(config))
    assert result.returncode == 2
    assert f"kiosk: {database} is not an SQLite database" in result.stderr
    assert database.read_bytes() == b"not a database" * 50


def test_run_with_a_missing_font_says_which_package(write_config, display):
    config = write_config({"display": {"font": "/usr/share/fonts/none/missing.ttf"}})
    result = kiosk("run", "--config", str(config))
    assert result.returncode == 2
    assert "display.font names /usr/share/fonts/none/missing.ttf, which does not exist" in (
        result.stderr)
    assert "fonts-noto-cjk" in result.stderr


def test_run_without_any_cjk_font_on_the_system(write_config, display, tmp_path):
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                     f"<fontconfig><dir>{tmp_path / 'no-fonts'}</dir>"
                     f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>")
    result = kiosk("run", "--config", str(write_config()), env={"FONTCONFIG_FILE": str(empty)})
    assert result.returncode == 2
    assert "no font with Simplified Chinese glyphs found through fontconfig" in result.stderr
    assert "apt-get install fonts-noto-cjk" in result.stderr


def test_doctor_reports_each_dependency(write_config, tmp_path):
    config = write_config({"devices": {"qr_scanner": {"driver": "serial",
                                                      "port": str(tmp_path / "ttyNOPE")}}})
    result = kiosk("doctor", "--config", str(config), "--json")
    assert result.returncode == 1  # the scanner's port is missing
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["config"]["status"] == "ok"
    assert checks["font"]["status"] == "ok"
    assert checks["translations"]["status"] == "ok"
    assert checks["qr_scanner"]["status"] == "fail"
    assert f"{tmp_path / 'ttyNOPE'} does not exist" in checks["qr_scanner"]["detail"]
    assert checks["database"]["status"] == "ok"


def test_doctor_plain_output_is_one_line_per_check(write_config):
    result = kiosk("doctor", "--config", str(write_config()))
    assert result.returncode == 0, result.stdout
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("OK    config")
    assert all(line.split()[0] in ("OK", "WARN", "FAIL") for line in lines)


def test_run_with_a_stale_display_says_how_to_get_one(write_config):
    result = subprocess.run([*KIOSK, "run", "--config", str(write_config())],
                            capture_output=True, text=True, cwd=REPO, timeout=60,
                            env={**os.environ, "DISPLAY": ":987"})
    assert result.returncode == 2
    assert "no X server answers" in result.stderr
    assert "HEADLESS=1" in result.stderr
