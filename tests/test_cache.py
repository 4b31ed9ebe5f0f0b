"""The parse cache (SPEC §12) and the synthetic lists that benchmark it.

A cached read must give exactly what a fresh read gives — every field of the
list, every finding, with the path being read now — and a bad entry of any
kind must be ignored and rebuilt, never trusted and never an error.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import COUNTY, EXAMPLES, write
from haze.io import cache
from haze.core import creditcode
from haze import synth
from haze.io.cache import cached_read_list
from haze.io.lists import ListReport, read_list
from haze.core.model import (
    Capacity,
    Contact,
    Enterprise,
    EnterpriseList,
    Level,
    Line,
    ListInfo,
    Measure,
    OtherSource,
    Pollutant,
    Status,
)

A = "91140525MA0KAY4C6U"  # fictional, valid check characters
B = "91140525MA0KH3BJ1D"


# -- helpers -----------------------------------------------------------------

@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every real parse the cache makes (a miss), so tests can tell hits from misses."""
    calls: list[str] = []
    real = cache.parse_list

    def counting(data: bytes, path: str, kind: str = "yaml", digest: str | None = None) -> ListReport:
        calls.append(path)
        return real(data, path, kind, digest=digest)

    monkeypatch.setattr(cache, "parse_list", counting)
    return calls


def measure_lines(enterprise_list: EnterpriseList) -> list[int]:
    """``Measure.line`` is left out of equality (compare=False): collect it to compare it too."""
    tables = [e.measures for e in enterprise_list.enterprises] + [ln.measures for e in enterprise_list.enterprises for ln in e.lines]
    tables += [s.measures for s in enterprise_list.other_sources]
    return [m.line for table in tables for m in table.values()]


def assert_same(cached: ListReport, fresh: ListReport) -> None:
    assert cached.path == fresh.path
    assert cached.sha256 == fresh.sha256
    assert cached.findings == fresh.findings
    assert cached.enterprise_list == fresh.enterprise_list
    if fresh.enterprise_list is not None:
        assert cached.enterprise_list is not None
        assert measure_lines(cached.enterprise_list) == measure_lines(fresh.enterprise_list)
        assert (cached.enterprise_list.path, cached.enterprise_list.sha256) == (fresh.enterprise_list.path, fresh.enterprise_list.sha256)


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.json") if not p.name.startswith(".")) if folder.is_dir() else []


def only_entry(folder: Path) -> Path:
    found = entries(folder)
    assert len(found) == 1, found
    return found[0]


# -- a cached read is a fresh read ----------------------------------------------

@pytest.mark.parametrize("source", [COUNTY, EXAMPLES / "small-fails-orange.yaml", EXAMPLES / "worked-example.yaml"])
def test_a_hit_gives_exactly_what_a_fresh_read_gives(source: Path, parses: list[str], tmp_path: Path) -> None:
    folder = tmp_path / "c"
    first = cached_read_list(source, directory=folder)
    second = cached_read_list(source, directory=folder)
    assert parses == [str(source)]  # parsed once, then read back
    fresh = read_list(source)
    assert_same(first, fresh)
    assert_same(second, fresh)


