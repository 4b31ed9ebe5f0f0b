"""Synthetic enterprise lists for benchmarks and tests: ``python -m haze.synth N -o FILE``.

The lists look like a province's real ones without describing anyone: every
name is a fictional 示例… name, every credit code is made up (but passes the
GB 32100-2015 check, so ``validate`` stays quiet about ids). The mix follows
what county lists hold: mostly C and unrated small plants, some B, a few A and
leading, D plants to stop, key-zone plants, guarantee (以热定产) plants, idle
and noncompliant ones, multi-line plants with their own 一厂一策 measures,
capacities and other sources. The same ``N`` and seed always give the same bytes.

The YAML is written by hand rather than through a YAML emitter: it is faster
at 50,000 enterprises and keeps the flow style bureau staff write
(``emissions: {so2: 12.5, nox: 30}``), so parsing benchmarks see realistic text.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Iterator, Sequence

from haze.core.creditcode import CHARSET, check_character
from haze.core.errors import HazeError

POLLUTANT_KEYS = ("so2", "nox", "pm", "vocs")

# industry -> (typical t/a per pollutant at a mid-size plant, line names). Fictional magnitudes.
INDUSTRIES: dict[str, tuple[tuple[float, float, float, float], tuple[str, ...]]] = {
    "coking": ((120, 350, 100, 120), ("1#焦炉", "2#焦炉", "化产回收工段")),
    "cement": ((40, 360, 75, 0), ("1#回转窑", "2#回转窑", "水泥粉磨工段")),
    "steel": ((300, 600, 400, 60), ("烧结机", "1#高炉", "转炉炼钢", "轧钢加热炉")),
    "casting": ((8, 20, 12, 6), ("1#冲天炉", "中频电炉", "制芯工段")),
    "brick": ((30, 25, 20, 0), ("隧道窑", "破碎工段")),
    "ceramics": ((20, 40, 15, 2), ("辊道窑", "喷雾干燥塔")),
    "glass": ((50, 180, 20, 0), ("玻璃熔窑", "退火窑")),
    "chemical": ((10, 20, 5, 40), ("合成工段", "精馏工段", "储罐区")),
    "pharmaceutical": ((2, 5, 1, 25), ("发酵车间", "溶剂回收车间")),
    "printing": ((0, 0, 0.5, 12), ("1#印刷机组", "复合工段")),
    "furniture": ((0, 0, 2, 9), ("喷漆车间", "木工车间")),
    "coating": ((0, 1, 1, 15), ("喷涂线", "烘干室")),
    "lime": ((15, 30, 25, 0), ("1#石灰窑", "2#石灰窑")),
    "refractory": ((12, 25, 18, 0), ("隧道窑", "成型车间")),
    "concrete": ((0, 0, 6, 0), ("搅拌楼", "骨料堆场")),
    "asphalt": ((3, 5, 4, 6), ("沥青搅拌站",)),
    "power": ((250, 500, 60, 10), ("1#机组", "2#机组")),
    "heating": ((30, 60, 10, 0), ("供热锅炉",)),
    "food": ((2, 6, 3, 4), ("锅炉房", "加工车间")),
    "other": ((3, 6, 4, 3), ("生产车间",)),
}
INDUSTRY_WEIGHTS = {
    "casting": 12, "brick": 10, "chemical": 9, "printing": 8, "furniture": 8, "coating": 7, "ceramics": 6,
    "concrete": 6, "other": 6, "lime": 4, "refractory": 4, "food": 4, "coking": 3, "cement": 3, "glass": 2,
    "pharmaceutical": 2, "asphalt": 2, "steel": 1, "power": 1, "heating": 2,
}
INDUSTRY_ZH = {
    "coking": "焦化", "cement": "水泥", "steel": "钢铁", "casting": "铸造", "brick": "砖业", "ceramics": "陶瓷",
    "glass": "玻璃", "chemical": "化工", "pharmaceutical": "制药", "printing": "包装印刷", "furniture": "家具",
    "coating": "涂装", "lime": "石灰", "refractory": "耐火材料", "concrete": "商砼", "asphalt": "沥青",
    "power": "发电", "heating": "热力", "food": "食品", "other": "实业",
}
GRADE_WEIGHTS = {"A": 4, "leading": 2, "B": 18, "C": 30, "D": 8, "nonleading": 8, "unrated": 30}
TOWNS = ("城关镇", "巴公镇", "南村镇", "北义城镇", "高都镇", "周村镇", "犁川镇", "金村镇", "下村镇", "大东沟镇",
         "川底乡", "柳树口镇", "大阳镇", "李寨乡", "晋庙铺镇", "山河镇")
TRADE_NAMES = ("宏达", "金泰", "永兴", "瑞丰", "鑫磊", "冀峰", "山泉", "华彩", "恒通", "兴业", "润泽", "天成",
               "富源", "锦程", "盛达", "安泰", "广源", "隆昌", "德信", "晟辉", "振华", "和顺", "新港", "聚源")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "建国",
         "新民", "丽娟", "永红", "利民", "秀英", "志刚", "海燕")
OTHER_SOURCES = (
    ("建筑工地扬尘", "dust", {"pm": 900}, (0.5, 0.7, 1.0)),
    ("道路扬尘", "dust", {"pm": 700}, (0.3, 0.4, 0.5)),
    ("机动车", "mobile", {"nox": 2600, "pm": 120, "vocs": 800}, (0.2, 0.3, 0.4)),
    ("散煤燃烧", "residential", {"so2": 600, "nox": 100, "pm": 400, "vocs": 60}, (0.2, 0.3, 0.4)),
)
TRUCK_BAN = "停止使用国四及以下重型柴油货车（含燃气）进行物料运输"
LEVEL_KEYS = ("yellow", "orange", "red")


def credit_code(rng: random.Random, county: str, seen: set[str]) -> str:
    """A made-up 统一社会信用代码 with a correct check character, unique within ``seen``."""
    while True:
        org = "MA0" + "".join(rng.choice(CHARSET) for _ in range(6))
        first17 = "91" + county + org
        code = first17 + (check_character(first17) or "0")
        if code not in seen:
            seen.add(code)
            return code


def _amount(value: float) -> str:
    """A t/a figure as a bureau writes it: a few significant digits, no float noise."""
    return f"{value:.3g}" if value < 100 else str(round(value))


def _flow(pairs: dict[str, float]) -> str:
    return "{" + ", ".join(f"{k}: {_amount(v)}" for k, v in pairs.items()) + "}"


def _emissions(rng: random.Random, industry: str, share: float) -> dict[str, float]:
    typical = INDUSTRIES[industry][0]
    result = {}
    for key, base in zip(POLLUTANT_KEYS, typical):
        if base > 0:
            result[key] = max(0.01, base * share * rng.lognormvariate(0, 0.5))
    return result or {"pm": 0.5}


def _measure_block(rng: random.Random, indent: str, grade: str) -> Iterator[str]:
    """An explicit 一厂一策 table that rises with the level (never weakens: no E110)."""
    start = {"B": 0.1, "C": 0.3, "D": 1.0}.get(grade, 0.2)
    cuts = sorted(min(1.0, start + rng.choice((0.0, 0.1, 0.2))) for _ in LEVEL_KEYS)
    yield f"{indent}measures:"
    for level, cut in zip(LEVEL_KEYS, cuts):
        if cut >= 1.0:
            yield f"{indent}  {level}: {{stop: true, actions: [{TRUCK_BAN}]}}"
        elif rng.random() < 0.5:
            yield f"{indent}  {level}: {{cut: \"{round(cut * 100)}%\"}}"
        else:
            yield f"{indent}  {level}: {{cut: {cut:.2g}, actions: [错峰生产，降负荷运行]}}"


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def enterprise_lines(rng: random.Random, index: int, county: str, seen: set[str]) -> Iterator[str]:
    """The YAML lines of one enterprise."""
    industry = _weighted(rng, INDUSTRY_WEIGHTS)
    grade = "unrated" if industry == "heating" else _weighted(rng, GRADE_WEIGHTS)
    town = rng.choice(TOWNS)
    name = f"示例{town[:-1]}{rng.choice(TRADE_NAMES)}{INDUSTRY_ZH[industry]}有限公司{index}"
    yield f"  - id: \"{credit_code(rng, county, seen)}\""
    yield f"    name: {name}"
    yield f"    town: {town}"
    yield f"    industry: {industry}"
    yield f"    grade: {grade}"
    if rng.random() < 0.25:
        yield "    zone: key"
    if industry == "heating" or (industry == "power" and rng.random() < 0.5):
        yield "    category: guarantee"
    if rng.random() < 0.02:
        yield "    compliant: false"
    idle = rng.random() < 0.04
    if idle:
        yield "    status: idle"
    if rng.random() < 0.15:
        yield f"    operating_days: {rng.choice((240, 270, 300, 330))}"
    if rng.random() < 0.95:  # a few plants lack a contact: validate warns (W304), as on real lists
        phone = f"0356-{rng.randrange(2000000, 2999999)}" if rng.random() < 0.5 else f"139{rng.randrange(10**8):08d}"
        yield f"    contact: {{name: {rng.choice(SURNAMES)}{rng.choice(GIVEN)}, phone: \"{phone}\"}}"
    if rng.random() < 0.4:
        permit = rng.choice((50, 100, 150, 200, 500, 1000, 5000))
        yield f"    capacity: {{eia: {permit}, permit: {permit}, actual: {round(permit * rng.uniform(0.6, 1.0))}, " \
              "unit: 吨/日}"
    size = rng.lognormvariate(0, 0.8)
    line_names = INDUSTRIES[industry][1]
    if len(line_names) > 1 and rng.random() < 0.6:
        yield "    lines:"
        for line_name in line_names[: rng.randint(2, len(line_names))]:
            yield f"      - name: {line_name}"
            yield f"        emissions: {_flow(_emissions(rng, industry, size / len(line_names)))}"
            if rng.random() < 0.15 and grade in ("B", "C", "D"):
                yield from _measure_block(rng, "        ", grade)
    else:
        yield f"    emissions: {_flow(_emissions(rng, industry, size))}"
    if rng.random() < 0.2 and grade not in ("A", "leading"):
        yield from _measure_block(rng, "    ", grade)
    elif grade in ("A", "leading"):
        yield "    measures:"
        for level in LEVEL_KEYS:
            yield f"      {level}: {{actions: [自主采取减排措施，加强无组织排放管控]}}"


def generate(count: int, seed: int = 0, region: str = "示例省", authority: str = "示例省生态环境厅",
             county: str | None = None) -> Iterator[str]:
    """The lines of a synthetic list of ``count`` enterprises (deterministic by ``seed``).

    ``region``, ``authority`` and ``county`` (the 6-digit 行政区划 code in every credit code) make a county
    list for the city path (SPEC §13): counties with their own codes never share an enterprise id.
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    counties = [county] if county else [f"1405{n:02d}" for n in range(1, 1 + max(1, count // 2000))]  # many counties
    body: list[str] = []
    for index in range(1, count + 1):
        body.extend(enterprise_lines(rng, index, rng.choice(counties), seen))
    scale = max(1.0, count / 50)
    yield "# 虚构示例数据（haze.synth 生成）: FICTIONAL SYNTHETIC LIST for benchmarks and tests."
    yield f"# {count} enterprises, seed {seed}. No name, code or figure describes a real enterprise."
    yield "list:"
    yield f"  region: {region}"
    yield f"  authority: {authority}"
    yield "  season: 2025-2026秋冬季"
    yield "  policy: shanxi-2024"
    yield "  doc_prefix: 示环应急"
    yield "enterprises:"
    yield from body
    yield "other_sources:"
    for name, kind, emissions, cuts in OTHER_SOURCES:
        yield f"  - name: {name}"
        yield f"    kind: {kind}"
        yield f"    emissions: {_flow({k: v * scale for k, v in emissions.items()})}"
        yield "    measures:"
        for level, cut in zip(LEVEL_KEYS, cuts):
            yield f"      {level}: {{stop: true}}" if cut >= 1 else f"      {level}: {{cut: {cut}}}"


def write_list(count: int, out: Path, seed: int = 0, region: str = "示例省", authority: str = "示例省生态环境厅",
               county: str | None = None) -> Path:
    """Write the list whole or not at all (a reader never sees half a file)."""
    from haze.io.fsio import write_atomic

    text = "\n".join(generate(count, seed, region, authority, county)) + "\n"
    return write_atomic(out, text.encode("utf-8"), overwrite=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m haze.synth",
                                     description="Write a fictional enterprise list of N enterprises (YAML).")
    parser.add_argument("count", type=int, metavar="N", help="number of enterprises")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the .yaml file to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0): same seed, same file")
    parser.add_argument("--region", default="示例省", help="list.region (a county of a city: 示例一县)")
    parser.add_argument("--authority", default="示例省生态环境厅", help="list.authority (示例一县生态环境局)")
    parser.add_argument("--county", metavar="CODE", help="the 6-digit county code of every credit code (140521)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("N must be at least 1")
    if args.output.suffix.lower() not in (".yaml", ".yml"):
        parser.error("the output must be a .yaml file")
    try:
        write_list(args.count, args.output, args.seed, args.region, args.authority, args.county)
    except HazeError as exc:
        parser.exit(2, f"{parser.prog}: error: {exc}\n")
    print(f"wrote {args.output} ({args.count} enterprises, seed {args.seed})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
