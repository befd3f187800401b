"""The guide's search: residents find real items by Han text, pinyin, initials, mixtures and
with a typo, in a sensible order, and pinyin is never worked out again at search time."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pypinyin
import pytest

from kiosk.services.guide import search as search_module
from kiosk.services.guide.catalog import load_catalog
from kiosk.services.guide.search import SearchDocument, SearchHit, SearchIndex, normalise
from tests.fixtures.configs import SHIPPED_CATALOG as SHIPPED

# Real items of the seeds' lists (宝陈政办发〔2022〕24号 附件2 and the Linyi lists), as the
# shipped catalog has them: (name, keywords, department or implementing body).
REAL_ITEMS = (
    ("一胎、二胎生育登记", (), "区卫健局"),
    ("《独生子女父母光荣证》申领", ("独生子女证",), "区卫健局"),
    ("《独生子女父母光荣证》补办", ("独生子女证",), "区卫健局"),
    ("《流动人口婚育证》申领", (), "区卫健局"),
    ("陕西省敬老优待证办理", (), "区卫健局"),
    ("高龄老人生活保障补贴核发", (), "区卫健局"),
    ("独生子女保健费核发", (), "区卫健局"),
    ("计划生育特别扶助金的核发", ("计生",), "区卫健局"),
    ("城乡居民基本养老保险参保登记", (), "区人社局"),
    ("城乡居民基本养老保险资格认证", (), "区人社局"),
    ("就业年龄段的残疾人养老保险补贴", (), "区人社局"),
    ("灵活就业登记", (), "区人社局"),
    ("城乡居民最低生活保障资金核发", ("低保",), "区民政局"),
    ("城乡居民最低生活保障待遇申请", ("低保",), "区民政局"),
    ("临时救助申请发放", (), "区民政局"),
    ("特困人员救助供养审核转报", (), "区民政局"),
    ("殡葬救助申请发放", (), "区民政局"),
    ("孤儿救助申请", (), "区民政局"),
    ("最低生活保障政策咨询", ("低保",), "区民政局"),
    ("重度贫困残疾人护理补贴", (), "区民政局"),
    ("贫困残疾人生活补贴", (), "区民政局"),
    ("退役军人信息采集", (), "区退役军人事务局"),
    ("重点优抚对象医疗救助", (), "区退役军人事务局"),
    ("城乡居民医疗保险参保新增办理", ("医保",), "医保局"),
    ("农村村民宅基地申请", (), "区农业农村局"),
    ("法律咨询(来电)", (), "区司法局"),
    ("法律咨询(来访)", (), "区司法局"),
    ("最低生活保障", ("低保",), "各乡镇人民政府"),
    ("社会保险个人权益记录查询", ("社保",), "各乡镇人民政府"),
    ("社保卡申领及发放", (), "各乡镇人民政府"),
    ("重度残疾人护理补贴", (), "各乡镇人民政府"),
    ("城市低保家庭、孤儿、边缘困难家庭教育救助", (), "各乡镇人民政府"),
    ("80周岁以上低保长寿老年人高龄津贴", (), "各乡镇人民政府"),
    ("居民养老保险待遇领取资格认证", (), "各乡镇人民政府"),
    ("行道树更新采伐(乡道)许可(初审)", (), "区行政审批服务局"),
    ("开具居住地住址证明", (), "村委会(居委会)"),
)


def documents() -> list[SearchDocument]:
    return [SearchDocument(f"item-{n:03}", name, keywords, (context,))
            for n, (name, keywords, context) in enumerate(REAL_ITEMS)]


NAMES = {doc.id: doc.name for doc in documents()}


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(documents())


def names(hits: list[SearchHit]) -> list[str]:
    return [NAMES[hit.id] for hit in hits]


@pytest.mark.parametrize(("query", "expected"), [
    ("社保卡", "社保卡申领及发放"),                      # Chinese substring
    ("养老保险参保", "城乡居民基本养老保险参保登记"),
    ("shebaoka", "社保卡申领及发放"),                    # full pinyin
    ("shebao ka", "社保卡申领及发放"),                   # with a space
    ("zuidi", "最低生活保障"),
    ("dibao", "最低生活保障"),                           # through the keyword 低保
    ("gaoling", "高龄老人生活保障补贴核发"),
    ("sbk", "社保卡申领及发放"),                         # initials
    ("zdsh", "最低生活保障"),
    ("dbsq", "城乡居民最低生活保障待遇申请"),            # initials with gaps: d低 b保 s申 q请
    ("低保sq", "城乡居民最低生活保障待遇申请"),          # Han and initials
    ("社保ka", "社保卡申领及发放"),                      # Han and pinyin
    ("SheBao KA", "社保卡申领及发放"),                   # case
    ("ｓｈｅｂａｏｋａ", "社保卡申领及发放"),            # full-width Latin
    ("shebso", "社保卡申领及发放"),                      # a wrong letter
    ("shbaoka", "社保卡申领及发放"),                     # a missing letter
    ("shebaokka", "社保卡申领及发放"),                   # an extra letter
    ("linshijiuzu", "临时救助申请发放"),                 # zu for zhu, in a long query
    ("独生子女父母光荣证", "《独生子女父母光荣证》申领"),  # 《》 in the name
    ("falv zixun laidian", "法律咨询(来电)"),            # （） in the name
])
def test_each_way_of_typing_finds_the_item_first(index, query, expected):
    assert names(index.search(query))[0] == expected


@pytest.mark.parametrize(("query", "expected"), [
    ("dibai", "最低生活保障"),   # a wrong letter, found through the keyword 低保
    ("yanglso", "城乡居民基本养老保险参保登记"),
])
def test_a_typo_in_a_syllable_still_finds_the_item_near_the_top(index, query, expected):
    assert expected in names(index.search(query))[:3]


@pytest.mark.parametrize(("query", "matched"), [
    ("社保卡", "name"), ("低保", "keyword"), ("shebaoka", "pinyin"), ("sbk", "initials"),
    ("shebso", "fuzzy"), ("民政局", "context"), ("社保ka", "pinyin"), ("低保sq", "initials"),
])
def test_a_hit_says_how_it_matched(index, query, matched):
    assert index.search(query)[0].matched == matched


def test_exact_then_prefix_then_contiguous_then_scattered():
    index = SearchIndex([
        SearchDocument("scattered", "社会保障卡"),
        SearchDocument("contiguous", "电子社保卡申领"),
        SearchDocument("prefix", "社保卡申领及发放"),
        SearchDocument("exact", "社保卡"),
        SearchDocument("unrelated", "孤儿救助申请"),
    ])
    hits = index.search("社保卡")
    assert [h.id for h in hits] == ["exact", "prefix", "contiguous", "scattered"]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_pinyin_and_initials_rank_the_same_way():
    index = SearchIndex([
        SearchDocument("scattered", "社会保障卡"),
        SearchDocument("contiguous", "电子社保卡申领"),
        SearchDocument("prefix", "社保卡申领及发放"),
    ])
    assert [h.id for h in index.search("shebaoka")] == ["prefix", "contiguous", "scattered"]
    assert [h.id for h in index.search("sbk")] == ["prefix", "contiguous", "scattered"]


def test_ties_go_to_the_shorter_name_then_to_catalog_order():
    index = SearchIndex([
        SearchDocument("long", "临时救助申请发放审核"),
        SearchDocument("first", "临时救助申请"),
        SearchDocument("second", "临时救助给付"),
        SearchDocument("short", "临时救助"),
    ])
    assert [h.id for h in index.search("临时")] == ["short", "first", "second", "long"]
    assert [h.id for h in index.search("lsjz")] == ["short", "first", "second", "long"]


def test_a_name_outranks_a_keyword_and_both_outrank_the_department():
    index = SearchIndex([
        SearchDocument("department", "孤儿救助申请", context=("区民政局",)),
        SearchDocument("keyword", "城乡居民最低生活保障待遇申请", keywords=("民政低保",)),
        SearchDocument("name", "民政事项咨询"),
    ])
    assert [h.id for h in index.search("民政")] == ["name", "keyword", "department"]


def test_a_typo_ranks_below_every_match_without_one(index):
    kinds = [h.matched == "fuzzy" for h in index.search("shebao")]
    assert kinds[0] is False
    assert kinds == sorted(kinds)   # the exact ones first, then the corrected ones
    assert all(h.matched == "fuzzy" for h in index.search("shebso"))


def test_nonsense_finds_nothing(index):
    assert index.search("xqzv") == []
    assert index.search("qqqqqq") == []
    assert index.search("龘") == []


@pytest.mark.parametrize("query", ["", "   ", "《》", "（、）", "\t\n"])
def test_an_empty_query_finds_nothing(index, query):
    assert index.search(query) == []


@pytest.mark.parametrize("query", ["zhongdu", "chongdu", "zdcjr", "cdcjr"])
def test_every_reading_of_a_heteronym_is_indexed(index, query):
    # 重 reads zhong (重度) and chong (重复): both find the item.
    assert names(index.search(query))[0] == "重度残疾人护理补贴"


def test_v_and_u_both_spell_u_umlaut(index):
    assert "独生子女保健费核发" in names(index.search("dushengzinv"))
    assert "独生子女保健费核发" in names(index.search("dushengzinu"))


def test_punctuation_and_width_are_ignored_in_names_and_queries(index):
    assert names(index.search("《独生子女父母光荣证》申领"))[0] == "《独生子女父母光荣证》申领"
    assert index.search("独生子女父母光荣证申领")[0].score == 1.0   # the exact name
    assert names(index.search("法律咨询（来电）"))[0] == "法律咨询(来电)"
    assert names(index.search("８０周岁"))[0] == "80周岁以上低保长寿老年人高龄津贴"


def test_normalise_keeps_han_latin_and_digits_only():
    assert normalise("《社保卡》申领、ＡＢＣ １２ (Lü)") == "社保卡申领abc12lv"


def test_the_limit_is_respected_and_hits_are_unique(index):
    assert len(index.search("s", limit=5)) == 5
    hits = index.search("s", limit=1000)
    assert len({h.id for h in hits}) == len(hits)
    assert index.search("s", limit=0) == []


@pytest.mark.parametrize("query", ["s", "sh", "she", "社", "zd", "dbsq", "民", "shebso", "bz"])
def test_stopping_early_gives_the_head_of_the_full_ranking(index, query):
    everything = index.search(query, limit=len(index))
    for limit in (1, 3, 10):
        assert index.search(query, limit=limit) == everything[:limit]


def test_the_index_counts_its_documents(index):
    assert len(index) == len(REAL_ITEMS)
    assert len(SearchIndex([])) == 0
    assert SearchIndex([]).search("shebao") == []


def test_search_never_romanises_again(monkeypatch):
    index = SearchIndex(documents())

    def refuse(*_args, **_kwargs):
        raise AssertionError("pypinyin called at search time")

    modules = [search_module, *(importlib.import_module(f"{search_module.__name__}.{m.name}")
                                for m in pkgutil.iter_modules(search_module.__path__))]
    for name in ("pinyin", "lazy_pinyin", "slug"):
        monkeypatch.setattr(pypinyin, name, refuse)
        for module in modules:   # in case it is ever imported by name
            if hasattr(module, name) and not inspect.ismodule(getattr(module, name)):
                monkeypatch.setattr(module, name, refuse)
    for query in ("社保卡", "shebaoka", "sbk", "低保sq", "shebso", "龘", "重度", "xqzv"):
        index.search(query)
    assert names(index.search("zuidi"))[0] == "最低生活保障"


def test_the_shipped_catalog_is_searchable():
    catalog = load_catalog(SHIPPED)

    assert len(catalog.index) == len(catalog.items) == 189
    for query in ("社保卡", "shebaoka", "sbk"):
        assert catalog.search(query)[0].name == "社保卡申领及发放"
    assert catalog.search("dbsq")[0].name == "城乡居民最低生活保障待遇申请"


def test_the_reading_in_context_survives_characters_without_pinyin():
    from kiosk.services.guide.search.pinyin import MAX_READINGS_PER_CHAR, Romaniser

    romaniser = Romaniser()
    # 差 has more readings than are kept; ☆ and x have none, and must not shift the
    # readings pypinyin picked for the characters after them.
    assert len(romaniser._char_readings("差")) > MAX_READINGS_PER_CHAR
    assert romaniser._readings_in_context("差☆☆x差") == ["cha", "", "", "", "cha"]
