"""``--json`` is written in pieces (issue 16: a province's result text was 150 MB of activate's peak).

The pieces must join to exactly what :func:`haze.render.report.dumps` gives, for any JSON value.
"""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from haze.render.report import dump_chunks, dumps

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=40)


@given(_VALUES)
def test_the_pieces_join_to_dumps_text(value: object) -> None:
    text = "".join(dump_chunks(value))
    assert text == dumps(value)
    assert json.loads(text) == value


def test_a_check_shaped_result_keeps_one_enterprise_per_line() -> None:
    data = {"level": "orange", "ok": True, "enterprises": [{"id": "1", "cut": 0.5}, {"id": "2", "lines": []}],
            "other_sources": []}
    text = "".join(dump_chunks(data))
    assert text == dumps(data)
    assert text.splitlines()[4:6] == ['    {"id": "1", "cut": 0.5},', '    {"id": "2", "lines": []}']


def test_json_output_through_the_cli_is_the_dumps_text(run) -> None:
    from conftest import COUNTY

    result = run("check", "orange", "--list", str(COUNTY), "--json", "--no-cache")
    data = json.loads(result.stdout)
    assert result.stdout == dumps(data) + "\n"


@given(_VALUES, st.sampled_from(["", "\n"]))
def test_the_utf8_form_is_the_encoded_text(value: object, end: str) -> None:
    from haze.render.report import dumps_utf8

    assert dumps_utf8(value, end) == (dumps(value) + end).encode("utf-8")
