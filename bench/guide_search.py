"""How long the service guide's search takes per key press over 10,000 items.

The resident types on an on-screen keyboard and the list is searched again on every key
press, so every prefix of a query is a search. The catalog is the real items of
config/catalog/services.toml (or, while that file does not exist, ~60 real item names from
the seeds written below) replicated with variations to 10,000 items: place-name prefixes,
申领/补办/变更/注销 suffixes, numbered variants. The sessions type Chinese substrings, full
pinyin with and without spaces, initials, Han-pinyin mixtures and typos.

Measured per key press, side by side on the same data and keystrokes:
  (a) SearchIndex, the engine (kiosk/services/guide/search/);
  (b) an in-memory SQLite FTS5 trigram index over the name, keywords, context, full pinyin
      and initials (LIKE for queries under three characters, which trigrams cannot serve);
  (c) a naive Python scan of every item per key press with the same kinds of matching as
      best a per-item scan can (substrings of the text, pinyin and initials, scattered
      initials, Han-pinyin mixtures and one-letter typos by regular expressions).
"right" counts the sessions whose final query puts an item of the intended kind (its name or
a keyword contains the session's fragment) at rank 1.
Goal: p99 at most 5 ms per key press for (a).
"""

from __future__ import annotations

import functools
import gc
import itertools
import re
import sqlite3
import statistics
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pypinyin

from kiosk.services.guide.search import SearchDocument, SearchIndex, is_han, normalise

CATALOG = Path(__file__).resolve().parents[1] / "config" / "catalog" / "services.toml"
ITEMS = 10_000
LIMIT = 30
GOAL_P99_MS = 5.0
Built = TypeVar("Built")
ROUNDS = {"SearchIndex": 5, "SQLite FTS5 trigram": 3, "naive Python scan": 1}

# Used only while config/catalog/services.toml does not exist: real items of the seeds
# (宝陈政办发〔2022〕24号 附件2 and the Linyi lists), with their departments.
FALLBACK_ITEMS = (
    ("区卫健局", "一胎、二胎生育登记 《独生子女父母光荣证》申领 《独生子女父母光荣证》补办 "
     "《流动人口婚育证》申领 《流动人口婚育证》补办 陕西省敬老优待证办理 高龄老人生活保障补贴核发 "
     "独生子女保健费核发 计划生育特别扶助金的核发 农村部分计划生育家庭奖励扶助金核发"),
    ("区人社局", "城乡居民基本养老保险参保登记 城乡居民基本养老保险注销登记 "
     "城乡居民基本养老保险资格认证 组织农民工劳动技能培训 就业年龄段的残疾人养老保险补贴 "
     "退休人员档案管理 对就业失业登记 贫困劳动力外出务工交通补贴申报 公益性岗位审核转报 "
     "灵活就业登记 自主创业登记 社会保险个人权益记录查询 社保卡申领及发放"),
    ("区民政局", "城乡居民最低生活保障资金核发 城乡居民最低生活保障待遇申请 临时救助申请发放 "
     "特困人员救助供养审核转报 重症精神病人监护费申请发放 殡葬救助申请发放 留守儿童救助申请 "
     "孤儿救助申请 留守老人救助申请 最低生活保障政策咨询 重度贫困残疾人护理补贴 "
     "贫困残疾人生活补贴 最低生活保障 重度残疾人护理补贴 80周岁以上低保长寿老年人高龄津贴"),
    ("区退役军人事务局", "退役军人信息采集 三属信息登记 退役军人一次性就业补贴申领 "
     "重点优抚对象医疗救助 伤残军人补充认定 带病返乡军人补充认定 部分农村籍退役士兵认定 "
     "重点优抚对象疗养申报 退役士兵安置政策咨询 优抚政策宣传和咨询"),
    ("医保局", "城乡居民医疗保险参保新增办理 医疗救助对象救助金给付 居民基本医疗保险参保登记"),
    ("区农业农村局", "农村土地承包经营权证换发 农村土地承包经营权证补发 农村村民宅基地申请"),
    ("区司法局", "法律知识普及服务 法律咨询(来电) 法律咨询(来访) 人民调解服务"),
    ("村委会(居委会)", "开具居住地住址证明 开具无户口人员相关情况证明 开具指定监护人证明 "
     "开具政审证明 出具流动人口婚育证明"),
)
FALLBACK_KEYWORDS = {"最低生活保障": ("低保",), "社会保险": ("社保",), "医疗保险": ("医保",),
                     "计划生育": ("计生",), "光荣证": ("独生子女证",)}

