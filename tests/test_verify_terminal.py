"""`haze verify` at 80 columns (QA, duty night): ids not notified are named; no name is split by a wrap.

The QA tester saw `文件中 1 个编号不在告知范围内` with no id to look up, and a 无数据 list of 43 names
that the terminal wrapped mid-name, lines beginning with 、.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from haze.core.creditcode import check_character

from conftest import write

pytestmark = pytest.mark.usefixtures("journal")


def code(n: int, series: str = "MA0P") -> str:
    first = f"91140525{series}{n:05d}"
    return first + check_character(first)


COUNT = 43
NAMES = [f"示例县{'宏达恒通金泰瑞丰'[: 2 + i % 7]}第{i}号精细化工有限责任公司" for i in range(COUNT)]


@pytest.fixture
def warning(run, tmp_path: Path):
    lines = ["list: {region: 示例县, authority: 示例县生态环境局, doc_prefix: 示环应急}", "enterprises:"]
    lines += [f"  - {{id: {code(i)}, name: {name}, grade: C, emissions: {{so2: {100 + i}}}}}"
              for i, name in enumerate(NAMES)]
    listfile = write(tmp_path / "list.yaml", "\n".join(lines) + "\n")
    result = run("activate", "orange", "--list", listfile, "--start", "2026-01-10T08:00", "--until",
                 "2026-01-15T00:00", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["activation"]


def power(tmp_path: Path, strangers: list[str]) -> Path:
    """Data for the first enterprise only, and rows of ``strangers`` the warning did not notify."""
    rows = ["id,time,kwh"]
    rows += [f"{code(0)},2026-01-{d:02d},{1000 if d < 10 else 100}" for d in range(3, 15)]
    rows += [f"{s},2026-01-11,5" for s in strangers]
    return write(tmp_path / "power.csv", "\n".join(rows) + "\n")


def screen(run, monkeypatch, width: int, *args: object) -> list[str]:
    from rich.console import Console

    out = io.StringIO()
    monkeypatch.setattr("haze.cli.common.stdout_console",
                        lambda: Console(file=out, force_terminal=True, width=width, highlight=False,
                                        color_system=None))
    result = run(*args)
    assert result.exit_code in (0, 1), result.output
    return out.getvalue().splitlines()


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("ui", ["zh", "en"])
def test_names_wrap_between_names_only(run, tmp_path: Path, monkeypatch, warning, width: int, ui: str) -> None:
    from rich.text import Text

    lines = screen(run, monkeypatch, width, "--ui", ui, "verify", power(tmp_path, [code(1, "MA0Q")]))
    assert all(Text(line).cell_len <= width for line in lines), lines
    assert not any(line.lstrip().startswith(("、", ",")) for line in lines), lines
    text = "\n".join(lines)
    for name in NAMES[1:]:
        assert name in text, name  # each whole on one line
    start = next(i for i, line in enumerate(lines) if "42" in line and ("无数据" in line or "no data" in line))
    assert len([line for line in lines[start:] if line.startswith("  ")]) >= 3  # folded, indented


def test_the_ids_not_notified_are_named(run, tmp_path: Path, monkeypatch, warning) -> None:
    many = sorted(code(i, "MA0Q") for i in range(1, 6))
    out = run("verify", power(tmp_path, many)).stdout  # piped: one line, as before
    summary = next(line for line in out.splitlines() if "compared" in line)
    assert f"; 5 ids in the file were not notified: {many[0]}, {many[1]}, {many[2]}, …" in summary
    assert many[3] not in summary
    one = many[0]
    lines = screen(run, monkeypatch, 80, "--ui", "zh", "verify", power(tmp_path, [one]))
    text = "".join(line.strip() for line in lines)  # the id may fold to the next line, whole
    assert f"文件中 1 个编号不在告知范围内：{one}" in text and any(line.endswith(one) for line in lines)