def test_every_field_of_every_model_class_survives_the_round_trip(tmp_path: Path) -> None:
    """A list with a non-default value in every field, written by hand (not through YAML)."""
    yellow = Measure(cut=0.25, stop=False, actions=("错峰生产", "道路洒水"), line=41)
    red = Measure(cut=None, stop=True, actions=(), line=43)
    enterprise_list = EnterpriseList(
        info=ListInfo(region="示例县", authority="示例县生态环境局", season="2025-2026秋冬季", policy="national-2019",
                      doc_prefix="示环应急", baseline={Pollutant.SO2: 3000.5, Pollutant.VOCS: 0.1}, strict_ids=False,
                      contact=Contact(name="李明", phone="0356-2000000")),
        enterprises=[Enterprise(
            id=A, name="示例县宏达铸造有限公司", town="巴公镇", industry="casting", grade="非引领性", key_zone=True,
            category="保障类", compliant=False, status=Status.IDLE, operating_days=300.5,
            contact=Contact(name="张伟", phone="0356-1234567"),
            capacity=Capacity(eia=120.0, permit=None, actual=100.0, unit="吨/日"),
            lines=[Line(name="1#冲天炉", emissions={Pollutant.NOX: 30.0, Pollutant.SO2: 12.5},
                        measures={Level.YELLOW: yellow, Level.RED: red}, line=40, vocs_process=True)],
            measures={Level.ORANGE: Measure(cut=0.5, actions=("停止使用国四及以下重型柴油货车",), line=50)},
            has_lines=True, line=30, max_load=0.8, spots={"grade": (33, None), "max_load": (35, "Q")},
            ozone_exempt="低VOCs含量原辅材料替代")],
        other_sources=[OtherSource(name="道路扬尘", kind="dust", emissions={Pollutant.PM: 700.0},
                                   measures={Level.ORANGE: Measure(cut=0.4, line=61)}, line=60)],
        path="old/place.yaml", sha256="0" * 64,
    )
    findings = [cache.Finding("warning", "W304", "no contact", "old/place.yaml", 31, A, "联系人")]
    data = json.loads(json.dumps(cache.encode_report(ListReport("old/place.yaml", enterprise_list, findings, "0" * 64))))
    back = cache.decode_report(data, "now/here.yaml", "f" * 64)
    assert back.enterprise_list == dataclasses.replace(enterprise_list, path="now/here.yaml", sha256="f" * 64)
    assert measure_lines(back.enterprise_list) == [50, 41, 43, 61]
    assert list(back.enterprise_list.enterprises[0].lines[0].emissions) == [Pollutant.NOX, Pollutant.SO2]  # order kept
    assert back.findings == [dataclasses.replace(findings[0], path="now/here.yaml")]
    assert (back.path, back.sha256) == ("now/here.yaml", "f" * 64)


def test_the_model_layout_is_the_one_the_codec_knows() -> None:
    """A tripwire: a field added to the model must be added to haze.io.cache's codec too.

    (Old entries are invalidated by the layout being part of every key; this
    test makes sure the new field is also written and read back.)
    """
    assert cache.schema() == (
        "Measure:cut,stop,actions,line;"
        "Line:name,emissions,measures,line,vocs_process;"
        "Contact:name,phone;"
        "Capacity:eia,permit,actual,unit;"
        "Enterprise:id,name,town,industry,grade,key_zone,category,compliant,status,operating_days,contact,"
        "capacity,lines,measures,has_lines,line,max_load,spots,ozone_exempt;"
        "OtherSource:name,kind,emissions,measures,line;"
        "ListInfo:region,authority,season,policy,doc_prefix,baseline,strict_ids,contact;"
        "EnterpriseList:info,enterprises,other_sources,path,sha256;"
        "Finding:severity,code,message,path,line,enterprise,column,level"
    )


def test_the_path_is_the_one_being_read_now(parses: list[str], tmp_path: Path) -> None:
    data = COUNTY.read_bytes()
    one = tmp_path / "a" / "county.yaml"
    two = tmp_path / "b" / "county.yaml"
    for path in (one, two):
        path.parent.mkdir()
        path.write_bytes(data)
    folder = tmp_path / "c"
    cached_read_list(one, directory=folder)
    report = cached_read_list(two, directory=folder)
    assert parses == [str(one)]  # same bytes, same name: the second is a hit
    assert report.path == report.enterprise_list.path == str(two)
    assert report.findings and all(f.path == str(two) for f in report.findings)


def test_same_bytes_under_another_csv_name_is_another_list(parses: list[str], tmp_path: Path) -> None:
    """A CSV without list facts takes its region from the file name (SPEC §9)."""
    text = ("企业名称,统一社会信用代码,绩效等级,SO2,NOx,PM,VOCs,联系人,联系电话\r\n"
            f"示例县东方铸造有限公司,{A},B,100,200,300,100,王建国,0356-2000101\r\n")
    folder = tmp_path / "c"
    regions = []
    for name in ("示例县", "示例市"):
        path = tmp_path / f"{name}.csv"
        path.write_bytes(text.encode("utf-8"))
        regions.append(cached_read_list(path, directory=folder).enterprise_list.info.region)
        regions.append(cached_read_list(path, directory=folder).enterprise_list.info.region)
    assert regions == ["示例县", "示例县", "示例市", "示例市"]
    assert len(parses) == 2