PLACES = ("陈仓区", "渭滨区", "金台区", "凤翔区", "岐山县", "城中区", "城东区", "城西区",
          "城北区", "湟中区", "新城区", "碑林区", "莲湖区", "雁塔区", "灞桥区", "南明区",
          "云岩区", "花溪区", "乌当区", "白云区", "观山湖区", "清镇市", "兰山区", "罗庄区",
          "河东区", "沂南县", "郯城县", "兰陵县", "费县", "平邑县")
ACTIONS = ("申领", "补办", "变更", "注销", "查询", "预约")

# (what the resident types, a fragment of the name or a keyword of the item they want)
SESSIONS = (
    ("社保卡", "社保卡"), ("shebao ka", "社保卡"), ("sbk", "社保卡"), ("社保ka", "社保卡"),
    ("shebso", "社保"), ("zuidi", "最低生活保障"), ("dibao", "低保"), ("dbsq", "最低生活保障"),
    ("zdsh", "最低生活保障"), ("低保sq", "最低生活保障"), ("dibai", "低保"), ("低保", "低保"),
    ("独生子女", "独生子女"), ("dszn", "独生子女"), ("dushengzinv", "独生子女"),
    ("光荣证", "光荣证"), ("guangrongzheng", "光荣证"), ("gaoling", "高龄"),
    ("高龄jt", "高龄津贴"), ("canjiren", "残疾人"), ("canjirem", "残疾人"),
    ("cjrhl", "残疾人护理"), ("chongdu", "重度"), ("linshi jiuzhu", "临时救助"),
    ("lsjz", "临时救助"), ("yanglao", "养老"), ("yanglso", "养老"), ("养老bx", "养老保险"),
    ("jiuye dengji", "就业"), ("liudong renkou", "流动人口"), ("hunyuzheng", "婚育证"),
    ("tuiyi junren", "退役军人"), ("tyjr", "退役军人"), ("yibao", "医保"),
    ("yiliao baoxian", "医疗保险"), ("zhaijidi", "宅基地"), ("falv zixun", "法律咨询"),
    ("kaiju zhengming", "开具"), ("jhsy", "计划生育"), ("tekun", "特困"),
)


@dataclass(frozen=True)
class Item:
    name: str
    keywords: tuple[str, ...]
    context: tuple[str, ...]


# --- the catalog -----------------------------------------------------------------------


def real_items() -> tuple[list[Item], str]:
    if not CATALOG.exists():
        items = [Item(name, _fallback_keywords(name), (department,))
                 for department, names in FALLBACK_ITEMS for name in names.split()]
        return items, f"{len(items)} real items written in the bench (no {CATALOG.name} yet)"
    with CATALOG.open("rb") as handle:
        catalog = tomllib.load(handle)
    items = [Item(item["name"], tuple(item.get("keywords", ())),
                  tuple(c for c in (item.get("department", ""), item.get("implementing_body", ""))
                        if c))
             for item in catalog["items"]]
    return items, f"{len(items)} real items of config/catalog/{CATALOG.name}"


def _fallback_keywords(name: str) -> tuple[str, ...]:
    return tuple(k for fragment, keys in FALLBACK_KEYWORDS.items() if fragment in name
                 for k in keys)


