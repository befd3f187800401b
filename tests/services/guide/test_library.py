"""Replacing the catalog: whole or not at all, and a bad one changes nothing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kiosk.services.guide.catalog import CatalogError
from kiosk.services.guide.library import CatalogLibrary
from tests.fixtures.configs import SHIPPED_CATALOG as SHIPPED
from tests.fixtures.guide_catalogs import newer


def test_starts_on_the_shipped_catalog_and_installs_a_newer_one(tmp_path: Path):
    installed = tmp_path / "catalog" / "services.toml"
    library = CatalogLibrary(SHIPPED, installed)
    seen = []
    library.on_change(lambda catalog: seen.append(catalog.info.version))

    library.replace(newer("t-2"))

    assert library.current.info.version == "t-2"
    assert [item.name for item in library.current.search("zsy")] == ["再生育审批"]
    assert installed.read_bytes() == newer("t-2")
    assert seen == ["t-2"]
    # After a restart the installed catalog is the one in use.
    assert CatalogLibrary(SHIPPED, installed).current.info.version == "t-2"


def test_a_bad_catalog_leaves_the_current_one_in_memory_and_on_disk(tmp_path: Path):
    installed = tmp_path / "services.toml"
    library = CatalogLibrary(SHIPPED, installed)
    library.replace(newer("t-2"))

    with pytest.raises(CatalogError, match="item t-001"):
        library.replace(newer("t-3").replace(b'level = "street"', b'level = "town"'))

    assert library.current.info.version == "t-2"
    assert installed.read_bytes() == newer("t-2")
    assert [p.name for p in tmp_path.iterdir()] == ["services.toml"]  # no temporary left


def test_a_corrupt_installed_catalog_falls_back_to_the_shipped_one(tmp_path: Path):
    installed = tmp_path / "services.toml"
    installed.write_bytes(b"[catalog]\nversion = ")  # a power cut mid-download, say

    library = CatalogLibrary(SHIPPED, installed)

    assert library.current.origin == str(SHIPPED)
    assert len(library.current.items) == 189


def test_an_unwritable_install_directory_is_reported_and_changes_nothing(tmp_path: Path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the directory should be")
    library = CatalogLibrary(SHIPPED, blocked / "services.toml")
    before = library.current

    with pytest.raises(CatalogError, match="cannot install the catalog"):
        library.replace(newer("t-2"))

    assert library.current is before


def test_readers_see_one_catalog_or_the_other_never_a_mixture(tmp_path: Path):
    library = CatalogLibrary(SHIPPED, tmp_path / "services.toml")
    stop = threading.Event()
    mixtures: list[str] = []

    def read() -> None:
        while not stop.is_set():
            catalog = library.current
            names = {item.name for item in catalog.items}
            version = catalog.info.version
            if version.startswith("t-") and names - {"再生育审批", "生育登记服务"}:
                mixtures.append(version)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for round_ in range(20):
            library.replace(newer(f"t-{round_}", "再生育审批" if round_ % 2 else "生育登记服务"))
    finally:
        stop.set()
        reader.join()

    assert mixtures == []
