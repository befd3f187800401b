"""The catalog: the shipped one loads with exactly the seeds' facts, and a bad one is
refused naming the item and the field."""

from __future__ import annotations

import tomllib

import pytest

from kiosk.services.guide.catalog import CatalogError, load_catalog, parse_catalog
from tests.fixtures.configs import SHIPPED_CATALOG as SHIPPED
from tests.fixtures.guide_catalogs import MINIMAL


def test_the_shipped_catalog_loads_every_seed_list():
    catalog = load_catalog(SHIPPED)

    by_source = {source.id: len([i for i in catalog.items if i.source == source.id])
                 for source in catalog.sources}
    assert by_source == {"chencang-2022-a2": 71, "linyi-a1": 56, "linyi-a2": 48,
                         "linyi-a3": 14}
    assert {item.level for item in catalog.items} == {"village", "township", "street"}
    first = catalog.item("chencang-a2-001")
    assert (first.name, first.department, first.handling) == ("一胎、二胎生育登记", "区卫健局",
                                                               "网办")


def test_the_shipped_catalog_invents_nothing():
    """The seeds give names, departments, bodies, types and handling: nothing else."""
    catalog = load_catalog(SHIPPED)

    for item in catalog.items:
        assert item.materials == ()
        assert item.legal_time_limit == item.promised_time_limit == item.fees == ""
        assert item.legal_basis == item.conditions == item.location == item.online_url == ""


def test_a_valid_catalog_indexes_its_items_and_groups():
    catalog = parse_catalog(MINIMAL.encode(), "test.toml")

    assert [item.id for item in catalog.search("shengyu")] == ["t-001"]
    assert catalog.items_in_theme("birth")[0].name == "一胎、二胎生育登记"
    assert catalog.levels() == [("street", 1)]
    assert catalog.item("t-001").handling == "网办"


@pytest.mark.parametrize(("change", "expected"), [
    ('level = "street"', 'level = "town"',),
    ('handling = "网办"', 'handling = "快办"'),
    ('themes = ["birth"]', 'themes = ["wedding"]'),
    ('source = "test-list"', 'source = "other-list"'),
], ids=["level", "handling", "theme", "source"])
def test_a_bad_value_is_refused_naming_the_item_and_the_field(change, expected):
    bad = MINIMAL.replace(change, expected)

    with pytest.raises(CatalogError) as error:
        parse_catalog(bad.encode(), "new.toml")

    message = str(error.value)
    field = change.split(" ")[0]
    assert message.startswith("new.toml: item t-001 (一胎、二胎生育登记): ")
    assert f"{field}" in message


def test_a_misspelt_element_is_refused_with_a_suggestion():
    bad = MINIMAL.replace('handling = "网办"', 'handling = "网办"\nmaterial = ["户口簿"]')

    with pytest.raises(CatalogError, match=r"item t-001 \(一胎、二胎生育登记\): material: "
                                           r"unknown key; did you mean 'materials'"):
        parse_catalog(bad.encode(), "new.toml")


def test_a_missing_name_and_a_repeated_id_are_refused():
    nameless = MINIMAL.replace('name = "一胎、二胎生育登记"\n', "")
    with pytest.raises(CatalogError, match=r"item t-001: name: required setting is missing"):
        parse_catalog(nameless.encode(), "new.toml")

    twice = MINIMAL + MINIMAL[MINIMAL.index("[[items]]"):]
    with pytest.raises(CatalogError, match=r"item t-001 \(一胎、二胎生育登记\): id: 't-001' is "
                                           r"used twice"):
        parse_catalog(twice.encode(), "new.toml")


def test_wrong_types_and_non_https_links_are_refused():
    listed = MINIMAL.replace('handling = "网办"', 'handling = "网办"\nmaterials = "户口簿"')
    with pytest.raises(CatalogError, match=r"item t-001 .*: materials: must be an array"):
        parse_catalog(listed.encode(), "new.toml")

    plain = MINIMAL.replace('handling = "网办"', 'handling = "网办"\nonline_url = "http://x.cn"')
    with pytest.raises(CatalogError, match=r"online_url: 'http://x.cn' does not match"):
        parse_catalog(plain.encode(), "new.toml")


def test_broken_toml_and_a_catalog_without_items_are_refused():
    with pytest.raises(CatalogError, match=r"new.toml: not valid TOML"):
        parse_catalog(b"[catalog\nversion = 1", "new.toml")
    empty = MINIMAL[:MINIMAL.index("[[items]]")]
    with pytest.raises(CatalogError, match=r"new.toml: items: the catalog lists no items"):
        parse_catalog(empty.encode(), "new.toml")
    with pytest.raises(CatalogError, match=r"catalog: version: required setting is missing"):
        parse_catalog(MINIMAL.replace('version = "t-1"\n', "").encode(), "new.toml")


def test_every_shipped_item_keeps_its_seed_column_values():
    """Handling types and item types stay within what the seeds print."""
    data = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))

    assert {item["handling"] for item in data["items"]} <= {"直办", "受理", "网办", "委托受理", ""}
    assert {item["item_type"] for item in data["items"]} <= {
        "", "行政许可", "行政给付", "其他行政权力", "公共服务", "便民服务"}
