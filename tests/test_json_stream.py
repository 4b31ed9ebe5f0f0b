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


_KEYS = st.text(max_size=5)


@given(st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=4), st.dictionaries(_KEYS, _VALUES, max_size=3))
def test_continued_bytes_read_as_the_joined_dict(data: dict, more: dict) -> None:
    """activate --json: a result encoded apart, cut before its closing, then its activation's keys."""
    from haze.render.report import CLOSING, continued, dumps_utf8

    more = {k: v for k, v in more.items() if k not in data}
    head = dumps_utf8(data)
    assert head.endswith(CLOSING)
    assert head[:-len(CLOSING)] + continued(more) == dumps_utf8(data | more, "\n")


@given(st.lists(_VALUES, max_size=6), _VALUES, st.sampled_from(["", "\n"]))
def test_each_is_encoded_as_the_list_it_makes(items: list, other: object, end: str) -> None:
    import io

    from haze.render.report import Each, dump_to, dumps

    def make(x: object) -> object:
        return {"item": x}

    file = io.BytesIO()
    written = dump_to(file, {"each": Each(make, items), "other": other}, end)
    expected = (dumps({"each": [make(x) for x in items], "other": other}) + end).encode("utf-8")
    assert file.getvalue() == expected and written == len(expected)
    assert "".join(dump_chunks({"each": Each(make, items)})) == dumps({"each": [make(x) for x in items]})
