"""The interface language (SPEC §17): ``zh`` or ``en``, and gettext lookups.

Every sentence haze writes for a person is written in English in the source and marked
``_("…")``; the Chinese is in the gettext catalog ``haze/locale/zh/LC_MESSAGES/haze.po``
(compiled to ``haze.mo``, both shipped as package data). Placeholders are named and filled
after the lookup — ``_("{count} enterprises").format(count=n)`` — because a translation
may put them in another order. ``N_`` marks a string for extraction where the lookup must
wait (tables of titles built at import time).

The language is process state, set once by the CLI from ``--ui``/haze.yaml/HAZE_UI/the
locale; the catalog is read on the first Chinese lookup only, so ``haze --help`` in English
never opens it. Notice language (``--lang``) is separate: notices come from templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gettext import GNUTranslations

LANGUAGES = ("zh", "en")
SOURCE_LANGUAGE = "en"

_language = SOURCE_LANGUAGE
_catalogs: dict[str, GNUTranslations] = {}


def set_language(language: str) -> None:
    """Make ``language`` (``zh`` or ``en``) the interface language of this process."""
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown interface language {language!r}")
    _language = language


def language() -> str:
    """The interface language in use: ``zh`` or ``en``."""
    return _language


def _catalog(language: str) -> GNUTranslations:
    catalog = _catalogs.get(language)
    if catalog is None:
        import gettext
        from importlib.resources import files

        mo = files("haze").joinpath("locale", language, "LC_MESSAGES", "haze.mo")
        with mo.open("rb") as stream:
            catalog = gettext.GNUTranslations(stream)
        _catalogs[language] = catalog
    return catalog


def _(message: str) -> str:
    """``message`` in the interface language (itself in English or when untranslated)."""
    if _language == SOURCE_LANGUAGE or not message:
        return message
    return _catalog(_language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the interface language (Chinese has one)."""
    if _language == SOURCE_LANGUAGE:
        return singular if n == 1 else plural
    return _catalog(_language).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without looking it up now; look it up later with ``_``."""
    return message


def resolve_language(ui_option: str | None, config_ui: str | None, environ: Mapping[str, str],
                     windows_ui: str | None = None) -> str:
    """The interface language (SPEC §17): ``--ui``, else haze.yaml ``ui:``, else ``HAZE_UI``, else the locale.

    The locale is the first of LC_ALL, LC_MESSAGES, LANG that is set (POSIX order; on Windows the
    user's UI language, ``windows_ui``): ``zh…`` gives ``zh``, anything else ``en``.
    """
    for chosen in (ui_option, config_ui, environ.get("HAZE_UI")):
        if chosen:
            code = str(chosen).strip().lower()
            if code in LANGUAGES:
                return code
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else SOURCE_LANGUAGE
    if windows_ui:
        return "zh" if windows_ui.lower().startswith("zh") else SOURCE_LANGUAGE
    return SOURCE_LANGUAGE
