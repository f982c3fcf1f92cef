"""The Japanese catalog: complete, faithful to each message's placeholders, compiled in step."""

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import batch_zoom
from batch_zoom import i18n
from batch_zoom.i18n import _, choose_language, use_language

PACKAGE = Path(batch_zoom.__file__).parent
LOCALE = PACKAGE / "locale"
PO = LOCALE / "ja" / "LC_MESSAGES" / "batch_zoom.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None}


def _source_messages() -> set[str]:
    """Every message the code marks for translation, found the way pybabel finds them."""
    found: set[str] = set()
    method_map = [("sandbox/**", "ignore"), ("**.py", "python")]
    for _file, _line, message, _comments, _context in extract_from_dir(
        PACKAGE, method_map=method_map, keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            found.update(part for part in message if part)
        else:
            found.add(message)
    return found


def _catalog() -> dict[str, str]:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="ja")
    entries: dict[str, str] = {}
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"fuzzy translation: {message.id!r}"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            entries[msgid] = strings[0] if strings else ""
    return entries


def _placeholders(text: str) -> list[str]:
    names = sorted(field for _, field, _, _ in string.Formatter().parse(text) if field is not None)
    printf = sorted(re.findall(r"%(?:\((\w+)\))?[sdrf]", text))
    return names + printf


def test_every_message_has_a_japanese_translation() -> None:
    catalog = _catalog()
    missing = sorted(message for message in _source_messages() if not catalog.get(message))
    assert not missing, (
        f"{len(missing)} messages have no Japanese translation: {missing[:10]} (add them to "
        "batch_zoom/locale/ja/LC_MESSAGES/batch_zoom.po and compile: docs/developers.md)"
    )


def test_the_catalog_holds_no_message_the_code_no_longer_says() -> None:
    stale = sorted(set(_catalog()) - _source_messages())
    assert not stale, f"catalog entries no code uses (run pybabel update): {stale[:10]}"


def test_translations_keep_the_placeholders_of_the_original() -> None:
    wrong = {
        msgid: translation
        for msgid, translation in _catalog().items()
        if translation and _placeholders(msgid) != _placeholders(translation)
    }
    assert not wrong, f"placeholders differ: {wrong}"


def test_the_compiled_catalog_is_in_step_with_its_source() -> None:
    with MO.open("rb") as handle:
        compiled = {
            msgid: _first(message.string)
            for message in read_mo(handle)
            if message.id
            for msgid in (message.id if isinstance(message.id, list | tuple) else [message.id])
        }
    source = _catalog()
    assert {key: compiled.get(key) for key in source} == source, "run pybabel compile"


def _first(value: object) -> str:
    """A plural message's first form; a plain message as it is."""
    return str(value[0]) if isinstance(value, list | tuple) else str(value)


@pytest.mark.parametrize(
    ("flag", "environment", "expected"),
    [
        ("ja", {}, "ja"),
        ("en", {"LANG": "ja_JP.UTF-8"}, "en"),
        (None, {"BATCH_ZOOM_LANG": "ja"}, "ja"),
        ("en", {"BATCH_ZOOM_LANG": "ja"}, "en"),
        (None, {"BATCH_ZOOM_LANG": "en", "LANG": "ja_JP.UTF-8"}, "en"),
        (None, {"LANG": "ja_JP.UTF-8"}, "ja"),
        (None, {"LC_ALL": "ja_JP.eucJP", "LANG": "en_US.UTF-8"}, "ja"),
        (None, {"LC_ALL": "en_US.UTF-8", "LANG": "ja_JP.UTF-8"}, "en"),
        (None, {"LC_MESSAGES": "ja_JP", "LANG": "C"}, "ja"),
        (None, {"LANG": "C", "LANGUAGE": "ja:en"}, "ja"),
        (None, {"LANG": "C"}, "en"),
        (None, {"LANG": "fr_FR.UTF-8"}, "en"),
        (None, {"LANG": "POSIX"}, "en"),
        (None, {"BATCH_ZOOM_LANG": "ja-JP"}, "ja"),
        (None, {}, "en"),
    ],
)
def test_the_language_is_chosen_by_flag_then_variable_then_locale(
    flag: str | None, environment: dict[str, str], expected: str
) -> None:
    assert choose_language(flag, environment) == expected


def test_messages_follow_the_language_in_use() -> None:
    use_language("ja")
    try:
        assert _("options") == "オプション"
        assert i18n.current_language() == "ja"
    finally:
        use_language("en")
    assert _("options") == "options"


def test_help_follows_lang_and_the_locale(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from batch_zoom.cli import main

    monkeypatch.delenv("BATCH_ZOOM_LANG")
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    for argv, expected, absent in (
        (["--help"], "使い方:", "usage:"),
        (["--lang", "ja", "--help"], "使い方:", "usage:"),
        (["--lang", "en", "--help"], "usage:", "使い方"),
        (["--lang=en", "--help"], "usage:", "使い方"),
    ):
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        assert stopped.value.code == 0
        shown = capsys.readouterr().out
        assert expected in shown and absent not in shown, argv
