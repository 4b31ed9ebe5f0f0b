"""Extract, update and compile haze's interface catalog (docs/i18n.md). A development tool, not shipped.

    python scripts/catalog.py compile   # haze.po -> haze.mo (after editing the .po)
    python scripts/catalog.py update    # extract src/haze -> haze.pot, merge into haze.po, compile
    python scripts/catalog.py check     # what tests/test_i18n_catalog.py checks, as a list of problems

``update`` rewrites the whole .po in source order; while several branches each append their
block to the .po, run only ``compile`` and let whoever merges run ``update`` once.
Needs Babel (the ``test`` extra).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "src/haze/locale/zh/LC_MESSAGES/haze.po"
MO = PO.with_suffix(".mo")
POT = ROOT / "build/haze.pot"
#: exactly the keywords of haze.core.i18n; nothing else is a message
KEYWORDS = ["--no-default-keywords", "-k", "_", "-k", "N_", "-k", "ngettext:1,2"]


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def extract() -> None:
    POT.parent.mkdir(exist_ok=True)
    pybabel("extract", "-F", "babel.cfg", *KEYWORDS, "--no-location", "--sort-by-file", "--project", "haze",
            "-o", str(POT), ".")
    add_help_messages()


def add_help_messages() -> None:
    """The help click shows (docstrings, help= texts): no _() call for the extractor to find (cli/i18n.py);
    and click's own messages (Usage:, Missing option…), which haze translates (tests/test_i18n_catalog.py)."""
    import click
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po, write_po

    sys.path.insert(0, str(ROOT / "src"))
    from haze.cli.i18n import help_messages

    with POT.open("rb") as stream:
        catalog = read_po(stream)
    for msgid in help_messages():
        if msgid not in catalog:
            catalog.add(msgid)
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(Path(click.__file__).parent), [("**.py", "python")], keywords={"_": None, "ngettext": (1, 2)}):
        key = message[0] if isinstance(message, tuple) else message
        if key and key not in catalog:
            catalog.add(message, auto_comments=["click"])
    # click's words of other versions pyproject allows (8.2 says "No such option: {name}"): kept, marked ``#. click``
    with PO.open("rb") as stream:
        for message in read_po(stream, locale="zh"):
            if message.id and "click" in message.auto_comments and message.id not in catalog:
                catalog.add(message.id, auto_comments=["click"], flags=message.flags)
    with POT.open("wb") as stream:
        write_po(stream, catalog, no_location=True)


def compile_mo() -> None:
    pybabel("compile", "-i", str(PO), "-o", str(MO), "--statistics")


def update() -> None:
    extract()
    # --ignore-obsolete: a message the code no longer says leaves the catalog (the test refuses obsolete entries)
    pybabel("update", "-i", str(POT), "-o", str(PO), "-l", "zh", "--ignore-obsolete", "--no-fuzzy-matching",
            "--no-wrap")
    compile_mo()


def check() -> int:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_i18n_catalog import catalog_problems  # the one definition of "complete"

    problems = catalog_problems(ROOT / "src/haze", PO, MO)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    actions = {"compile": compile_mo, "update": update, "extract": extract}
    if argv[1:] == ["check"]:
        return check()
    if len(argv) != 2 or argv[1] not in actions:
        print(__doc__, file=sys.stderr)
        return 2
    actions[argv[1]]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
