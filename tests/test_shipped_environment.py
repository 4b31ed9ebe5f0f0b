"""Which environment a notice set renders in (issue 16): haze's own templates without the sandbox, a bureau's in it.

The choice is made by where a template file is (the package's directory), never by its name: a
bureau's ``notice.zh.md.j2`` is a shipped name, and it must still meet the bounded sandbox.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import COUNTY, write
from haze.core.errors import TemplateError
from haze.render.notices import notice_environment


def test_without_templates_only_the_package_directory_can_be_loaded() -> None:
    from jinja2.sandbox import SandboxedEnvironment

    env = notice_environment(lang="zh", fmt="md")
    assert not isinstance(env, SandboxedEnvironment)
    assert env.loader.user is None  # type: ignore[union-attr]
    template = env.get_template("notice.zh.md.j2")
    assert Path(template.filename or "").parent == Path(str(env.loader.package))  # type: ignore[union-attr]


def test_a_bureau_template_with_a_shipped_name_renders_in_the_sandbox(tmp_path: Path) -> None:
    from jinja2.sandbox import SandboxedEnvironment

    write(tmp_path / "notice.zh.md.j2", "{{ enterprise.__class__ }}\n")
    env = notice_environment(lang="zh", fmt="md", templates=tmp_path)
    assert isinstance(env, SandboxedEnvironment)
    assert env.get_template("notice.zh.md.j2").filename == str(tmp_path / "notice.zh.md.j2")
    # the shipped files it falls back on are compiled in the same sandbox
    assert env.get_template("_phrases.zh.j2").environment is env


def test_a_bureau_notice_named_like_a_shipped_one_is_refused_by_the_sandbox(run, tmp_path: Path) -> None:
    templates = tmp_path / "tpl"
    write(templates / "notice.zh.md.j2", "{{ ''.__class__.__mro__ }}\n")
    result = run("activate", "orange", "--list", str(COUNTY), "--templates", str(templates), "--out",
                 str(tmp_path / "out"), "--journal", str(tmp_path / "j.db"), "--no-cache")
    assert result.exit_code == 2
    assert "notice.zh.md.j2:1" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_bureau_template_is_still_limited_in_size(tmp_path: Path) -> None:
    write(tmp_path / "notice.zh.md.j2", '{{ "x" * 10**10 }}\n')
    env = notice_environment(lang="zh", fmt="md", templates=tmp_path)
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        env.get_template("notice.zh.md.j2").render()


def test_a_missing_templates_directory_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="templates directory not found"):
        notice_environment(templates=tmp_path / "absent")
