"""The table reader's one pass (``TableReader.quick``) against its general path (rows -> document -> builder).

``quick`` reads an enterprise's rows straight into the model and hands any
rows it does not read plainly to the general path. Both must give the same
list (every field, every line number and column kept for findings) and the
same findings in the same order: here on synthesized lists written as sheet
rows, then spoiled cell by cell (hypothesis) with what bureaus' sheets hold —
blanks, placeholders, text in number columns, numbers in text columns, bad
codes, control characters, rows that disagree, cuts that weaken.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from haze.io.lists import parse_list, table, xlsxread
from haze.io.lists.table import Table, list_fact_rows, list_rows, read_tables
from haze.synth import generate


def _list(count: int, seed: int):  # noqa: ANN202 - the model's EnterpriseList
    text = "\n".join(generate(count, seed)) + "\n"
    report = parse_list(text.encode(), "synth.yaml")
    assert report.enterprise_list is not None
    return report.enterprise_list


SHEETS = {seed: list_rows(_list(40, seed)) for seed in (1, 2)}
FACTS = list_fact_rows(_list(2, 1))


def _calamine(value: Any) -> Any:
    """A cell as calamine gives it: every number a float, a date-only cell a date."""
    if type(value) is int:
        return float(value)
    if type(value) is dt.datetime and value.time() == dt.time():
        return value.date()
    return value


def _read(header: list[str], rows: list[list[Any]], quick: bool, as_text: bool = False,
          calamine: bool = False) -> tuple[Any, list[Any]]:
    """Read the rows; ``calamine``: as read_xlsx hands them over, shaped by the table reader (quick) or
    before it (the general path, as every other sheet)."""
    table.QUICK = quick
    try:
        cells = [[("" if c is None else str(c)) if as_text else c for c in row] for row in rows]
        numbered = [(1, header)] + [(i, row) for i, row in enumerate(cells, 2)]
        if calamine:
            raw = [(n, [_calamine(c) for c in row]) for n, row in numbered]
            main = Table(iter(raw), "", frozenset(), xlsxread._cell) if quick else Table(
                xlsxread._rows([row for _n, row in raw]))
        else:
            main = Table(iter(numbered))
        result, findings = read_tables("list.xlsx", main,
                                       facts=Table(iter(enumerate(FACTS, 1)), "清单信息"), region="示例县")
    finally:
        table.QUICK = True
    return (dataclasses.asdict(result) if result is not None else None), findings


def _same(header: list[str], rows: list[list[Any]], as_text: bool = False) -> None:
    quick, general = _read(header, rows, True, as_text), _read(header, rows, False, as_text)
    assert quick[1] == general[1]  # findings: same codes, messages, rows, columns, order
    assert quick[0] == general[0]  # the list, with every line number and spot (asdict keeps them)
    if not as_text:
        quick, general = _read(header, rows, True, calamine=True), _read(header, rows, False, calamine=True)
    assert quick[1] == general[1]  # findings: same codes, messages, rows, columns, order
    assert quick[0] == general[0]  # the list, with every line number and spot (asdict keeps them)


@pytest.mark.parametrize("seed", sorted(SHEETS))
@pytest.mark.parametrize("as_text", [False, True], ids=["xlsx-cells", "csv-text"])
def test_quick_is_the_general_path_on_synthesized_lists(seed: int, as_text: bool) -> None:
    header, rows = SHEETS[seed]
    _same(header, rows, as_text)
    quick = _read(header, rows, True, as_text)
    assert len(quick[0]["enterprises"]) == 40


def test_quick_reads_the_plain_rows_itself() -> None:
    """Not a fallback in disguise: the synthesized rows are read by quick, none handed on."""
    header, rows = SHEETS[1]
    handed: list[int] = []
    original = table.TableReader.quick

    def counting(self, rows, builder, strict_ids):  # noqa: ANN001, ANN202
        e = original(self, rows, builder, strict_ids)
        handed.append(e is None)
        return e

    table.TableReader.quick = counting  # type: ignore[method-assign]
    try:
        _read(header, rows, True)
    finally:
        table.TableReader.quick = original  # type: ignore[method-assign]
    assert len(handed) == 40 and not any(handed)


SPOILERS = st.sampled_from([
    None, "", "  ", "—", "无", "n/a", "abc", "12,5", "1,200", "1e3", "-3", "nan", "inf", "停产", "stop", "80%",
    "0.5", "150%", "是", "否", "yes", "idle", "在产", "停", "key", "B级", "A", "\u202e反转", "名\x1b[31m",
    "x" * 1001, "91140507MA0FCXRT9X", "9114 0507 ma0fcxrt9n", "９１１４０５０７ＭＡ０ＦＣＸＲＴ９Ｎ",
    0, 1, -1, 2, 30, 365, 367, 0.0, 0.25, 1.5, 1e10, 9.114050710002e17, float("nan"), float("inf"), True, False,
    dt.datetime(2026, 1, 2), dt.datetime(2026, 1, 2, 3, 4), dt.time(8, 30), "1-2", "错峰生产；降负荷", "合计",
    "合计：", "Total", "9.11405E+17", 911405256449842931.0,
])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(sorted(SHEETS)),
       spoils=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), SPOILERS | st.integers(-2, 3)),
                       min_size=1, max_size=12),
       copies=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)), max_size=3),
       as_text=st.booleans())
@example(seed=1, spoils=[(0, 337, dt.datetime(2026, 1, 2))], copies=[], as_text=False)  # a date in 减排措施
def test_quick_is_the_general_path_on_spoiled_cells(seed: int, spoils: list[tuple[int, int, Any]],
                                                     copies: list[tuple[int, int]], as_text: bool) -> None:
    header, clean = SHEETS[seed]
    rows = [list(row) for row in clean]
    for r, c, value in spoils:
        rows[r % len(rows)][c % len(header)] = value
    for r, other in copies:  # a row repeated under another enterprise's code, or a code given twice
        rows[r % len(rows)][0] = rows[other % len(rows)][0]
    _same(header, rows, as_text)


@pytest.mark.parametrize("as_text", [False, True], ids=["xlsx-cells", "csv-text"])
def test_quick_is_the_general_path_on_totals_rows_and_codes_typed_as_numbers(as_text: bool) -> None:
    """A 合计 row with its word in the credit-code column is skipped, and a code that lost digits as a number
    is the reader's E102 (even when its made-up check character passes), by both paths alike."""
    header, clean = SHEETS[1]
    rows = [list(row) for row in clean]
    rows[3][0] = 9.11405256449837e17  # a wrong check character, which the builder would ask to change
    rows[7][0] = 911405256449842931.0 if not as_text else "9.11405256449843E+17"  # passes the check as a float
    total = [""] * len(header)
    total[0], total[header.index("二氧化硫（吨/年）")] = "合计：", 12345
    rows.append(total)
    _same(header, rows, as_text)
    _result, findings = _read(header, rows, True, as_text)
    lost = [f for f in findings if f.code == "E102"]
    assert [f.line for f in lost] == [5, 9] and all("stored as a number" in f.message for f in lost)
    assert not [f for f in findings if f.line == len(rows) + 1]
