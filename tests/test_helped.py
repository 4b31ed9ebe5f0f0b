"""A province's notices rendered by two processes (haze.render.helped, haze.io.helper; issue 16).

The helper process must change nothing a reader, the journal or the
manifest sees: the same files, byte for byte, the same content keys, the
same index counts; and a failure on either side must leave what a failure
in one process leaves: nothing written, nothing recorded, no process behind.
``HELPED_FROM`` is lowered so that the small lists here take the helper's path.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from haze.core.errors import HazeError, TemplateError
from haze.io.helper import ENV, HelperProcess, helper_available

needs_helper = pytest.mark.skipif(not helper_available(), reason="the helper process runs on Linux with 2+ CPUs")
SYNTH = 120


@pytest.fixture
def helped(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every text notice set of two or more notices takes the helper's path; the forks made are counted."""
    from haze.io import helper as helper_module
    from haze.render import helped as helped_module

    monkeypatch.setattr(helped_module, "HELPED_FROM", 2)
    monkeypatch.delenv(ENV, raising=False)
    forks: list[int] = []
    real = helper_module.HelperProcess.start

    def counted(self: HelperProcess) -> None:
        real(self)
        forks.append(1)

    monkeypatch.setattr(helper_module.HelperProcess, "start", counted)
    return forks


def _issue(**changes: Any) -> Any:
    from datetime import datetime

    from haze.core.model import Level
    from haze.core.timeparse import SHANGHAI
    from haze.render.notices import Issue

    at = datetime(2025, 12, 1, 20, 0, tzinfo=SHANGHAI)
    values = dict(id="20251201-200000-orange", kind="activation", level=Level.ORANGE, start=at, until=None,
                  issued=at, first_number=7, user="duty")
    return Issue(**(values | changes))


def _synthetic(folder: Path, size: int = SYNTH) -> Path:
    from haze.synth import generate

    path = folder / "synthetic.yaml"
    path.write_text("".join(line + "\n" for line in generate(size, 3)), encoding="utf-8")
    return path


def _render(listfile: Path, out: Path, **options: Any) -> Any:
    from haze.commands.inputs import load_inputs
    from haze.core.engine import compute
    from haze.core.model import Level
    from haze.render.notices import render_activation

    inputs = load_inputs(listfile, cache=False)
    result = compute(inputs.enterprise_list, inputs.policy, Level.ORANGE)
    return render_activation(result, inputs.enterprise_list, _issue(), out, **options)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# -- the same set, byte for byte -----------------------------------------------------------

@needs_helper
@pytest.mark.parametrize("lang,fmt", [("zh", "md"), ("zh", "html"), ("en", "txt")])
def test_a_helped_set_is_the_serial_set_byte_for_byte(tmp_path: Path, helped: list[int],
                                                      monkeypatch: pytest.MonkeyPatch, lang: str, fmt: str) -> None:
    listfile = _synthetic(tmp_path)
    together = _render(listfile, tmp_path / "helped", lang=lang, fmt=fmt)
    assert helped == [1]
    monkeypatch.setenv(ENV, "0")
    alone = _render(listfile, tmp_path / "alone", lang=lang, fmt=fmt)
    assert helped == [1]  # the second run had no helper
    mine, theirs = _files(together.directory), _files(alone.directory)
    assert list(mine) == list(theirs) and len(mine) > SYNTH // 2
    for name in theirs:
        assert mine[name] == theirs[name], name
    # the journal's fingerprints (activate --changed) and the numbers are the same too
    assert together.notices == alone.notices
    assert all(n["content"] for n in together.notices)
    manifest = json.loads(mine["manifest.json"])
    assert list(manifest["files"]) == [n["file"] for n in alone.notices] + [f"index.{fmt}", "sms.csv"]


