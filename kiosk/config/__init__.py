"""Typed configuration loaded from TOML files."""

from kiosk.config.errors import ConfigError
from kiosk.config.loader import load_config, load_config_or_report
from kiosk.config.schema import KioskConfig

__all__ = ["ConfigError", "KioskConfig", "load_config", "load_config_or_report"]
