"""Small pieces every `kiosk` subcommand shares."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk.config import ConfigError, KioskConfig, load_config


def load_config_or_report(path: Path, overlays: Sequence[Path] = ()) -> KioskConfig | None:
    """The configuration, or None after printing the one-line reason to stderr."""
    try:
        return load_config(path, overlays)
    except ConfigError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return None
