"""The one error type configuration problems are reported with."""

from __future__ import annotations

from pathlib import Path


class ConfigError(Exception):
    """A configuration file is unreadable or holds a value the terminal cannot use.

    The message always names the file, the dotted key and what is allowed, so an
    installer can fix the file without reading code.
    """

    def __init__(self, file: Path | str | None, key: str, problem: str) -> None:
        self.file = str(file) if file is not None else "<defaults>"
        self.key = key
        self.problem = problem
        where = f"{self.file}: {key}" if key else self.file
        super().__init__(f"{where}: {problem}")
