"""The language batch_zoom speaks to people: English, or Japanese.

Standard gettext: messages are written in English in the code as ``_("row {row}: ...")`` with
named placeholders filled by ``.format`` afterwards (never an f-string inside ``_()``: the
catalog could not find it), and looked up in the catalogs shipped in ``batch_zoom/locale``
(``.po`` is the source, ``.mo`` is compiled from it by ``pybabel compile``; a test keeps them in
step). Translate when the message is built, not at import time, so that the language chosen by
``--lang`` applies.

What stays English whatever the language: the status values, the result column headers and the
exit statuses, which scripts rely on.
"""

from __future__ import annotations

import gettext
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "batch_zoom"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("en", "ja")
DEFAULT_LANGUAGE = "en"
#: The locale variables, in the order POSIX gives them precedence.
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")

_lock = threading.Lock()
_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


def choose_language(flag: str | None, environment: Mapping[str, str]) -> str:
    """``--lang``, else ``BATCH_ZOOM_LANG``, else the locale; English for anything else."""
    for value in (flag, environment.get("BATCH_ZOOM_LANG")):
        if value and value.strip():
            return _known(value)
    for name in LOCALE_VARIABLES:
        value = environment.get(name, "").strip()
        if value and value not in ("C", "POSIX"):
            # LANGUAGE may list several (ja:en); the first one decides.
            return _known(value.split(":")[0])
    return _known(_windows_ui_language() or DEFAULT_LANGUAGE)


def _known(value: str) -> str:
    code = value.strip().replace("-", "_").split(".")[0].split("_")[0].casefold()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def _windows_ui_language() -> str | None:
    if sys.platform != "win32":
        return None
    try:
        import ctypes
        import locale

        language_id = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
        return locale.windows_locale.get(language_id)
    except Exception:  # the UI language is only a default; any failure means English
        return None


def use_language(language: str) -> None:
    """Speak ``language`` from now on (the CLI calls this once, before anything is said)."""
    global _translations, _language
    language = _known(language)
    with _lock:
        if language == DEFAULT_LANGUAGE:
            _translations = gettext.NullTranslations()
        else:
            _translations = gettext.translation(
                DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True
            )
        _language = language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """``message`` in the language in use."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translations.ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for "mark, translate later")
    """Mark ``message`` for the catalog without translating it yet (for module-level text)."""
    return message


#: What argparse itself says in ``--help`` and its errors. argparse marks these for gettext and
#: looks them up through its module's ``_``/``ngettext`` at call time; ``argparse_speaks``
#: points those at our catalog, so usage lines and errors follow ``--lang`` like the rest.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("expected one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("not allowed with argument %s"),
)


def argparse_speaks() -> None:
    """Let argparse's own words (``usage:``, ``options``, its errors) follow the language."""
    import argparse

    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