@needs_helper
def test_the_golden_digests_hold_through_the_helper(tmp_path: Path, helped: list[int],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Every shipped text set of tests/test_notice_golden.py (both languages, three formats, adjustments)."""
    from test_notice_golden import GOLDEN, _synthetic as golden_lists, digests, summary

    monkeypatch.chdir(tmp_path)
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = {key: summary(files) for key, files in digests(golden_lists(tmp_path), tmp_path).items()}
    assert len(helped) >= 36  # the activations (dry runs: the helper renders and hashes, writes nothing)
    for key, expected in golden.items():
        assert now[key] == expected, f"{key}: the helped set differs from the golden one"


def test_the_tally_counts_the_same_from_views_as_from_rows(tmp_path: Path) -> None:
    from haze.commands.inputs import load_inputs
    from haze.core.engine import compute
    from haze.core.model import Level
    from haze.render.notices import enterprise_context
    from haze.render.tally import Tally, tally_view

    inputs = load_inputs(_synthetic(tmp_path, 300), cache=False)
    result = compute(inputs.enterprise_list, inputs.policy, Level.RED)
    rows, views = Tally("zh"), Tally("zh")
    for i, r in enumerate(result.enterprises):
        enterprise, measures = enterprise_context(r, result.level, result.policy.industry_names, "zh",
                                                  policy=result.policy)
        row = {"index": i + 1, "number": f"N{i}", "enterprise": enterprise, "measures": measures}
        rows.add(row)
        views.add(tally_view(row))
    assert rows.result(None) == views.result(None)
    assert rows.count == 300 and sum(rows.measures.values()) == 300


# -- failures: nothing written, nothing recorded, no process left ---------------------------

def _no_children_left() -> bool:
    """No child of this process, running or unreaped (waitpid raises when there is none)."""
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _fail_at(monkeypatch: pytest.MonkeyPatch, how: str) -> list[int]:
    """Make the content key of the notice of ``content_key.target`` fail (``raise``) or its process die
    (``kill``, in the helper only); the calls made in this process are counted in the list returned."""
    from haze.render import notices as rn

    parent = os.getpid()
    real = rn.content_key
    seen: list[int] = []

    def failing(issue: Any, enterprise: Any, measures: Any) -> str:
        if os.getpid() == parent:
            seen.append(1)
        target = failing.target  # type: ignore[attr-defined]
        if enterprise["id"] == target:
            if how == "kill" and os.getpid() != parent:
                os.kill(os.getpid(), signal.SIGKILL)
            if how == "raise":
                raise TemplateError(f"notice of {target}: broken on purpose")
        return real(issue, enterprise, measures)

    monkeypatch.setattr(rn, "content_key", failing)
    return seen


def _operating_ids(listfile: Path) -> list[str]:
    from haze.commands.inputs import load_inputs
    from haze.core.engine import IDLE, compute
    from haze.core.model import Level

    inputs = load_inputs(listfile, cache=False)
    result = compute(inputs.enterprise_list, inputs.policy, Level.ORANGE)
    return [r.enterprise.id for r in result.enterprises if r.reason != IDLE]


def _activate(run: Any, listfile: Path, tmp_path: Path) -> Any:
    return run("activate", "orange", "--list", listfile, "--journal", tmp_path / "j.db", "--out", tmp_path / "out",
               "--start", "2025-12-01 20:00", "--json")


def _recorded(journal: Path) -> int:
    if not journal.exists():
        return 0
    with sqlite3.connect(journal) as db:
        return int(db.execute("select count(*) from activations").fetchone()[0])


@needs_helper
@pytest.mark.parametrize("where", ["helper", "parent"])
def test_an_error_on_either_side_writes_and_records_nothing(run: Any, tmp_path: Path, helped: list[int],
                                                           monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    from haze.render import notices as rn

    listfile = _synthetic(tmp_path)
    ids = _operating_ids(listfile)
    _fail_at(monkeypatch, "raise")
    rn.content_key.target = ids[-1] if where == "helper" else ids[0]  # type: ignore[attr-defined]
    result = _activate(run, listfile, tmp_path)
    assert result.exit_code == TemplateError.exit_code
    assert "broken on purpose" in result.stderr and "Traceback" not in result.stderr
    assert helped == [1]
    out = tmp_path / "out"
    assert not out.exists() or not any(out.iterdir())
    assert _recorded(tmp_path / "j.db") == 0
    assert _no_children_left()


@needs_helper
def test_a_killed_helper_is_one_error_line_and_nothing_recorded(run: Any, tmp_path: Path, helped: list[int],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from haze.render import notices as rn

    listfile = _synthetic(tmp_path)
    _fail_at(monkeypatch, "kill")
    rn.content_key.target = _operating_ids(listfile)[-1]  # type: ignore[attr-defined]
    result = _activate(run, listfile, tmp_path)
    assert result.exit_code == HazeError.exit_code
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert any("stopped without finishing" in line and "9" in line for line in lines), result.stderr
    assert "Traceback" not in result.stderr
    out = tmp_path / "out"
    assert not out.exists() or not any(out.iterdir())
    assert _recorded(tmp_path / "j.db") == 0
    assert _no_children_left()


@needs_helper
def test_after_a_helped_activation_the_journal_has_every_notice(run: Any, tmp_path: Path,
                                                                helped: list[int]) -> None:
    listfile = _synthetic(tmp_path)
    result = _activate(run, listfile, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert helped == [1]
    said = json.loads(result.stdout)
    ids = _operating_ids(listfile)
    assert len([p for p in said["notices"] if Path(p).name[0].isdigit()]) == len(ids)
    with sqlite3.connect(tmp_path / "j.db") as db:
        contents = dict(db.execute("select enterprise_id, content from notice_content").fetchall())
    assert sorted(contents) == sorted(ids) and all(len(v) == 32 for v in contents.values())
    assert _no_children_left()


# -- the helper process itself -----------------------------------------------------------------

@needs_helper
def test_the_helper_hands_back_what_it_yields_in_order_with_progress() -> None:
    def work(channel: Any) -> Any:
        for n in range(1, 4):
            channel.report(n)
        yield [1, 2, 3]
        channel.wait()  # until the parent releases it
        yield "after"

    heard: list[int] = []
    with HelperProcess(work) as helper:
        assert helper.receive(heard.append) == [1, 2, 3]
        helper.release()
        assert helper.receive() == "after"
        with pytest.raises(HazeError, match="stopped without finishing"):
            helper.receive()  # it has nothing more to say
    assert heard and heard[-1] == 3 and heard == sorted(heard)
    assert _no_children_left()


@needs_helper
def test_the_helper_raises_what_the_copy_raised() -> None:
    def work(channel: Any) -> Any:
        yield "first"
        raise OSError(28, "No space left on device")

    with HelperProcess(work) as helper:
        assert helper.receive() == "first"
        with pytest.raises(OSError) as caught:
            helper.receive()
    assert caught.value.errno == 28
    assert _no_children_left()


@needs_helper
def test_leaving_the_block_stops_a_running_or_waiting_helper() -> None:
    import time

    def spin(channel: Any) -> Any:
        while True:
            time.sleep(0.05)
        yield

    def waits(channel: Any) -> Any:
        channel.wait()
        yield

    started = time.monotonic()
    for work in (spin, waits):
        with HelperProcess(work):
            pass
    assert time.monotonic() - started < 5
    assert _no_children_left()


def test_the_helper_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from haze.render.helped import HELPED_FROM, helped_from

    monkeypatch.setenv(ENV, "0")
    assert not helper_available()
    assert helped_from(HELPED_FROM * 10, light=True) == HELPED_FROM * 10  # every notice in this process
    monkeypatch.delenv(ENV)
    assert helped_from(HELPED_FROM * 10, light=False) == HELPED_FROM * 10  # a bureau's templates, DOCX, PDF
    if helper_available():
        assert helped_from(HELPED_FROM * 10, light=True) == HELPED_FROM * 6  # the helper takes 40%
    assert helped_from(HELPED_FROM - 1, light=True) == HELPED_FROM - 1


@needs_helper
def test_the_run_syncs_only_what_the_helper_did_not(tmp_path: Path, helped: list[int],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper fsyncs every notice and sms.csv (step 3); the run then fsyncs the index and the manifest."""
    from haze.io import fsio

    synced_here: list[list[str]] = []
    real = fsio.sync_files

    def spy(directory: Path, names: list[str], **options: Any) -> None:
        if os.getpid() == parent:
            synced_here.append(list(names))
        real(directory, names, **options)

    parent = os.getpid()
    monkeypatch.setattr(fsio, "sync_files", spy)
    done = _render(_synthetic(tmp_path), tmp_path / "out")
    assert helped == [1]
    assert synced_here == [["index.md", "manifest.json"]]
    assert len(list(done.directory.iterdir())) == len(done.notices) + 3


@needs_helper
def test_a_failed_helper_stops_the_run_before_it_renders_its_whole_share(run: Any, tmp_path: Path,
                                                                        helped: list[int],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from haze.render import helped as helped_module
    from haze.render import notices as rn

    listfile = _synthetic(tmp_path, 1200)
    ids = _operating_ids(listfile)
    first = helped_module.helped_from(len(ids), light=True)
    rendered_here = _fail_at(monkeypatch, "raise")
    rn.content_key.target = ids[first]  # type: ignore[attr-defined]  # the helper's first notice
    result = _activate(run, listfile, tmp_path)
    assert result.exit_code == TemplateError.exit_code and "broken on purpose" in result.stderr
    assert len(rendered_here) < first  # heard at a poll (every 64 notices), not after the run's 60%
    assert _recorded(tmp_path / "j.db") == 0
    assert _no_children_left()


def _helper_sync_log(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A file where the helper writes down each of its sync_files calls: one line, the names it synced."""
    from haze.render import helped as helped_module

    log = tmp_path / "helper-synced.txt"
    real = helped_module.sync_files

    def written_down(directory: Path, names: list[str], **options: Any) -> None:
        real(directory, names, **options)
        with open(log, "a", encoding="utf-8") as f:
            f.write(" ".join(names) + "\n")

    monkeypatch.setattr(helped_module, "sync_files", written_down)
    return log


@needs_helper
def test_the_helper_fsyncs_every_notice_and_sms_csv(tmp_path: Path, helped: list[int],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """What the helper's own sync_files calls name (written down by the helper, read here) covers the set."""
    log = _helper_sync_log(monkeypatch, tmp_path)
    done = _render(_synthetic(tmp_path), tmp_path / "out")
    assert helped == [1]
    synced = log.read_text(encoding="utf-8").split()
    notices = [n["file"] for n in done.notices]
    assert sorted(synced) == sorted(notices + ["sms.csv"])  # each once


@needs_helper
def test_releasing_a_helper_that_has_failed_leaves_its_own_error_to_tell() -> None:
    """release() to a copy already gone must not become a 'Broken pipe' blamed on the output directory."""
    import time

    def work(channel: Any) -> Any:
        raise OSError(28, "No space left on device")
        yield

    with HelperProcess(work) as helper:
        time.sleep(0.3)  # the copy has failed and exited: its end of the release pipe is closed
        helper.release()
        with pytest.raises(OSError) as caught:
            helper.receive()
    assert caught.value.errno == 28
    assert _no_children_left()


@needs_helper
def test_a_ctrl_c_while_the_helper_starts_leaves_no_copy_running(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    real = HelperProcess._fork

    def interrupted(self: HelperProcess) -> None:
        real(self)  # the copy runs
        raise KeyboardInterrupt  # as a Ctrl-C held back across the fork is raised when let through

    def spin(channel: Any) -> Any:
        while True:
            time.sleep(0.05)
        yield

    monkeypatch.setattr(HelperProcess, "_fork", interrupted)
    with pytest.raises(KeyboardInterrupt):
        with HelperProcess(spin):
            pytest.fail("the block must not be entered")
    assert _no_children_left()


# -- the run tells the helper how far it is; the helper syncs the run's files as they come ----------

@needs_helper
def test_a_wait_hears_the_latest_of_the_releases_waiting() -> None:
    import time

    def work(channel: Any) -> Any:
        yield "ready"
        time.sleep(0.3)  # meanwhile the parent gets further, three times
        yield channel.wait()
        yield channel.wait()

    with HelperProcess(work) as helper:
        assert helper.receive() == "ready"
        for count in (10, 20, 30):
            helper.release(count)
        assert helper.receive() == 30  # not 10: what it acts on is where the parent is now
        helper.release(45)
        assert helper.receive() == 45
    assert _no_children_left()


@needs_helper
def test_the_run_s_files_are_synced_in_steps_and_each_once(tmp_path: Path, helped: list[int],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """With the run telling every 8 notices, the helper syncs only files the run had said were written."""
    from haze.render import helped as helped_module

    log = _helper_sync_log(monkeypatch, tmp_path)
    real_wait = helped_module.Channel.wait

    def heard(self: Any) -> int:
        count = real_wait(self)
        with open(tmp_path / "heard.txt", "a", encoding="utf-8") as f:
            f.write(f"{count}\n")
        return count

    monkeypatch.setattr(helped_module, "TELL_EVERY", 8)
    monkeypatch.setattr(helped_module.Channel, "wait", heard)
    done = _render(_synthetic(tmp_path), tmp_path / "out")
    assert helped == [1]
    notices = [n["file"] for n in done.notices]
    first = helped_module.helped_from(len(notices), light=True)
    calls = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    assert sorted(sum(calls, [])) == sorted(notices + ["sms.csv"])  # each once
    counts = [int(n) for n in (tmp_path / "heard.txt").read_text(encoding="utf-8").split()]
    assert counts == sorted(counts) and counts[-1] == first and all(c % 8 == 0 or c == first for c in counts)
    run_calls = calls[1:]  # after the helper's own notices and sms.csv
    synced = 0
    for call, count in zip(run_calls, [c for c in counts if c > 0]):
        assert call == notices[synced:count]  # in order, never a file the run had not yet said was written
        synced = count
    assert synced == first


# -- activate --json: the result encoded by a helper while the journal records ------------------

def _json_run(run: Any, folder: Path, listfile: Path) -> Any:
    """activate --json from ``folder``, every path in the output relative to it (so runs compare)."""
    folder.mkdir()
    os.chdir(folder)  # the tests' monkeypatch.chdir puts the directory back
    return run("activate", "orange", "--list", listfile, "--journal", "j.db", "--out", "out",
               "--start", "2025-12-01 20:00", "--json")


@needs_helper
def test_json_encoded_aside_is_the_same_bytes(run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In the helper, in this process (no helper), and the plain way: one output, byte for byte."""
    from haze.commands import activate as command
    from haze.io import helper as helper_module

    listfile = _synthetic(tmp_path)
    forks: list[int] = []
    real = helper_module.Aside.start

    def counted(self: Any) -> None:
        forks.append(1)
        real(self)

    monkeypatch.setattr(helper_module.Aside, "start", counted)
    monkeypatch.chdir(tmp_path)
    plain = _json_run(run, tmp_path / "plain", listfile)
    assert plain.exit_code == 0, plain.stderr
    assert forks == []  # 120 enterprises: below ENCODED_ASIDE_FROM
    monkeypatch.setattr(command, "ENCODED_ASIDE_FROM", 1)
    aside = _json_run(run, tmp_path / "aside", listfile)
    assert forks == [1]
    monkeypatch.setenv(ENV, "0")
    here = _json_run(run, tmp_path / "here", listfile)
    assert forks == [1, 1]  # started, and ran make() in this process
    assert aside.exit_code == here.exit_code == 0
    assert aside.stdout_bytes == plain.stdout_bytes == here.stdout_bytes
    said = json.loads(aside.stdout)
    assert said["activation"] == "20251201-200000-orange" and said["notices"][0].startswith("out")
    assert _no_children_left()


@needs_helper
def test_json_whose_helper_fails_is_encoded_here(run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy that dies halfway through the file: the run encodes it again from the start, whole."""
    from haze.render import report

    listfile = _synthetic(tmp_path)
    monkeypatch.chdir(tmp_path)
    plain = _json_run(run, tmp_path / "plain", listfile)
    parent = os.getpid()
    real = report.dump_to

    def dies_in_the_copy(file: Any, data: Any, end: str = "") -> int:
        if os.getpid() != parent:
            file.write(b'{\n  "level": "half')
            os.kill(os.getpid(), signal.SIGKILL)
        return real(file, data, end)

    monkeypatch.setattr(report, "dump_to", dies_in_the_copy)
    _aside_prints_as_plain(run, tmp_path / "failed", listfile, plain, monkeypatch)


@needs_helper
def test_an_aside_computes_in_the_copy_or_else_here(monkeypatch: pytest.MonkeyPatch) -> None:
    from haze.io.helper import Aside

    parent = os.getpid()
    with Aside(lambda: ("copy" if os.getpid() != parent else "here", list(range(5)))) as aside:
        assert aside.result() == ("copy", [0, 1, 2, 3, 4])
    monkeypatch.setenv(ENV, "0")
    with Aside(lambda: "here" if os.getpid() == parent else "copy") as aside:
        assert aside.result() == "here"
    assert _no_children_left()


@needs_helper
def test_json_whose_temporary_file_fails_is_printed_all_the_same(run: Any, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The warning is recorded before the JSON is finished: a temporary directory that fills up (here, a
    write that fails in the run) leaves the reporter to encode it, and the run exits 0 with the same bytes."""
    import io

    listfile = _synthetic(tmp_path)
    monkeypatch.chdir(tmp_path)
    plain = _json_run(run, tmp_path / "plain", listfile)

    class Full(io.BytesIO):
        def write(self, data: Any) -> int:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr("tempfile.TemporaryFile", lambda: Full())
    _aside_prints_as_plain(run, tmp_path / "full", listfile, plain, monkeypatch)


def _aside_prints_as_plain(run: Any, folder: Path, listfile: Path, plain: Any,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    """activate --json with the JSON aside (whatever the test broke in it): recorded, exit 0, plain's bytes."""
    from haze.commands import activate as command

    monkeypatch.setattr(command, "ENCODED_ASIDE_FROM", 1)
    done = _json_run(run, folder, listfile)
    assert done.exit_code == 0, done.stderr
    assert done.stdout_bytes == plain.stdout_bytes
    assert _recorded(folder / "j.db") == 1
    assert _no_children_left()


@needs_helper
@pytest.mark.parametrize("batch", [997, 4093, 1 << 20])
def test_json_encoded_aside_is_whole_whatever_its_last_write(run: Any, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    """The copy ends with os._exit: a last piece smaller than the file's buffer must reach the file too
    (a province-size list whose last megabyte ended a few kB in printed a hole of NUL bytes)."""
    from haze.render import report

    listfile = _synthetic(tmp_path)
    monkeypatch.chdir(tmp_path)
    plain = _json_run(run, tmp_path / "plain", listfile)
    from haze.cli.reporters import json as json_reporter

    monkeypatch.setattr(report, "DUMP_BATCH", batch)
    encoded_again: list[int] = []
    real = json_reporter.emit_json
    monkeypatch.setattr(json_reporter, "emit_json", lambda data: (encoded_again.append(1), real(data)))
    _aside_prints_as_plain(run, tmp_path / f"batch-{batch}", listfile, plain, monkeypatch)
    assert encoded_again == []  # the copy's file was whole: printed as it was, not encoded again


@needs_helper
def test_json_aside_that_cannot_fork_is_encoded_here(run: Any, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """No fork (EAGAIN: too many processes) never fails the warning: the run encodes its JSON itself."""
    from haze.io import helper as helper_module

    listfile = _synthetic(tmp_path)
    monkeypatch.chdir(tmp_path)
    plain = _json_run(run, tmp_path / "plain", listfile)

    def no_fork(self: Any) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(helper_module.HelperProcess, "_fork", no_fork)
    _aside_prints_as_plain(run, tmp_path / "no-fork", listfile, plain, monkeypatch)
