"""Every class a shipped HTML template gives an element is styled by _style.html.j2, the one stylesheet
(SPEC §16: HTML prints on A4 too). The city's notices once used ``signature`` and ``warning``, which no
rule defined: printed, the seal room and the red box of a shortfall were gone."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
#: classes that mark structure for a reader of the HTML (and tests), not a look: no rule needed
STRUCTURAL = {"notice", "cut", "gantt"}
_JINJA = re.compile(r"\{[{%].*?[}%]\}|\{#.*?#\}", re.S)


def defined_classes(own: str = "") -> set[str]:
    """The classes _style.html.j2 styles, and those a template's own ``<style>`` adds (the season index's)."""
    style = (TEMPLATES / "_style.html.j2").read_text(encoding="utf-8") + "".join(
        re.findall(r"<style>(.*?)</style>", own, flags=re.S))
    style = re.sub(r"/\*.*?\*/", " ", _JINJA.sub(" ", style), flags=re.S)
    return set(re.findall(r"\.([A-Za-z][\w-]*)", style))


def used_classes(text: str) -> set[str]:
    return {name for value in re.findall(r'class="([^"]*)"', text) for name in _JINJA.sub(" ", value).split()}


def test_every_class_in_an_html_template_has_a_rule() -> None:
    templates = [path for path in sorted(TEMPLATES.glob("*.html.j2")) if not path.name.startswith("_")]
    assert len(templates) >= 18  # every kind of notice and index, zh and en
    texts = {path.name: path.read_text(encoding="utf-8") for path in templates}
    missing = {name: sorted(used_classes(text) - defined_classes(text) - STRUCTURAL) for name, text in texts.items()}
    assert {name: classes for name, classes in missing.items() if classes} == {}


def test_the_check_sees_a_class_without_a_rule() -> None:
    assert used_classes('<p class="warning {{ x }}">') - defined_classes() == {"warning"}
