"""``haze export --as-list`` (issue 16): the list itself as a spreadsheet that ``haze import`` reads back.

Round trips YAML → XLSX → YAML and YAML → CSV → YAML for the shipped county
list and synthesized province-style lists (``python -m haze.synth``): the list
read back is the same model (:func:`same_list`, every field and where each
measure stands) and computes the same ``check --json`` at every level.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import COUNTY
from haze.core.model import LEVELS
from haze.io.lists import read_list
from haze.io.lists.yamlwrite import same_list


def synthesized(count: int, seed: int) -> Path:
    path = Path(f"synth-{count}-{seed}.yaml")
    subprocess.run([sys.executable, "-m", "haze.synth", str(count), "-o", str(path), "--seed", str(seed)],
                   check=True, capture_output=True)
    return path


def check_json(run, path: Path | str, level: str) -> dict:
    result = run("check", level, "--list", str(path), "--json", "--no-cache")
    assert result.exit_code in (0, 1), result.stderr
    data = json.loads(result.stdout)
    data.pop("list")  # its path and the file's sha256 differ by construction
    return data


def round_trip(run, source: Path, suffix: str) -> Path:
    sheet = Path(f"{source.stem}-list{suffix}")
    done = run("export", "--as-list", "--list", str(source), "-o", str(sheet), "--json")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["files"] == [str(sheet)]
    back = Path(f"{source.stem}-back{suffix}.yaml")
    imported = run("import", str(sheet), "-o", str(back))
    assert imported.exit_code == 0, imported.stderr
    return back


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_county_list_round_trips_to_the_identical_list(run, suffix: str) -> None:
    back = round_trip(run, COUNTY, suffix)
    original = read_list(COUNTY)
    again = read_list(back)
    assert same_list(original.enterprise_list, again.enterprise_list)
    assert [f.code for f in again.findings] == [f.code for f in original.findings]
    for level in LEVELS:
        assert check_json(run, back, level.value) == check_json(run, COUNTY, level.value)


@pytest.mark.parametrize("count, seed", [(60, 0), (120, 7), (200, 2026)])
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_synthesized_lists_round_trip_to_the_identical_list(run, suffix: str, count: int, seed: int) -> None:
    source = synthesized(count, seed)
    sheet = Path(f"s{suffix}")
    assert run("export", "--as-list", "--list", str(source), "-o", str(sheet)).exit_code == 0
    original = read_list(source).enterprise_list
    assert same_list(original, read_list(sheet).enterprise_list)  # read directly, as check does
    back = round_trip(run, source, suffix)
    assert same_list(original, read_list(back).enterprise_list)
    for level in ("yellow", "red"):
        assert check_json(run, back, level) == check_json(run, source, level)


HOSTILE = """\
list:
  region: 示例县
  authority: 示例县生态环境局
  contact: {name: 值班室, phone: "0356-2000000"}
  baseline: {so2: 0.30000000000000004, nox: 1000}
enterprises:
  - id: 91140525MA0KAY4C6U
    name: '=HYPERLINK("http://example.invalid","示例")'
    town: "@城关镇"
    grade: C
    contact: {name: 王建国, phone: "+86 356 2000101"}
    lines:
      - name: "-1#窑"
        emissions: {so2: 0.1, nox: 12.345678901234567}
        measures: {orange: {cut: 0.5}}
      - name: 2#窑
        emissions: {so2: 1}
        measures: {orange: {cut: 0.5}}
"""


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_formula_text_long_floats_and_the_duty_contact_survive_the_round_trip(run, suffix: str) -> None:
    Path("hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    back = round_trip(run, Path("hostile.yaml"), suffix)
    original, again = read_list(Path("hostile.yaml")).enterprise_list, read_list(back).enterprise_list
    assert same_list(original, again)
    assert again.info.contact.phone == "0356-2000000"
    assert again.enterprises[0].lines[1].measures  # each line's own cut stays the line's, not the plant's
    assert not again.enterprises[0].measures
    if suffix == ".csv":  # the file itself never holds a bare formula for Excel to run
        text = Path("hostile-list.csv").read_bytes().decode("utf-8-sig")
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        assert "'" + '=HYPERLINK("http://example.invalid","示例")' in cells and "'-1#窑" in cells
        assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    else:
        with zipfile.ZipFile("hostile-list.xlsx") as archive:
            assert all(b"<f>" not in archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))


def test_the_workbook_has_the_list_and_facts_sheets(run) -> None:
    from python_calamine import CalamineWorkbook

    assert run("export", "--as-list", "--list", str(COUNTY), "-o", "l.xlsx").exit_code == 0
    book = CalamineWorkbook.from_path("l.xlsx")
    assert book.sheet_names == ["企业清单", "清单信息"]
    facts = dict(tuple(row[:2]) for row in book.get_sheet_by_name("清单信息").to_python()[1:])
    assert facts["地区"] == "示例县" and facts["发布单位"] == "示例县生态环境局" and facts["SO2全社会排放量"] == 3000
    rows = book.get_sheet_by_name("企业清单").to_python()
    assert rows[0][:2] == ["统一社会信用代码", "企业名称"]
    # One row per line, an own row above the lines of a plant whose lines have their own measures,
    # then the other sources.
    lst = read_list(COUNTY).enterprise_list
    own = sum(1 for e in lst.enterprises if e.has_lines and any(line.measures for line in e.lines))
    assert own > 0
    assert len(rows) - 1 == sum(max(1, len(e.lines)) for e in lst.enterprises) + own + len(lst.other_sources)


@pytest.mark.parametrize("args, words", [
    (["export", "orange", "--as-list", "-o", "x.xlsx"], "leave out LEVEL"),
    (["export", "-o", "x.xlsx"], "needs a LEVEL"),
    (["export", "--as-list", "-o", "x.txt"], ".xlsx or .csv"),
])
def test_export_as_list_usage_errors_write_nothing(run, args: list[str], words: str) -> None:
    result = run(*args, "--list", str(COUNTY))
    assert result.exit_code == 2
    assert words in result.stderr and "Traceback" not in result.stderr
    assert not Path("x.xlsx").exists() and not Path("x.txt").exists()


@pytest.mark.parametrize(("ui", "said"), [("zh", "由 `haze import` 从 county-list.csv 导入"),
                                       ("en", "imported by `haze import` from county-list.csv")])
def test_the_imported_lists_comment_speaks_the_interfaces_language(run, ui: str, said: str) -> None:
    """The header comment is haze writing to a person (SPEC §17): it was English in a zh run."""
    sheet = Path("county-list.csv")
    assert run("export", "--as-list", "--list", str(COUNTY), "-o", str(sheet)).exit_code == 0
    done = run("--ui", ui, "import", str(sheet), "-o", "back.yaml")
    assert done.exit_code == 0, done.stderr
    assert said in Path("back.yaml").read_text(encoding="utf-8").splitlines()[0]
