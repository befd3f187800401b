"""The catalog's format lives in contract/ (shared with the district center); the terminal
builds its searchable Catalog from it, and both sides refuse a bad catalog in the same
words, naming the item and the field."""

from __future__ import annotations

import pytest

import contract.catalog
import contract.strict_toml
from contract.catalog import CatalogError, parse_catalog_document
from kiosk.config.binding import bind, setting
from kiosk.config.errors import ConfigError
from kiosk.services.guide import catalog as kiosk_catalog
from tests.fixtures.configs import SHIPPED_CATALOG
from tests.fixtures.guide_catalogs import MINIMAL


def test_the_terminal_uses_the_contracts_format_not_a_copy():
    assert kiosk_catalog.CatalogError is contract.catalog.CatalogError
    assert kiosk_catalog.ServiceItem is contract.catalog.ServiceItem
    assert kiosk_catalog.LEVELS is contract.catalog.LEVELS
    assert ConfigError is contract.strict_toml.ConfigError
    assert (bind, setting) == (contract.strict_toml.bind, contract.strict_toml.setting)


def test_the_shipped_catalog_is_the_same_document_on_both_sides():
    data = SHIPPED_CATALOG.read_bytes()

    document = parse_catalog_document(data, "services.toml")
    catalog = kiosk_catalog.parse_catalog(data, "services.toml")

    assert (catalog.info, catalog.sources, catalog.themes, catalog.items) == (
        document.info, document.sources, document.themes, document.items)
    assert "chencang-a2-001" in [item.id for item in catalog.search("生育登记")]


@pytest.mark.parametrize(("old", "new", "message"), [
    ('level = "street"', 'level = "town"',
     "new.toml: item t-001 (一胎、二胎生育登记): level: 'town' is not allowed; choose one of "
     "'village', 'township', 'street', 'district'"),
    ('handling = "网办"', 'handling = "网办"\nonline_url = "http://x.cn"',
     "new.toml: item t-001 (一胎、二胎生育登记): online_url: 'http://x.cn' does not match the "
     "required form |https://\\S+"),
    ('themes = ["birth"]', 'themes = ["wedding"]',
     "new.toml: item t-001 (一胎、二胎生育登记): themes: 'wedding' is not a [[themes]] id"),
    ('version = "t-1"\n', "",
     "new.toml: catalog: version: required setting is missing (the catalog's version, "
     "reported to the center)"),
    ("[[items]]", "[[item]]",
     "new.toml: unknown table 'item'; allowed: catalog, sources, themes, items"),
], ids=["level", "online_url", "theme", "version", "table"])
def test_both_sides_refuse_a_bad_catalog_in_the_same_words(old, new, message):
    bad = MINIMAL.replace(old, new).encode()

    with pytest.raises(CatalogError) as by_contract:
        parse_catalog_document(bad, "new.toml")
    with pytest.raises(kiosk_catalog.CatalogError) as by_terminal:
        kiosk_catalog.parse_catalog(bad, "new.toml")

    assert str(by_contract.value) == str(by_terminal.value) == message


def test_a_file_too_large_or_too_deep_is_refused_before_binding():
    huge = b"# " + b"x" * contract.strict_toml.MAX_FILE_BYTES
    with pytest.raises(CatalogError, match=r"^big.toml: is \d+ bytes; a configuration file "
                                           r"is at most 8388608$"):
        parse_catalog_document(huge, "big.toml")
    deep = ("x = " + "[" * 40 + "]" * 40 + "\n").encode()
    with pytest.raises(CatalogError, match=r"^deep.toml: nested \d+ levels deep; at most 16"):
        parse_catalog_document(deep, "deep.toml")
