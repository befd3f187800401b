"""Build config/catalog/services.toml from the item lists in the policy seed documents.

Reads ../shared/seeds (relative to the repository, i.e. /work/shared/seeds):

* 000_429a8607f04c1ad1.txt, 附件2 宝鸡市陈仓区街道办事处便民服务中心事项参考清单
  (宝陈政办发〔2022〕24号): a flattened table, one cell per line, columns 序号 / 涉及部门 /
  事项名称 / 办理类型 / 备注. The department is a merged cell printed only on the first row
  of its group (sometimes wrapped over two lines) and is carried down to the following rows.
* 003_8bac695fb214484c.txt, 提升三级政务服务体系标准化建设实施方案 (Linyi, Shandong),
  附件1-3: one run-on text whose lines carry "N、" extraction counters. The counters are
  removed and the lines joined, then each annex is split into rows of 序号 实施主体 事项名称
  事项类型, the type being one of a closed set.

It writes every listed item with only the facts the seeds print (name, department or
implementing body, level, 办理类型 or 事项类型, 备注); every other element stays empty.
Themes are assigned by words in the item's own name (rules in THEMES), and keywords are
short forms added only where the name contains the full form (SHORT_FORMS).

Usage: python3 tools/catalog_from_seeds.py [output]   (default config/catalog/services.toml)
The script checks its own output: the rows of each list run 1..N, and every name occurs
verbatim in its seed text.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
OUTPUT = REPO / "config" / "catalog" / "services.toml"

CHENCANG_SEED = "000_429a8607f04c1ad1.txt"
LINYI_SEED = "003_8bac695fb214484c.txt"

CATALOG = {
    "version": "2026.11.22-1",
    "title": "便民服务事项目录（示例）",
    "published": "2026-11-22",
}

LINYI_PARENT = "提升三级政务服务体系标准化建设实施方案"

# (source id, list title as printed, document as printed)
SOURCES = [
    ("chencang-2022-a2", "宝鸡市陈仓区街道办事处便民服务中心事项参考清单",
     "宝陈政办发〔2022〕24号 附件2"),
    ("linyi-a1", "区乡镇统一进驻事项基础清单", f"{LINYI_PARENT} 附件1"),
    ("linyi-a2", "区街道统一进驻事项基础清单", f"{LINYI_PARENT} 附件2"),
    ("linyi-a3", "区村(社区)统一进驻事项基础清单(不含帮代办事项)", f"{LINYI_PARENT} 附件3"),
]

HANDLING = ("直办", "受理", "网办", "委托受理")
ITEM_TYPES = ("行政许可", "行政给付", "其他行政权力", "公共服务", "便民服务")

# (id, name, note, rule): rule(name) decides membership; the note states the rule.
THEMES = [
    ("birth", "生育",
     "名称含‘生育’‘独生子女’‘婚育’或‘避孕节育’的事项（领域依据：城中政发〔2023〕6号“生育”）",
     lambda n: any(w in n for w in ("生育", "独生子女", "婚育", "避孕节育"))),
    ("social-insurance", "社会保险",
     "名称含‘养老保险’‘医疗保险’‘社会保险’‘社保’‘参保’或‘养老金’的事项（领域依据：临沂方案"
     "“养老保险、医疗保险”）",
     lambda n: any(w in n for w in ("养老保险", "医疗保险", "社会保险", "社保", "参保",
                                    "养老金"))),
    ("social-assistance", "社会救助",
     "名称含‘救助’‘最低生活保障’‘低保’或‘特困’的事项（领域依据：临沂方案“社会救助”）",
     lambda n: any(w in n for w in ("救助", "最低生活保障", "低保", "特困"))),
    ("employment", "就业创业",
     "名称含‘就业登记’‘就业困难’‘就业补贴’‘失业’‘创业’‘务工’‘职业’‘公益性岗位’"
     "或‘劳动技能’的事项（领域依据：临沂方案“就业创业服务”）",
     lambda n: any(w in n for w in ("就业登记", "就业困难", "就业补贴", "失业", "创业",
                                    "务工", "职业", "公益性岗位", "劳动技能"))),
    ("disability", "残疾人",
     "名称含‘残疾’的事项（领域依据：临沂方案“残疾人帮扶”）",
     lambda n: "残疾" in n),
    ("veterans", "退役军人",
     "名称含‘退役’‘退伍’‘军人’‘优抚’或‘三属’的事项（领域依据：临沂方案“退役军人事务”）",
     lambda n: any(w in n for w in ("退役", "退伍", "军人", "优抚", "三属"))),
    ("elderly", "老年人",
     "名称含‘老年’‘老人’‘敬老’或‘高龄’的事项（领域依据：临沂方案“老年人优待”）",
     lambda n: any(w in n for w in ("老年", "老人", "敬老", "高龄"))),
    ("agriculture", "农业农村",
     "名称含‘土地承包’‘宅基地’‘农业’‘种植业’‘造林’‘林木’‘农民集体’或‘农民专业合作社’"
     "的事项（领域依据：临沂方案“惠农政策落实”）",
     lambda n: any(w in n for w in ("土地承包", "宅基地", "农业", "种植业", "造林", "林木",
                                    "农民集体", "农民专业合作社"))),
    ("certificates", "证明开具",
     "名称以‘开具’或‘出具’开头的事项（领域依据：临沂方案“出具有关证明”）",
     lambda n: n.startswith(("开具", "出具"))),
    ("legal", "法律服务",
     "名称含‘法律’或‘调解’的事项（领域依据：临沂方案“法律顾问及纠纷调解”）",
     lambda n: "法律" in n or "调解" in n),
]

# short form residents type -> full form that must occur in the name
SHORT_FORMS = [
    ("低保", "最低生活保障"),
    ("医保", "医疗保险"),
    ("社保", "社会保险"),
    ("计生", "计划生育"),
    ("独生子女证", "独生子女父母光荣证"),
]


def read_seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def chencang_items() -> list[dict]:
    """附件2 of seed 000: cells one per line; the department carried down its group."""
    text = read_seed(CHENCANG_SEED)
    start = text.index("附件2\n")
    start = text.index("备注\n", start) + len("备注\n")
    end = text.index("附件3\n", start)
    cells = [line.strip() for line in text[start:end].splitlines()]
    cells = [cell for cell in cells if cell]
    rows: list[dict] = []
    department = ""
    position = 0
    while position < len(cells):
        number = len(rows) + 1
        if cells[position] != str(number):
            raise SystemExit(f"000 附件2: expected row {number}, found {cells[position]!r}")
        position += 1
        before = []
        while cells[position] not in HANDLING:
            before.append(cells[position])
            position += 1
        handling = cells[position]
        position += 1
        notes = []
        while position < len(cells) and cells[position] != str(number + 1):
            notes.append(cells[position])
            position += 1
        *department_parts, name = before
        if department_parts:
            department = "".join(department_parts)
        rows.append({"name": name, "department": department, "handling": handling,
                     "note": "".join(notes)})
    return rows


def linyi_text() -> str:
    """Seed 003 with the "N、" line counters removed and the lines joined."""
    parts = []
    for counter, line in enumerate(read_seed(LINYI_SEED).splitlines(), start=1):
        prefix = f"{counter}、"
        if not line.startswith(prefix):
            raise SystemExit(f"003: line {counter} does not start with {prefix!r}")
        parts.append(line[len(prefix):])
    return "".join(parts)


def linyi_annex(text: str, number: int, title: str, body: str) -> list[dict]:
    header = f"附件{number}:{title}序号实施主体事项名称事项类型"
    start = text.index(header) + len(header)
    following = text.find(f"附件{number + 1}:", start)
    section = text[start:following if following >= 0 else len(text)]
    types = "|".join(ITEM_TYPES)
    row = re.compile(rf"(\d+){re.escape(body)}(.+?)({types})(?=\d+{re.escape(body)}|$)")
    rows = []
    position = 0
    for match in row.finditer(section):
        if match.start() != position:
            raise SystemExit(f"003 附件{number}: unparsed text {section[position:match.start()]!r}")
        if int(match.group(1)) != len(rows) + 1:
            raise SystemExit(f"003 附件{number}: row {match.group(1)} after {len(rows)}")
        rows.append({"name": match.group(2), "implementing_body": body,
                     "item_type": match.group(3)})
        position = match.end()
    if position != len(section):
        raise SystemExit(f"003 附件{number}: unparsed tail {section[position:]!r}")
    return rows


def item(item_id: str, source: str, name: str, level: str, *, department: str = "",
         implementing_body: str = "", handling: str = "", item_type: str = "",
         note: str = "") -> dict:
    return {
        "id": item_id, "source": source, "name": name, "code": "",
        "department": department, "implementing_body": implementing_body, "level": level,
        "handling": handling, "item_type": item_type, "legal_basis": "", "conditions": "",
        "materials": [], "legal_time_limit": "", "promised_time_limit": "", "fees": "",
        "channels": [], "location": "", "online_url": "",
        "themes": [theme_id for theme_id, _name, _note, rule in THEMES if rule(name)],
        "keywords": [short for short, full in SHORT_FORMS if full in name],
        "note": note,
    }


def build_items() -> list[dict]:
    items = [
        item(f"chencang-a2-{number:03d}", "chencang-2022-a2", row["name"], "street",
             department=row["department"], handling=row["handling"], note=row["note"])
        for number, row in enumerate(chencang_items(), start=1)
    ]
    text = linyi_text()
    annexes = [
        (1, "区乡镇统一进驻事项基础清单", "各乡镇人民政府", "township"),
        (2, "区街道统一进驻事项基础清单", "各街道办事处", "street"),
        (3, "区村(社区)统一进驻事项基础清单(不含帮代办事项)", "村委会(居委会)", "village"),
    ]
    for number, title, body, level in annexes:
        for position, row in enumerate(linyi_annex(text, number, title, body), start=1):
            items.append(item(f"linyi-a{number}-{position:03d}", f"linyi-a{number}",
                              row["name"], level, implementing_body=body,
                              item_type=row["item_type"]))
    return items


def toml_value(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(entry) for entry in value) + "]"
    raise TypeError(f"unexpected value {value!r}")


def table(header: str, values: dict) -> str:
    lines = [header] + [f"{key} = {toml_value(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def render(items: list[dict]) -> str:
    blocks = [
        "# Transcribed from the item lists in shared/seeds by tools/catalog_from_seeds.py.\n"
        "# Only facts the seeds print are filled in; every other element is left empty.\n",
        table("[catalog]", CATALOG),
    ]
    for source_id, title, document in SOURCES:
        blocks.append(table("[[sources]]", {"id": source_id, "title": title,
                                            "document": document}))
    for theme_id, name, note, _rule in THEMES:
        blocks.append(table("[[themes]]", {"id": theme_id, "name": name, "note": note}))
    blocks.extend(table("[[items]]", entry) for entry in items)
    return "\n".join(blocks)


def check(rendered: str, items: list[dict]) -> None:
    parsed = tomllib.loads(rendered)
    if parsed["items"] != items:
        raise SystemExit("the rendered TOML does not read back as the items")
    ids = [entry["id"] for entry in items]
    if len(ids) != len(set(ids)):
        raise SystemExit("an item id repeats")
    texts = {
        "chencang": "".join(read_seed(CHENCANG_SEED).split()),
        "linyi": linyi_text(),
    }
    for entry in items:
        if entry["name"] not in texts[entry["id"].split("-")[0]]:
            raise SystemExit(f"{entry['id']}: name {entry['name']!r} is not in its seed")


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    items = build_items()
    rendered = render(items)
    check(rendered, items)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(rendered, encoding="utf-8")
    print(f"wrote {len(items)} items to {output}")


if __name__ == "__main__":
    main()