def test_a_list_with_errors_is_cached_with_its_findings(parses: list[str], tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.yaml", "list: {region: 示例县\nenterprises: []\n")
    bad_id = write(tmp_path / "bad-id.yaml", "list: {region: 示例县, authority: 示例县生态环境局}\nenterprises:\n"
                   "  - {id: 91140525MA0KAY4C60, name: 示例县甲厂, grade: B, emissions: {pm: 1}}\n")
    folder = tmp_path / "c"
    for path in (broken, bad_id):
        first = cached_read_list(path, directory=folder)
        assert_same(cached_read_list(path, directory=folder), first)
        assert_same(first, read_list(path))
    assert cached_read_list(broken, directory=folder).enterprise_list is None
    assert [f.code for f in cached_read_list(bad_id, directory=folder).findings] == ["E102", "W304"]
    assert len(parses) == 2


def test_one_changed_byte_is_a_miss(parses: list[str], tmp_path: Path) -> None:
    path = tmp_path / "county.yaml"
    path.write_bytes(COUNTY.read_bytes())
    folder = tmp_path / "c"
    before = cached_read_list(path, directory=folder)
    path.write_bytes(COUNTY.read_bytes().replace(b"so2: 3000", b"so2: 3001", 1))
    after = cached_read_list(path, directory=folder)
    assert len(parses) == 2
    assert before.enterprise_list.info.baseline[Pollutant.SO2] == 3000.0
    assert after.enterprise_list.info.baseline[Pollutant.SO2] == 3001.0
    assert after.sha256 != before.sha256


def test_files_that_cannot_be_read_are_reported_as_read_list_reports_them(tmp_path: Path) -> None:
    (tmp_path / "folder.yaml").mkdir()
    os.mkfifo(tmp_path / "pipe.yaml")  # reading it would block forever
    for name in ("missing.yaml", "folder.yaml", "list.txt", "pipe.yaml"):
        path = tmp_path / name
        cached = cached_read_list(path, directory=tmp_path / "c")
        assert [f.format() for f in cached.findings] == [f.format() for f in read_list(path).findings]
        assert cached.enterprise_list is None
    assert entries(tmp_path / "c") == []


def test_a_file_over_the_size_bound_is_refused_before_it_is_read(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    import haze.io.lists.yamlread

    monkeypatch.setattr(haze.io.lists.yamlread, "MAX_BYTES", 1000)  # the one bound: read_list_bytes reads it
    report = cached_read_list(COUNTY, directory=tmp_path / "c")
    assert report.enterprise_list is None
    assert [f.code for f in report.findings] == ["E004"]
    assert entries(tmp_path / "c") == []


# -- bad entries are ignored and rebuilt -----------------------------------------

def _truncate(raw: bytes) -> bytes:
    return raw[: len(raw) // 2]


def _flip_a_digit(raw: bytes) -> bytes:
    head, _, payload = raw.partition(b"\n")
    at = payload.index(b"3000")
    return head + b"\n" + payload[:at] + b"9" + payload[at + 1:]


def _other_format(raw: bytes) -> bytes:
    head, _, payload = raw.partition(b"\n")
    header = json.loads(head)
    header["haze_cache"] = cache.FORMAT + 1
    return json.dumps(header).encode() + b"\n" + payload


def _wrong_shape_with_a_valid_checksum(raw: bytes) -> bytes:
    head, _, _ = raw.partition(b"\n")
    payload = b'{"list": [1, 2], "findings": "no"}'
    header = json.loads(head)
    header.update(bytes=len(payload), sha256=cache.hashlib.sha256(payload).hexdigest())
    return json.dumps(header).encode() + b"\n" + payload


@pytest.mark.parametrize("damage", [
    lambda raw: b"",
    _truncate,
    lambda raw: b"\x00\xff garbage \x80" * 100,
    lambda raw: raw.replace(b"\n", b"", 1),  # header and payload run together
    _flip_a_digit,
    _other_format,
    _wrong_shape_with_a_valid_checksum,
    lambda raw: b"[1, 2, 3]\n" + raw.partition(b"\n")[2],  # a header that is not a mapping
], ids=["empty", "truncated", "garbage", "no-header", "flipped-digit", "other-format", "wrong-shape", "list-header"])
def test_a_bad_entry_is_ignored_and_rebuilt(damage, parses: list[str], tmp_path: Path) -> None:
    folder = tmp_path / "c"
    cached_read_list(COUNTY, directory=folder)
    entry = only_entry(folder)
    entry.write_bytes(damage(entry.read_bytes()))
    report = cached_read_list(COUNTY, directory=folder)
    assert_same(report, read_list(COUNTY))
    assert len(parses) == 2  # the damaged entry was not trusted
    assert cached_read_list(COUNTY, directory=folder).enterprise_list == report.enterprise_list
    assert len(parses) == 2  # ...and it was rewritten whole
    assert only_entry(folder) == entry


def test_an_entry_under_another_key_is_not_used(parses: list[str], tmp_path: Path) -> None:
    """An entry renamed to the key of another list must not be taken for that list."""
    folder = tmp_path / "c"
    other = tmp_path / "other.yaml"
    other.write_bytes((EXAMPLES / "small-fails-orange.yaml").read_bytes())
    cached_read_list(other, directory=folder)
    entry = only_entry(folder)
    key = cache.entry_key(cache.hashlib.sha256(COUNTY.read_bytes()).hexdigest(), "yaml", COUNTY.stem)
    entry.rename(folder / f"{key}{cache.SUFFIX}")
    assert_same(cached_read_list(COUNTY, directory=folder), read_list(COUNTY))
    assert len(parses) == 2


def test_a_cache_that_cannot_be_written_is_skipped(parses: list[str], tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    report = cached_read_list(COUNTY, directory=blocker / "cache")
    assert_same(report, read_list(COUNTY))
    assert_same(cached_read_list(COUNTY, directory=blocker / "cache"), read_list(COUNTY))
    assert len(parses) == 2


def test_the_cache_keeps_only_the_newest_entries(parses: list[str], tmp_path: Path) -> None:
    folder = tmp_path / "c"
    paths = []
    for n in range(cache.MAX_ENTRIES + 3):
        path = tmp_path / f"list{n}.yaml"
        path.write_bytes(COUNTY.read_bytes() + f"# copy {n}\n".encode())
        paths.append(path)
        cached_read_list(path, directory=folder)
        # mtimes one second apart: pruning goes by last use
        os.utime(only_newest(folder), (1_700_000_000 + n, 1_700_000_000 + n))
    assert len(entries(folder)) == cache.MAX_ENTRIES
    before = len(parses)
    cached_read_list(paths[-1], directory=folder)  # the newest is still there
    cached_read_list(paths[0], directory=folder)  # the oldest was dropped
    assert parses[before:] == [str(paths[0])]


def test_a_citys_lists_read_in_turn_all_stay_cached(parses: list[str], tmp_path: Path) -> None:
    # 13 county lists read one after another, twice (a city check, SPEC §13): with room for only 12
    # entries, least-recently-used pruning evicted each list just before it was read again
    folder = tmp_path / "c"
    paths = []
    for n in range(13):
        path = tmp_path / f"county{n}.yaml"
        path.write_bytes(COUNTY.read_bytes() + f"# county {n}\n".encode())
        paths.append(path)
    for _round in range(2):
        for path in paths:
            cached_read_list(path, directory=folder)
    assert sorted(parses) == sorted(str(p) for p in paths)  # each parsed once: the second round all hits


def test_the_cache_keeps_the_newest_entries_that_fit_its_size(parses: list[str], tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "c"
    paths = []
    for n in range(4):
        path = tmp_path / f"list{n}.yaml"
        path.write_bytes(COUNTY.read_bytes() + f"# copy {n}\n".encode())
        paths.append(path)
        cached_read_list(path, directory=folder)
        os.utime(only_newest(folder), (1_700_000_000 + n, 1_700_000_000 + n))
    size = only_newest(folder).stat().st_size
    monkeypatch.setattr(cache, "MAX_TOTAL_BYTES", 2 * size + size // 2)  # room for two entries, not three
    cache.prune(folder)
    assert len(entries(folder)) == 2
    before = len(parses)
    cached_read_list(paths[3], directory=folder)  # the newest two stay
    cached_read_list(paths[2], directory=folder)
    assert parses[before:] == []
    monkeypatch.setattr(cache, "MAX_TOTAL_BYTES", 1)  # smaller than any entry: the newest still stays
    cache.prune(folder)
    assert len(entries(folder)) == 1


def only_newest(folder: Path) -> Path:
    return max(entries(folder), key=lambda p: p.stat().st_mtime_ns)


def test_leftover_temporary_files_of_a_crashed_writer_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    stale = folder / ".tmp-crashed.json"
    stale.write_bytes(b'{"haze_cache": 1, "key": "half an ent')  # what a writer killed mid-write leaves
    os.utime(stale, (1_700_000_000, 1_700_000_000))
    fresh = folder / ".tmp-writing-now.json"
    fresh.write_bytes(b"another process is writing this")
    cached_read_list(COUNTY, directory=folder)
    assert not stale.exists()
    assert fresh.exists()
    assert len(entries(folder)) == 1


def test_concurrent_writers_leave_one_whole_entry(tmp_path: Path) -> None:
    """Four processes reading a new list at once: each gets the list, one valid entry remains."""
    folder = tmp_path / "c"
    listfile = tmp_path / "province.yaml"
    synth.write_list(300, listfile, seed=7)
    script = ("import json, sys\nfrom pathlib import Path\nfrom haze.io.cache import cached_read_list\n"
              "r = cached_read_list(sys.argv[1], directory=Path(sys.argv[2]))\n"
              "print(json.dumps([r.sha256, len(r.enterprise_list.enterprises), len(r.findings)]))\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(listfile), str(folder)], stdout=subprocess.PIPE,
                              text=True) for _ in range(4)]
    outputs = [json.loads(p.communicate(timeout=300)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    fresh = read_list(listfile)
    assert outputs == [[fresh.sha256, 300, len(fresh.findings)]] * 4
    entry = only_entry(folder)
    assert not list(folder.glob(".tmp-*")) and not list(folder.glob(".*.tmp"))
    key = entry.name[: -len(cache.SUFFIX)]
    assert_same(cache.load_entry(entry, key, str(listfile), fresh.sha256), fresh)


# -- where the cache lives ------------------------------------------------------

def test_cache_lives_in_dot_haze_when_present(isolated: Path) -> None:
    (isolated / ".haze").mkdir()
    assert cache.cache_dir() == isolated.resolve() / ".haze" / "cache"
    cached_read_list(COUNTY)
    assert len(entries(isolated / ".haze" / "cache")) == 1


def test_a_subdirectory_uses_the_cache_beside_the_journal_above_it(isolated: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (isolated / ".haze").mkdir()
    below = isolated / "lists" / "2025"
    below.mkdir(parents=True)
    monkeypatch.chdir(below)
    assert cache.cache_dir() == isolated.resolve() / ".haze" / "cache"
    cached_read_list(COUNTY)
    assert len(entries(isolated / ".haze" / "cache")) == 1
    assert not (below / ".haze").exists()


def test_cache_lives_in_the_user_cache_dir_otherwise(isolated: Path, tmp_path: Path) -> None:
    cached_read_list(COUNTY)
    assert len(entries(tmp_path / "cache" / "haze")) == 1  # conftest's XDG_CACHE_HOME
    assert not (isolated / ".haze").exists()


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert cache.user_cache_dir() == tmp_path / "home" / ".cache" / "haze"


# -- through the command line ----------------------------------------------------

def test_check_uses_the_cache_and_no_cache_bypasses_it(run, isolated: Path, parses: list[str]) -> None:
    (isolated / ".haze").mkdir()
    folder = isolated / ".haze" / "cache"
    bypass = run("check", "orange", "--list", COUNTY, "--json", "--no-cache")
    assert bypass.exit_code == 0
    assert entries(folder) == [] and parses == []
    first = run("check", "orange", "--list", COUNTY, "--json")
    second = run("check", "orange", "--list", COUNTY, "--json")
    assert first.exit_code == second.exit_code == 0
    assert parses == [str(COUNTY)]
    assert len(entries(folder)) == 1
    assert json.loads(first.stdout) == json.loads(second.stdout) == json.loads(bypass.stdout)
    assert first.stderr == second.stderr == bypass.stderr  # the same warnings, at the same lines


def test_a_corrupt_entry_never_shows_in_check(run, isolated: Path) -> None:
    (isolated / ".haze").mkdir()
    first = run("check", "orange", "--list", EXAMPLES / "small-fails-orange.yaml", "--json")
    entry = only_entry(isolated / ".haze" / "cache")
    entry.write_bytes(_truncate(entry.read_bytes()))
    again = run("check", "orange", "--list", EXAMPLES / "small-fails-orange.yaml", "--json")
    assert first.exit_code == again.exit_code == 1  # the example fails orange
    assert json.loads(again.stdout) == json.loads(first.stdout)
    assert again.stderr == first.stderr


# -- synthetic lists ---------------------------------------------------------------

def test_synth_is_deterministic_by_seed(tmp_path: Path) -> None:
    one = synth.write_list(200, tmp_path / "a.yaml", seed=3).read_bytes()
    two = synth.write_list(200, tmp_path / "b.yaml", seed=3).read_bytes()
    other = synth.write_list(200, tmp_path / "c.yaml", seed=4).read_bytes()
    assert one == two
    assert one != other


def test_synth_list_is_a_clean_realistic_mix(tmp_path: Path) -> None:
    report = read_list(synth.write_list(1500, tmp_path / "province.yaml", seed=0))
    enterprise_list = report.enterprise_list
    assert enterprise_list is not None and len(enterprise_list.enterprises) == 1500
    # Only the warnings real lists carry: idle plants still listing emissions, a few missing contacts.
    assert {f.code for f in report.findings} <= {"W303", "W304"}
    assert all(creditcode.is_valid(e.id) for e in enterprise_list.enterprises)
    assert len({e.id for e in enterprise_list.enterprises}) == 1500
    assert all(e.name.startswith("示例") for e in enterprise_list.enterprises)
    assert {e.grade for e in enterprise_list.enterprises} == {"A", "B", "C", "D", "leading", "nonleading", "unrated"}
    assert {e.category for e in enterprise_list.enterprises} == {"", "guarantee"}
    assert {e.status for e in enterprise_list.enterprises} == set(Status)
    assert any(e.key_zone for e in enterprise_list.enterprises) and not all(e.key_zone for e in enterprise_list.enterprises)
    assert any(not e.compliant for e in enterprise_list.enterprises)
    assert any(e.has_lines and len(e.lines) > 1 for e in enterprise_list.enterprises)
    assert any(ln.measures for e in enterprise_list.enterprises for ln in e.lines)
    assert any(e.measures for e in enterprise_list.enterprises)
    assert any(e.capacity for e in enterprise_list.enterprises)
    assert len({e.industry for e in enterprise_list.enterprises}) >= 15
    assert len(enterprise_list.other_sources) == 4


def test_synth_command_line(tmp_path: Path) -> None:
    out = tmp_path / "list.yaml"
    done = subprocess.run([sys.executable, "-m", "haze.synth", "40", "-o", str(out), "--seed", "2"],
                          capture_output=True, text=True)
    assert done.returncode == 0
    assert out.read_bytes() == synth.write_list(40, tmp_path / "again.yaml", seed=2).read_bytes()
    refused = subprocess.run([sys.executable, "-m", "haze.synth", "0", "-o", str(out)], capture_output=True, text=True)
    assert refused.returncode == 2 and "at least 1" in refused.stderr


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(count=st.integers(min_value=1, max_value=60), seed=st.integers(min_value=0, max_value=10**6))
def test_any_synthetic_list_reads_back_from_the_cache_unchanged(count: int, seed: int, tmp_path: Path) -> None:
    path = synth.write_list(count, tmp_path / f"s{count}-{seed}.yaml", seed=seed)
    folder = tmp_path / f"c{count}-{seed}"
    first = cached_read_list(path, directory=folder)
    assert_same(cached_read_list(path, directory=folder), first)
    assert_same(first, read_list(path))
