"""The configuration loader (kiosk/config/loader.py and binding.py), as `kiosk run` and
`kiosk config check` use it.

Any file, as the station file or as an overlay, loads or raises ConfigError, nothing else;
what loads keeps every setting inside its declared range, type and form; a valid value set
by an overlay is the value the terminal gets.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import math
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from kiosk.cli.main import main
from kiosk.config import ConfigError, KioskConfig, load_config
from tests.properties.profiles import REPOSITORY, scaled
from tests.properties.strategies import Labelled, mutated, nested, outcome
from tests.properties.toml_text import Table, documents, tables_of, toml_literal

STATION_FILE = REPOSITORY / "config" / "kiosk.toml"
EXAMPLE_FILE = REPOSITORY / "config" / "examples" / "terminal.toml"
TABLES = tables_of(KioskConfig)
DEEP = 5_000
_names = itertools.count()

config_files = st.one_of(
    documents(TABLES).map(lambda text: text.encode("utf-8")),
    mutated(st.sampled_from([STATION_FILE.read_bytes(), EXAMPLE_FILE.read_bytes()])),
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("configs")


def written(directory: Path, data: bytes) -> Path:
    path = directory / f"fuzzed-{next(_names)}.toml"
    path.write_bytes(data)
    return path


def load(directory: Path, data: bytes, as_overlay: bool) -> KioskConfig:
    path = written(directory, data)
    try:
        return load_config(STATION_FILE, [path]) if as_overlay else load_config(path)
    finally:
        path.unlink()


@example(data=Labelled(b"a = " + nested(DEEP), f"a = nested({DEEP})"), as_overlay=False)
@example(data=Labelled(b"[" + b".".join([b"a"] * DEEP) + b"]\n",
                       f"[a.a.a...] with {DEEP} parts"), as_overlay=False)
@example(data=Labelled(b"[" + b".".join([b"queue"] * DEEP) + b"]\n",
                       f"[queue.queue...] with {DEEP} parts"), as_overlay=True)
@example(data=b"\xff\xfe[\x00s\x00t\x00", as_overlay=False)
@example(data=b"[station]\nname = \"\xe6\x9c\n", as_overlay=True)
@given(data=config_files, as_overlay=st.booleans())
@scaled(0.7)
def test_any_file_loads_or_raises_config_error(files: Path, data: bytes,
                                               as_overlay: bool) -> None:
    config, error = outcome(lambda: load(files, data, as_overlay), ConfigError)
    if isinstance(error, ConfigError):
        assert error.file
        assert str(error)
        event(f"refused at {error.key.split('.')[0] or 'the file'}")
        return
    event("loaded")
    assert isinstance(config, KioskConfig)


@given(data=config_files)
@scaled(0.5)
def test_kiosk_config_check_answers_any_file_with_exit_0_or_one_line_and_2(
        files: Path, data: bytes) -> None:
    path = written(files, data)
    with redirect_stdout(io.StringIO()) as out, redirect_stderr(io.StringIO()) as err:
        code = main(["config", "check", str(path)])
    path.unlink()
    assert code in (0, 2)
    said = err.getvalue() if code else out.getvalue()
    assert said.endswith("\n")
    assert said.count("\n") == 1, said


# --- what loads is what the schema allows ---------------------------------------------

def broken_settings(value: Any, path: str = "") -> list[str]:
    """Every setting of a loaded configuration outside its declared range or form."""
    problems: list[str] = []
    hints = get_type_hints(type(value))
    for field in dataclasses.fields(value):
        setting = getattr(value, field.name)
        dotted = f"{path}{field.name}"
        if dataclasses.is_dataclass(setting):
            problems += broken_settings(setting, f"{dotted}.")
            continue
        if isinstance(setting, tuple | dict):
            items = setting.values() if isinstance(setting, dict) else setting
            for index, item in enumerate(items):
                if dataclasses.is_dataclass(item):
                    problems += broken_settings(item, f"{dotted}[{index}].")
            continue
        low, high = field.metadata.get("minimum"), field.metadata.get("maximum")
        if isinstance(setting, float) and not math.isfinite(setting):
            problems.append(f"{dotted} = {setting}")
        elif isinstance(setting, int | float) and not isinstance(setting, bool) and (
                (low is not None and not setting >= low)
                or (high is not None and not setting <= high)):
            problems.append(f"{dotted} = {setting}, outside {low} to {high}")
        pattern = field.metadata.get("pattern")
        if pattern and isinstance(setting, str) and not re.fullmatch(pattern, setting):
            problems.append(f"{dotted} = {setting!r}, not of the form {pattern}")
        if get_origin(hints[field.name]) is Literal and setting not in get_args(
                hints[field.name]):
            problems.append(f"{dotted} = {setting!r}, not a choice")
    return problems


@example(data=b"[queue]\ndefault_handling_min = nan\n")
@example(data=b"[devices.qr_scanner]\nhold_s = nan\n")
@given(data=documents(TABLES).map(lambda text: text.encode("utf-8")))
@scaled(0.7)
def test_a_loaded_configuration_keeps_every_setting_in_range(files: Path, data: bytes) -> None:
    try:
        config = load(files, data, as_overlay=True)
    except ConfigError:
        return
    assert broken_settings(config) == []


@example(url="https://q.example.cn/{station}/{ticket}")
@example(url="https://q.example.cn/{ticket")
@given(url=st.from_regex(r"https://[a-z./{}0-9a-z_]{1,30}", fullmatch=True))
def test_an_accepted_status_url_template_can_be_filled_in(files: Path, url: str) -> None:
    """The queue fills the template in for every ticket it issues (QueueService
    ._status_url): one the loader accepts must not fail there."""
    try:
        config = load(files, f'[queue]\nstatus_url = "{url}"\n'.encode(), as_overlay=True)
    except ConfigError:
        return
    config.queue.status_url.format(district="d", terminal="t", day="2026-11-23",
                                   ticket="A001")


# --- a valid value set in an overlay is the value loaded --------------------------------

SIMPLE_KEYS = [(table, name) for table in TABLES if table.path and not table.many
               and ".main" not in table.path for name, (hint, _field) in table.keys.items()
               if hint in (bool, int, float) or get_origin(hint) is Literal]


def lookup(config: KioskConfig, dotted: str) -> Any:
    value: Any = config
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


@st.composite
def valid_overrides(draw: st.DrawFn) -> tuple[str, str, Any]:
    """A table, a "key = value" line that fits the key's type and range, and the value."""
    table, name = draw(st.sampled_from(SIMPLE_KEYS))
    hint, field = table.keys[name]
    low, high = field.metadata.get("minimum"), field.metadata.get("maximum")
    if get_origin(hint) is Literal:
        value = draw(st.sampled_from(get_args(hint)))
    elif hint is bool:
        value = draw(st.booleans())
    elif hint is int:
        value = draw(st.integers(int(low) if low is not None else -(2**63),
                                 int(high) if high is not None else 2**63 - 1))
    else:
        value = draw(st.floats(low, high, allow_nan=False, allow_infinity=False))
    return table.path, f"{name} = {toml_literal(value)}", value


@given(override=valid_overrides())
@scaled(0.7)
def test_a_valid_setting_in_an_overlay_is_the_one_loaded(
        files: Path, override: tuple[str, str, Any]) -> None:
    path, line, value = override
    key = f"{path}.{line.split(' = ')[0]}"
    config, error = outcome(lambda: load(files, f"[{path}]\n{line}\n".encode(),
                                         as_overlay=True), ConfigError)
    if isinstance(error, ConfigError):
        # A rule spanning several keys may refuse the combination; it names another key.
        assert error.key != key, f"{key}: valid value refused: {error}"
        return
    assert lookup(config, key) == value


def test_the_schema_gives_the_strategies_something_to_work_on() -> None:
    """Guards the strategies above against a schema change that leaves them empty."""
    assert len(TABLES) > 10
    assert len(SIMPLE_KEYS) > 20
    assert any(isinstance(table, Table) and table.many for table in TABLES)
