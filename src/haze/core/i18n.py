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

import sys
from typing import TYPE_CHECKING, Iterable, Mapping

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


#: the locale variables in POSIX order: the first one set and non-empty decides (LANGUAGE is GNU's, not POSIX's)
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
#: PRIMARYLANGID of a Windows LANGID (its low 10 bits) for Chinese, of every region and script
LANG_CHINESE = 0x04


def normalise_language(value: object) -> str | None:
    """``zh`` or ``en`` for a value a person writes (``zh``, ``ZH``, ``zh_CN``, ``zh-Hans``, ``en_US``…), else None.

    Only the language part counts, so a locale name pasted into ``HAZE_UI`` works too.
    """
    if not isinstance(value, str):
        return None
    head = value.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
    return head if head in LANGUAGES else None


def locale_language(name: str) -> str:
    """The interface language of a POSIX locale name: ``zh*`` is Chinese, anything else (C, POSIX, en_US…) English."""
    return "zh" if name.strip().lower().startswith("zh") else "en"


def windows_language(langid: int) -> str:
    """The interface language of a Windows LANGID (``GetUserDefaultUILanguage``): primary language 0x04 is Chinese."""
    return "zh" if langid & 0x3FF == LANG_CHINESE else "en"


def _windows_ui_langid() -> int | None:
    """The user's Windows display language, or None off Windows or when it cannot be asked."""
    if sys.platform != "win32":
        return None
    try:
        import ctypes

        return int(ctypes.windll.kernel32.GetUserDefaultUILanguage())  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return None


def _invalid(source: str, value: object) -> Exception:
    from haze.core.errors import UsageError

    # Both languages in one line: the language is not known yet when this is said.
    return UsageError(f"{source}: {value!r} is not an interface language; use zh or en "
                      f"(界面语言只能是 zh 或 en)")


def resolve_language(ui_option: str | None, config_ui: object, environ: Mapping[str, str],
                     windows_ui: int | None = None) -> str:
    """The interface language of a run, by SPEC §17's order: the first that is given decides.

    ``--ui``, then ``ui:`` in haze.yaml, then ``HAZE_UI``, then the locale (LC_ALL, LC_MESSAGES,
    LANG: the first non-empty one, as POSIX reads them), then on Windows the user's display
    language (``windows_ui``, a LANGID; asked of the system when None), else English. A value
    given for ``--ui``, ``ui:`` or ``HAZE_UI`` that is not zh or en is a usage error (exit 2),
    never silently ignored: a bureau that set Chinese and gets English would not know why.
    An empty ``HAZE_UI`` counts as unset, as empty locale variables do.
    """
    for source, value in (("--ui", ui_option), ("haze.yaml ui", config_ui),
                          ("HAZE_UI", environ.get("HAZE_UI") or None)):
        if value is None:
            continue
        chosen = normalise_language(value)
        if chosen is None:
            raise _invalid(source, value)
        return chosen
    for variable in LOCALE_VARIABLES:
        name = environ.get(variable)
        if name:
            return locale_language(name)
    langid = windows_ui if windows_ui is not None else _windows_ui_langid()
    if langid is not None:
        return windows_language(langid)
    return SOURCE_LANGUAGE


def language() -> str:
    """The interface language in use: ``zh`` or ``en``."""
    return _language


def series(items: Iterable[str], *, outer: bool = False) -> str:
    """Words listed as the interface language lists them: ``a, b`` in English, ``a、b`` in Chinese.

    ``outer`` is for a list whose items hold lists themselves (``A (A级, A类), B (…)``):
    Chinese then separates the items with ``；``, as a bureau writes it.
    """
    if _language != "zh":
        return ", ".join(items)
    return ("；" if outer else "、").join(items)


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


def catalog_fingerprint() -> str:
    """What decides the text of a message in this run: the language and, in Chinese, the catalog's bytes.

    The parse cache keys its entries with it (findings are stored as text), so a zh run never
    reads English findings an en run stored, nor the words of an older catalog.
    """
    if _language == SOURCE_LANGUAGE:
        return _language
    import hashlib
    from importlib.resources import files

    mo = files("haze").joinpath("locale", _language, "LC_MESSAGES", "haze.mo")
    return f"{_language}:{hashlib.sha256(mo.read_bytes()).hexdigest()[:16]}"


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


#: what the operating system (and SQLite) says of a failure, by errno, as a person reads it in Chinese
_OS_REASONS = {
    "ENOENT": N_("no such file or directory"),
    "EACCES": N_("permission denied"),
    "EPERM": N_("operation not permitted"),
    "ENOSPC": N_("no space left on the disk"),
    "EDQUOT": N_("disk quota exceeded"),
    "EROFS": N_("read-only file system"),
    "EISDIR": N_("is a directory"),
    "ENOTDIR": N_("not a directory"),
    "EEXIST": N_("file exists"),
    "ENOTEMPTY": N_("directory not empty"),
    "EBUSY": N_("device or resource busy"),
    "ENAMETOOLONG": N_("file name too long"),
    "EIO": N_("input/output error (the disk or network drive failed)"),
    "EMFILE": N_("too many open files"),
    "EXDEV": N_("cannot move across disks"),
    "ELOOP": N_("too many levels of symbolic links"),
    "EINVAL": N_("invalid argument"),
    "EAGAIN": N_("resource temporarily unavailable"),
}
_SQLITE_REASONS = {
    "file is not a database": N_("file is not a database"),
    "database disk image is malformed": N_("database disk image is malformed"),
    "database is locked": N_("database is locked"),
    "unable to open database file": N_("unable to open database file"),
    "disk I/O error": N_("disk I/O error"),
    "database or disk is full": N_("database or disk is full"),
}


def os_reason(exc: BaseException) -> str:
    """Why an operating-system or SQLite call failed, for a message's ``{problem}``.

    English keeps the system's own words (``exc.strerror``, as before); Chinese gets them translated, so a
    clerk never reads "Permission denied" inside a Chinese sentence. An errno without a translation is named
    by its symbol (EPROTO), which a technician can look up.
    """
    text = str(getattr(exc, "strerror", None) or exc)
    if _language == SOURCE_LANGUAGE:
        return text
    import errno

    code = getattr(exc, "errno", None)
    name = errno.errorcode.get(code) if isinstance(code, int) else None
    if name in _OS_REASONS:
        return _(_OS_REASONS[name])
    if text in _SQLITE_REASONS:
        return _(_SQLITE_REASONS[text])
    return _("system error {name}").format(name=name) if name else text
