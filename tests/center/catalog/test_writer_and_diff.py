"""The catalog written back as TOML reads as the same catalog (the shipped one, and values
that need escaping), and the difference between two versions names each element changed."""

from __future__ import annotations

import tomllib

from center.catalog.diff import catalog_diff
from center.catalog.toml_writer import catalog_toml, document_tables, write_document
from contract.catalog import parse_catalog_document
from tests.fixtures.center_catalog import SHIPPED, small


def parsed(data: bytes):
    return parse_catalog_document(data, "test.toml")


def test_the_shipped_catalog_reads_back_the_same_after_writing():
    document = parsed(SHIPPED.read_bytes())

    written = write_document(document)

    assert parsed(written) == document
    assert len(parsed(written).items) == 189
    # The file keeps the shipped layout: one [[items]] block per item, not inline tables.
    text = written.decode()
    assert text.startswith('[catalog]\nversion = "2026.11.22-1"\n')
    assert text.count("\n[[items]]\n") == 189
    assert 'themes = ["birth"]\n' in text


def test_values_that_need_escaping_survive_the_round_trip():
    tables = document_tables(parsed(small()))
    tables["items"][0].update(
        conditions='申请人须为本街道户籍居民；\n材料不全的，"一次性"告知\\补正。',
        materials=["户口簿（原件）", "结婚证 'copy'", "\t带制表符的材料",
                   *(f"材料{n}" for n in range(12))],
        note="含 # 号与 ''' 三引号",
        online_url="https://zwfw.example.cn/item?id=1&from=kiosk")

    document = parsed(catalog_toml(tables))

    item = document.items[0]
    assert item.conditions == '申请人须为本街道户籍居民；\n材料不全的，"一次性"告知\\补正。'
    assert item.materials[:3] == ("户口簿（原件）", "结婚证 'copy'", "\t带制表符的材料")
    assert len(item.materials) == 15
    assert item.note == "含 # 号与 ''' 三引号"
    assert parsed(write_document(document)) == document
    assert tomllib.loads(catalog_toml(tables).decode())["items"][0]["materials"][14] == "材料11"


def test_the_difference_names_each_element_before_and_after():
    before = parsed(small("xc-1"))
    after = parsed(small("xc-2", replacing={
        'fees = ""': 'fees = "不收费"',
        'materials = ["户口簿", "结婚证"]': 'materials = ["结婚证", "身份证"]',
        'level = "village"': 'level = "township"'}))

    diff = catalog_diff(before, after)

    assert [(c.element, c.before, c.after) for c in diff.catalog] == [("version", "xc-1", "xc-2")]
    items = diff.table("items")
    assert (items.added, items.removed, items.reordered) == ((), (), False)
    first, second = items.changed
    assert first.entry.id == "t-001"
    materials, fees = first.changes
    assert (fees.element, fees.before, fees.after) == ("fees", "", "不收费")
    assert (materials.element, materials.added, materials.removed) == (
        "materials", ("身份证",), ("户口簿",))
    assert [(c.element, c.before, c.after) for c in second.changes] == [
        ("level", "village", "township")]
    assert diff.table("sources").empty
    assert diff.table("themes").empty
    assert not diff.only_the_version


def test_added_removed_and_reordered_items_are_told_apart():
    before = parsed(small())
    text = small().decode()
    first = text[text.index("[[items]]"):text.index("[[items]]", text.index("[[items]]") + 1)]
    second = text[text.index("[[items]]", text.index("[[items]]") + 1):]
    swapped = text[:text.index("[[items]]")] + second + "\n" + first
    renamed = text.replace('id = "t-002"', 'id = "t-003"')

    reordered = catalog_diff(before, parsed(swapped.encode())).table("items")
    assert reordered.reordered
    assert (reordered.added, reordered.removed, reordered.changed) == ((), (), ())
    moved = catalog_diff(before, parsed(renamed.encode())).table("items")
    assert [e.id for e in moved.added] == ["t-003"]
    assert [e.id for e in moved.removed] == ["t-002"]
    assert [e.name for e in moved.removed] == ["高龄老人生活保障补贴核发"]


def test_a_first_version_adds_everything_and_the_same_catalog_differs_in_nothing():
    document = parsed(small())

    first = catalog_diff(None, document)

    assert [e.id for e in first.table("items").added] == ["t-001", "t-002"]
    assert [e.id for e in first.table("sources").added] == ["test-list"]
    assert catalog_diff(document, parsed(small())).empty
