"""Which interface language a run speaks (SPEC §17): --ui, haze.yaml ui:, HAZE_UI, the locale."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haze.core import i18n
from haze.core.errors import UsageError
from haze.core.i18n import resolve_language

ZH_CN_UTF8 = {"LANG": "zh_CN.UTF-8"}


@pytest.mark.parametrize(("ui", "config", "environ", "expected"), [
    ("en", "zh", {"HAZE_UI": "zh", "LC_ALL": "zh_CN.UTF-8"}, "en"),  # --ui decides over everything
    ("zh", None, {"LANG": "C"}, "zh"),
    (None, "en", {"HAZE_UI": "zh", "LANG": "zh_CN.UTF-8"}, "en"),  # then haze.yaml
    (None, None, {"HAZE_UI": "zh", "LANG": "en_US.UTF-8"}, "zh"),  # then HAZE_UI
    (None, None, {"HAZE_UI": "en", "LANG": "zh_CN.UTF-8"}, "en"),
    (None, None, {"HAZE_UI": "", "LANG": "zh_CN.UTF-8"}, "zh"),  # an empty HAZE_UI is unset
    (None, None, ZH_CN_UTF8, "zh"),
    (None, None, {"LANG": "zh_TW.Big5"}, "zh"),
    (None, None, {"LANG": "zh"}, "zh"),
    (None, None, {"LANG": "en_GB.UTF-8"}, "en"),
    (None, None, {"LANG": "C.UTF-8"}, "en"),
    (None, None, {"LANG": "POSIX"}, "en"),
    (None, None, {"LANG": "de_DE.UTF-8"}, "en"),
    (None, None, {"LC_ALL": "C", "LC_MESSAGES": "zh_CN.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL first
    (None, None, {"LC_ALL": "", "LC_MESSAGES": "zh_CN.UTF-8", "LANG": "C"}, "zh"),  # an empty one is skipped
    (None, None, {"LC_MESSAGES": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    (None, None, {}, "en"),
    ("ZH", None, {}, "zh"),  # a locale-like value is taken by its language
    (None, "zh_CN", {}, "zh"),
    (None, None, {"HAZE_UI": "zh-Hans"}, "zh"),
    (None, None, {"HAZE_UI": "en_US.UTF-8"}, "en"),
])
def test_the_order_of_spec_17(ui, config, environ, expected) -> None:
    assert resolve_language(ui, config, environ, windows_ui=None) == expected


@pytest.mark.parametrize(("langid", "expected"), [
    (0x0804, "zh"),  # zh-CN
    (0x0404, "zh"),  # zh-TW
    (0x0C04, "zh"),  # zh-HK
    (0x1004, "zh"),  # zh-SG
    (0x7804, "zh"),  # zh (neutral)
    (0x0409, "en"),  # en-US
    (0x0411, "en"),  # ja-JP: not Chinese, so English
    (0x0004 | 0x0400, "zh"),
])
def test_windows_display_language(langid, expected) -> None:
    assert resolve_language(None, None, {}, windows_ui=langid) == expected


def test_the_locale_variables_come_before_the_windows_language() -> None:
    # Git Bash on a Chinese Windows sets LANG: what the shell says is what the user chose there
    assert resolve_language(None, None, {"LANG": "en_US.UTF-8"}, windows_ui=0x0804) == "en"


@pytest.mark.parametrize(("ui", "config", "environ", "source"), [
    ("fr", None, {}, "--ui"),
    (None, "chinese", {}, "haze.yaml ui"),
    (None, 3, {}, "haze.yaml ui"),
    (None, None, {"HAZE_UI": "cn"}, "HAZE_UI"),
])
def test_a_bad_value_is_a_usage_error_naming_where_it_came_from(ui, config, environ, source) -> None:
    with pytest.raises(UsageError) as caught:
        resolve_language(ui, config, environ | ZH_CN_UTF8)
    message = str(caught.value)
    assert caught.value.exit_code == 2
    assert message.startswith(f"{source}: ") and "zh or en" in message and "界面语言只能是 zh 或 en" in message
    assert "\n" not in message


locale_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.-@0123456789", max_size=20)


@given(ui=st.one_of(st.none(), st.sampled_from(["zh", "en"])), config=st.one_of(st.none(), st.sampled_from(["zh", "en"])),
       haze_ui=st.one_of(st.none(), st.sampled_from(["zh", "en", ""])),
       lc_all=st.one_of(st.none(), locale_names), lang=st.one_of(st.none(), locale_names))
def test_the_first_given_decides_and_the_answer_is_always_zh_or_en(ui, config, haze_ui, lc_all, lang) -> None:
    environ = {k: v for k, v in (("HAZE_UI", haze_ui), ("LC_ALL", lc_all), ("LANG", lang)) if v is not None}
    result = resolve_language(ui, config, environ, windows_ui=0x0409)
    assert result in ("zh", "en")
    first = next((v for v in (ui, config, haze_ui or None) if v is not None), None)
    if first is not None:
        assert result == first
    else:
        locale = next((v for v in (lc_all, lang) if v), "")
        assert result == ("zh" if locale.lower().startswith("zh") else "en")


def test_ui_in_haze_yaml_is_read_and_checked(tmp_path: Path) -> None:
    from haze.io.config import KEYS, read_config

    assert "ui" in KEYS
    good = tmp_path / "haze.yaml"
    good.write_text("ui: ZH\n", encoding="utf-8")
    assert read_config(good)["ui"] == "zh"
    bad = tmp_path / "bad" / "haze.yaml"
    bad.parent.mkdir()
    bad.write_text("ui: klingon\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"haze\.yaml: ui: 'klingon' is not an interface language; use zh or en"):
        read_config(bad)


def test_set_language_refuses_anything_else_and_the_fixture_restores_english(ui_zh: None) -> None:
    assert i18n.language() == "zh"
    with pytest.raises(ValueError):
        i18n.set_language("fr")
    assert i18n.language() == "zh"


def test_every_test_starts_in_english() -> None:
    assert i18n.language() == "en"
    assert i18n._("no such file") == "no such file"


def test_plural_forms(ui_zh: None) -> None:
    singular, plural = ("{report_path}: the list cannot be computed ({count} error)",
                        "{report_path}: the list cannot be computed ({count} errors)")
    assert i18n.ngettext(singular, plural, 1) == i18n.ngettext(singular, plural, 5) == \
        "{report_path}：清单无法计算（{count} 处错误）"
    i18n.set_language("en")
    assert i18n.ngettext(singular, plural, 1) == singular and i18n.ngettext(singular, plural, 2) == plural