def replicate(items: Sequence[Item], count: int) -> list[Item]:
    """The real items first, then variants of each in turn until there are `count`."""
    variants = itertools.chain(
        ((place, "") for place in PLACES), (("", action) for action in ACTIONS),
        ((place, action) for action in ACTIONS for place in PLACES),
        ((place, f"（{n}）") for n in itertools.count(2) for place in PLACES))
    catalog = list(items)
    for place, suffix in variants:
        for item in items:
            if len(catalog) == count:
                return catalog
            context = tuple(f"{place}{c}" if c.startswith(("区", "各")) else c
                            for c in item.context)
            catalog.append(Item(f"{place}{item.name}{suffix}", item.keywords, context))
    return catalog


@functools.cache
def readings(ch: str) -> tuple[str, ...]:
    """Every reading of a character (at most four), the most common first."""
    if not is_han(ch):
        return (ch,)
    return tuple(pypinyin.pinyin(ch, style=pypinyin.Style.NORMAL, heteronym=True)[0][:4])


@functools.cache
def primary_pinyin(text: str) -> tuple[str, ...]:
    """One reading per character of a normalised text, chosen by pypinyin from its words."""
    found = pypinyin.lazy_pinyin(text, style=pypinyin.Style.NORMAL,
                                 errors=lambda chars: [""] * len(chars))
    if len(found) != len(text):
        return readings_of_each(text)
    return tuple(r or ch for r, ch in zip(found, text, strict=True))


def readings_of_each(text: str) -> tuple[str, ...]:
    return tuple(readings(ch)[0] if readings(ch) else ch for ch in text)


# --- (b) SQLite FTS5 trigram ---------------------------------------------------------------


