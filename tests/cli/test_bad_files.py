"""`kiosk config check` and `kiosk catalog check` on files made to break them: every one
gets one line naming the file and what is wrong, and exit status 2; never a traceback,
and never a huge value echoed back."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli.main import main
from tests.fixtures.configs import SHIPPED_CATALOG as SHIPPED

SHIPPED_CONFIG = Path(__file__).resolve().parents[2] / "config" / "kiosk.toml"


def shipped_config_with(value: str) -> str:
    """The shipped configuration with the queue's handling time set to ``value``."""
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    assert "default_handling_min = 8" in text
    return text.replace("default_handling_min = 8", f"default_handling_min = {value}", 1)


def config_cases(tmp: Path) -> dict[str, tuple[Path, str]]:
    def write(name: str, data: bytes | str) -> Path:
        path = tmp / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    directory = tmp / "a-directory.toml"
    directory.mkdir()
    return {
        "binary": (write("binary.toml", bytes(range(256)) * 4), "not UTF-8 text"),
        "directory": (directory, "is a directory"),
        "deep array": (write("deep.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n"),
                       "nested"),
        "deep dotted header": (write("dotted.toml", "[" + ".".join(["a"] * 5000) + "]\n"),
                               "nested"),
        "huge file": (write("huge.toml", shipped_config_with('"' + "9" * 60_000_000 + '"')),
                      "at most"),
        "long value": (write("long.toml", shipped_config_with('"' + "9" * 1_000_000 + '"')),
                       "must be a number"),
        "nan": (write("nan.toml", shipped_config_with("nan")), "finite"),
        "newline in a key": (write("key.toml", '"bad\\nkey" = 1\n'), "unknown key"),
    }


@pytest.mark.parametrize("case", ["binary", "directory", "deep array", "deep dotted header",
                                  "huge file", "long value", "nan", "newline in a key"])
def test_a_broken_config_gets_one_line_and_exit_2(tmp_path, capsys, case):
    path, problem = config_cases(tmp_path)[case]
    assert main(["config", "check", str(path)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1, error[:500]
    assert str(path) in error
    assert problem in error
    assert len(error) < 600


def catalog_with(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "services.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "problem"), [
    ('version = "2026.11.22-1"', 'version = "2026\\u0007.11"', "version"),
    ('version = "2026.11.22-1"', 'version = "2026\\n11"', "version"),
    ('published = "2026-11-22"', 'published = "9999-99-99"', "not a real date"),
    ('published = "2026-11-22"', 'published = "2026-02-30"', "not a real date"),
    ('published = "2026-11-22"', 'published = "0001-01-01"', "not a plausible date"),
    ('title = "便民服务事项目录（示例）"', 'title = "x"\nextra = ' + "[" * 5000 + "]" * 5000,
     "nested"),
])
def test_a_broken_catalog_gets_one_line_and_exit_2(tmp_path, capsys, old, new, problem):
    path = catalog_with(tmp_path, old, new)
    assert main(["catalog", "check", str(path)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1, error[:500]
    assert error.startswith(str(path))
    assert problem in error


def test_a_catalog_that_is_a_directory_or_binary(tmp_path, capsys):
    assert main(["catalog", "check", str(tmp_path)]) == 2
    assert str(tmp_path) in capsys.readouterr().err
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00" * 100)
    assert main(["catalog", "check", str(binary)]) == 2
    assert "not UTF-8 text" in capsys.readouterr().err