class Fts5Search:
    def __init__(self, items: Sequence[Item]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE items USING fts5("
                        "name, keywords, context, pinyin, initials, tokenize='trigram')")
        rows = []
        for number, item in enumerate(items):   # normalised as the queries are
            texts = [normalise(t) for t in (item.name, *item.keywords)]
            primary = [primary_pinyin(t) for t in texts]
            rows.append((number, texts[0], " ".join(texts[1:]),
                         " ".join(normalise(c) for c in item.context),
                         " ".join("".join(p) for p in primary),
                         " ".join("".join(r[0] for r in p) for p in primary)))
        self.db.executemany("INSERT INTO items(rowid, name, keywords, context, pinyin, initials)"
                            " VALUES (?, ?, ?, ?, ?, ?)", rows)
        self.db.commit()

    def search(self, query: str) -> list[int]:
        text = normalise(query)
        if not text:
            return []
        if len(text) >= 3:
            found = self.db.execute("SELECT rowid FROM items WHERE items MATCH ? ORDER BY rank"
                                    " LIMIT ?", ('"' + text.replace('"', '""') + '"', LIMIT))
        else:   # trigrams cannot serve one or two characters: a scan
            found = self.db.execute(
                "SELECT rowid FROM items WHERE name LIKE ?1 OR keywords LIKE ?1 OR context LIKE ?1"
                " OR pinyin LIKE ?1 OR initials LIKE ?1 ORDER BY length(name) LIMIT ?2",
                (f"%{text}%", LIMIT))
        return [row[0] for row in found]


# --- (c) a naive scan -------------------------------------------------------------------


@dataclass(frozen=True)
class NaiveItem:
    """An item's forms, each as one string of lines: the name's, then each keyword's."""

    length: int
    texts: str       # "\n社保卡申领及发放\n社保"
    latin: str       # readings run together, then initials: "\nshebaoka...\nsbksljff"
    pinyin: str      # readings run together only: the typo check
    initials: str    # the name's initials: scattered initials
    romanised: str   # every reading: "|社/she|保/bao|...", for Han-pinyin mixtures
    context: str


Check = Callable[[NaiveItem], object]


class NaiveScan:
    """Every item checked on every key press, by string operations and regular expressions."""

    def __init__(self, items: Sequence[Item]) -> None:
        self.items = [self._prepare(item) for item in items]

    @staticmethod
    def _prepare(item: Item) -> NaiveItem:
        texts = [normalise(t) for t in (item.name, *item.keywords)]
        pinyin = ["".join(primary_pinyin(t)) for t in texts]
        initials = ["".join(r[0] for r in primary_pinyin(t)) for t in texts]
        romanised = ["".join("|" + "/".join([ch, *readings(ch)]) for ch in t) + "|"
                     for t in texts]
        return NaiveItem(len(texts[0]), _lines(texts), _lines(pinyin + initials),
                         _lines(pinyin), initials[0], _lines(romanised),
                         _lines(normalise(c) for c in item.context))

    def search(self, query: str) -> list[int]:
        text = normalise(query)
        if not text:
            return []
        checks = self._checks(text)
        ranked = []
        for number, item in enumerate(self.items):
            for tier, check in enumerate(checks):
                if check(item):
                    ranked.append((tier, item.length, number))
                    break
        ranked.sort()
        return [number for _, _, number in ranked[:LIMIT]]

    @staticmethod
    def _checks(text: str) -> list[Check]:
        """The tiers' checks for a query, best first."""
        line = "\n" + text
        in_context: Check = lambda i: text in i.context  # noqa: E731
        if all(is_han(ch) for ch in text):
            return [lambda i: line in i.texts, lambda i: text in i.texts,
                    lambda i: _in_order(text, i.texts), in_context]
        if not any(is_han(ch) for ch in text):
            checks: list[Check] = [lambda i: line in i.latin, lambda i: text in i.latin,
                                   lambda i: _in_order(text, i.initials), in_context]
            if len(text) >= 4:
                typo = _one_edit(text)
                checks.append(lambda i: typo(i.pinyin))
            return checks
        prefix, anywhere = _mixtures(text)
        return [lambda i: prefix.search(i.romanised), lambda i: anywhere.search(i.romanised),
                in_context]


def _lines(texts: Iterable[str]) -> str:
    return "".join("\n" + t for t in texts)


def _in_order(text: str, where: str) -> bool:
    remaining = iter(where)
    return all(ch in remaining for ch in text)


def _mixtures(text: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Han characters and pinyin over "|社/she|保/bao|卡/ka|", from a line's start and anywhere:
    each Latin letter goes on in the same reading or starts a reading of the next character."""
    next_char = r"[^|\n]*\|(?:[^|/\n]*/)*"
    body = re.escape(text[0])
    for previous, ch in itertools.pairwise(text):
        if is_han(ch) or is_han(previous):
            body += next_char + re.escape(ch)
        else:
            body += f"(?:{next_char})?" + re.escape(ch)
    return re.compile(r"\n\|(?:[^|/\n]*/)*" + body), re.compile(r"(?<=[|/])" + body)


def _one_edit(text: str) -> Callable[[str], object]:
    """Typos against the run-together pinyin: one letter wrong, missing or extra."""
    variants = {text[:i] + "." + text[i + 1:] for i in range(len(text))}
    variants |= {text[:i] + text[i + 1:] for i in range(len(text))}
    variants |= {text[:i] + "." + text[i:] for i in range(len(text) + 1)}
    return re.compile("|".join(sorted(variants))).search


# --- the measurement --------------------------------------------------------------------


def keystrokes(sessions: Sequence[tuple[str, str]]) -> list[str]:
    return [typed[:end] for typed, _ in sessions for end in range(1, len(typed) + 1)]


def timed_per_keystroke(search: Callable[[str], list[int]], queries: Sequence[str],
                        rounds: int) -> tuple[list[float], dict[str, list[int]]]:
    """Milliseconds per search, and the results of the last round by query."""
    for query in queries[:20]:   # warm up caches and the allocator
        search(query)
    gc.collect()
    times: list[float] = []
    results: dict[str, list[int]] = {}
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter_ns()
            results[query] = search(query)
            times.append((time.perf_counter_ns() - started) / 1e6)
    return times, results


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def right(results: Sequence[int], items: Sequence[Item], fragment: str) -> bool:
    if not results:
        return False
    top = items[results[0]]
    return fragment in top.name or any(fragment in k for k in top.keywords)


def timed(build: Callable[[], Built]) -> tuple[Built, float]:
    """What build() returns, and the seconds it took."""
    gc.collect()
    started = time.perf_counter_ns()
    built = build()
    return built, (time.perf_counter_ns() - started) / 1e9


@dataclass(frozen=True)
class Measured:
    times: list[float]                       # milliseconds per key press
    misses: list[tuple[str, str]]            # (final query, the name it put first)

    @property
    def p99(self) -> float:
        return percentile(self.times, 0.99)


def build_engines(items: Sequence[Item]) -> tuple[dict[str, Callable[[str], list[int]]], str]:
    """The three searches over the same items, and a line saying how long each took to build."""
    documents = [SearchDocument(str(n), i.name, i.keywords, i.context)
                 for n, i in enumerate(items)]
    index, index_build = timed(lambda: SearchIndex(documents))
    fts, fts_build = timed(lambda: Fts5Search(items))
    naive, naive_build = timed(lambda: NaiveScan(items))
    engines: dict[str, Callable[[str], list[int]]] = {
        "SearchIndex": lambda q: [int(h.id) for h in index.search(q, LIMIT)],
        "SQLite FTS5 trigram": fts.search,
        "naive Python scan": naive.search,
    }
    return engines, (f"  build: SearchIndex {index_build:.2f} s (romanisation included),"
                     f" FTS5 {fts_build:.2f} s (pinyin columns included),"
                     f" naive scan's per-item strings {naive_build:.2f} s")


def measure(search: Callable[[str], list[int]], rounds: int, items: Sequence[Item],
            sessions: Sequence[tuple[str, str]]) -> Measured:
    times, results = timed_per_keystroke(search, keystrokes(sessions), rounds)
    misses = [(typed, items[found[0]].name if found else "nothing")
              for typed, fragment in sessions
              if not right(found := results[typed], items, fragment)]
    return Measured(times, misses)


def main() -> int:
    started = time.perf_counter()
    items_real, source = real_items()
    items = replicate(items_real, ITEMS)
    sessions = [s for s in SESSIONS
                if any(s[1] in i.name or s[1] in i.keywords for i in items_real)]
    engines, built = build_engines(items)
    print(f"guide search: {len(items):,} items from {source}; {len(sessions)} typing sessions,"
          f" {len(keystrokes(sessions))} key presses, each searched for the top {LIMIT}")
    print(built)
    print(f"  {'per key press':<22}{'p50':>10}{'p99':>10}{'max':>10}   right at rank 1")
    measured: dict[str, Measured] = {}
    for name, search in engines.items():
        m = measured[name] = measure(search, ROUNDS[name], items, sessions)
        print(f"  {name:<22}{statistics.median(m.times):7.2f} ms{m.p99:7.2f} ms"
              f"{max(m.times):7.2f} ms   {len(sessions) - len(m.misses)}/{len(sessions)}")
    ours = measured["SearchIndex"]
    print("  p99 ratios: " + ", ".join(f"{name} / SearchIndex {m.p99 / ours.p99:.1f}x"
                                       for name, m in measured.items() if m is not ours))
    print("  SearchIndex's rank 1 where the session wanted something else: " + (", ".join(
        f"{typed} -> {top}" for typed, top in ours.misses) or "none"))
    verdict = "met" if ours.p99 <= GOAL_P99_MS else "NOT met"
    print(f"  goal: SearchIndex p99 at most {GOAL_P99_MS:.0f} ms per key press: {verdict}"
          f" ({ours.p99:.2f} ms); the whole benchmark took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
