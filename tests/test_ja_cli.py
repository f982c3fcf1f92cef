"""The command line in Japanese (issue 15): the run's lines, exit-2 reasons, ``--help``, prompts.

Real runs through ``main`` against the sandbox over real HTTP, under a Japanese locale or with
``--lang ja``. What stays English inside the Japanese lines: the status values, column names, file
names, flags, environment variables, the program's name and Zoom's own words. ``--lang en`` under
a Japanese locale is English throughout.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import unicodedata
from pathlib import Path

import pytest
from conftest import meeting_rows, point_environment_at, read_csv, write_csv

import batch_zoom
from batch_zoom import cli
from batch_zoom.cli import _Bar, _is_yes, main
from batch_zoom.i18n import use_language
from batch_zoom.models import RegistrationStatus, Status
from batch_zoom.sandbox import ZoomSandbox

JAPANESE = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
#: What a Japanese line may keep in Latin letters: names of things, not words of a sentence.
NOT_WORDS = [
    re.compile(pattern)
    for pattern in (
        r"python -m batch_zoom",  # the command of the examples
        r"\bbatch-zoom\b",  # the same command, as pip installs it
        r"「[^」]*」",  # the user's own cell value, quoted
        r"\S*[/\\]\S*",  # paths, IANA zones, dmy|mdy
        r"[\w.-]*\.(?:csv|xlsx|xlsm|ics|html|env|journal)\b",  # file names and kinds
        r"[\w.+-]+@[\w.-]+",  # emails
        r"--?[A-Za-z][\w-]*",  # flags
        r"\b[A-Z][A-Z0-9_]+\b",  # environment variables, metavars
        r"\{[\w,]+\}",  # argparse's choices
        r"\b\w+:\w+:\w+\b",  # Zoom's scope names
        r"batch_zoom:",  # the program's name that begins a stderr line
        r"^hint:",  # the hint marker, as test_ja_run expects it in Japanese too
    )
]
KEPT = (
    {status.value for status in Status}
    | {status.value for status in RegistrationStatus}
    | {"Zoom", "URL", "ID", "OAuth", "Server", "to", "Pro", "Business", "IANA", "CSV", "BOM"}
    | {"UTF", "Shift_JIS", "cp932", "cp1252", "latin", "yes", "no", "none", "local", "cloud"}
    | {"me", "ja", "en", "dmy", "mdy", "http", "batch_zoom", "Meeting", "INPUT_scheduled"}
    | {"INPUT_sandbox", "INPUT_check", "topic", "start_time", "duration", "timezone", "host"}
    | {"pip"}  # the installer the user runs, by its name
    | {"Hosts"}  # the sheet of the user's workbook that lists the hosts
    | {"App", "Marketplace", "Manage", "Credentials"}  # Zoom's own pages, as Zoom names them
)


def english_left(text: str) -> list[str]:
    """The English words of ``text`` that are neither a kept name nor a kept value."""
    left = []
    for line in text.splitlines():
        for pattern in NOT_WORDS:
            line = pattern.sub(" ", line)
        left += [word for word in re.findall(r"[A-Za-z][A-Za-z0-9_']+", line) if word not in KEPT]
    return left


def japanese_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Japanese desktop: the locale says ja, and no BATCH_ZOOM_LANG (conftest pins en)."""
    monkeypatch.delenv("BATCH_ZOOM_LANG", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")


def another_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """A French desktop with BATCH_ZOOM_LANG=en: only ``--lang ja`` asks for Japanese."""
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")


class Terminal(io.StringIO):
    """Someone at a terminal, typing what the StringIO holds."""

    def isatty(self) -> bool:
        return True


def bad_row_batch(tmp_path: Path) -> Path:
    """Three good rows and row 3 with a duration that is not one."""
    rows = meeting_rows(3)
    rows.insert(1, ["Broken", "2030-01-07 10:00", "abc", "Asia/Tokyo", "host1@example.com"])
    return write_csv(tmp_path / "bad.csv", rows)


def run_bad_batch(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *flags: str,
) -> tuple[int, str, str]:
    with ZoomSandbox() as sandbox:
        point_environment_at(monkeypatch, sandbox, tmp_path)
        status = main([bad_row_batch(tmp_path).name, "--report", "bad.html", *flags])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


JAPANESE_RUN = [
    "3行目: 所要時間「abc」は分数として読めません（例: 90、1:30、90分）",
    "4 行: 3 created、1 invalid",
    "Zoom で確認: 3 行、ミーティング 3 件、重複 0 件",
    "bad_scheduled.csv を書き出しました",
    "bad.html を書き出しました",
    "bad_scheduled.ics を書き出しました（参加者向けカレンダーファイル）",
]
ENGLISH_RUN = [
    'row 3: duration "abc" is not a number of minutes',
    "4 rows: 3 created, 1 invalid",
    "verified on Zoom: 3 rows, 3 meetings, 0 duplicates",
    "wrote bad_scheduled.csv",
    "wrote bad.html",
    "wrote bad_scheduled.ics (calendar file for participants)",
]


@pytest.mark.parametrize("choose", ["locale", "flag"])
def test_a_batch_with_a_bad_row_prints_japanese_lines(
    choose: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (japanese_locale if choose == "locale" else another_locale)(monkeypatch)
    flags = ("--lang", "ja") if choose == "flag" else ()
    status, out, err = run_bad_batch(tmp_path, monkeypatch, capsys, *flags)
    assert status == 1
    assert out.splitlines() == JAPANESE_RUN
    assert err == ""
    assert english_left(out) == []
    result = read_csv(tmp_path / "bad_scheduled.csv")
    assert [row["status"] for row in result] == ["created", "invalid", "created", "created"]
    assert result[1]["error"] == JAPANESE_RUN[0]


def test_lang_en_under_a_japanese_locale_is_all_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    japanese_locale(monkeypatch)
    status, out, err = run_bad_batch(tmp_path, monkeypatch, capsys, "--lang", "en")
    assert status == 1
    assert out.splitlines() == ENGLISH_RUN
    assert not JAPANESE.search(out + err)
    assert read_csv(tmp_path / "bad_scheduled.csv")[1]["error"] == ENGLISH_RUN[0]


def test_the_sandbox_notice_and_the_dry_run_read_japanese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    japanese_locale(monkeypatch)
    monkeypatch.chdir(tmp_path)
    path = bad_row_batch(tmp_path)
    assert main([str(path), "--sandbox"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == [
        "サンドボックス: これらのミーティングはこのコンピューター上の"
        "エミュレーターにしかありません。リンクは本物ではありません",
        "サンドボックス: ここでは形式の正しいホストのメールアドレスはすべて"
        "ユーザーとして扱います。Zoom での実行では、先にすべてのホストを確認します",
    ]
    assert main([str(path), "--dry-run"]) == 1
    shown = capsys.readouterr().out
    assert shown.startswith("列の読み取り方:\n")
    assert "4 行: 3 planned、1 invalid\n" in shown
    assert english_left(shown) == []


def test_missing_credentials_give_a_japanese_exit_2_reason_and_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    japanese_locale(monkeypatch)
    monkeypatch.chdir(tmp_path)
    for name in ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZOOM_CLIENT_ID", "client-given")
    assert main([str(bad_row_batch(tmp_path))]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "batch_zoom: Zoom の認証情報が設定されていません: ZOOM_ACCOUNT_ID、ZOOM_CLIENT_SECRET",
        "hint: Server-to-Server OAuth アプリの ZOOM_ACCOUNT_ID、ZOOM_CLIENT_ID、"
        "ZOOM_CLIENT_SECRET を環境変数か .env に設定してください。お試しなら --sandbox を付けて"
        "実行できます",
    ]
    assert captured.out == ""
    assert not (tmp_path / "bad_scheduled.csv").exists()


def test_a_wrong_secret_under_a_japanese_locale_is_a_japanese_exit_2_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with ZoomSandbox() as sandbox:
        point_environment_at(monkeypatch, sandbox, tmp_path)
        japanese_locale(monkeypatch)
        monkeypatch.setenv("ZOOM_CLIENT_SECRET", "wrong-secret-51ab")
        assert main([str(bad_row_batch(tmp_path))]) == 2
        assert sandbox.count(method="POST", path_contains="/meetings") == 0
    err = capsys.readouterr().err
    assert err.startswith("batch_zoom: Zoom が認証情報を受け付けませんでした: ")
    assert english_left(err.replace("Invalid client_id or client_secret", "")) == []
    assert "wrong-secret-51ab" not in err


@pytest.mark.parametrize(
    ("argv", "line", "hint"),
    [
        (
            ["missing.csv"],
            "batch_zoom: missing.csv が見つかりません",
            "hint: ファイル名をご確認ください。お試しなら samples/meetings.xlsx をどうぞ",
        ),
        (
            ["{input}", "--timezone", "Mars/Olympus"],
            "batch_zoom: --timezone 'Mars/Olympus' は既知のタイムゾーンではありません",
            "hint: Asia/Tokyo や America/New_York のような IANA の名前を指定してください",
        ),
        (
            ["{input}", "--rate", "0"],
            "batch_zoom: --rate は 0 より大きく、--workers は 1 以上にしてください",
            None,
        ),
        (
            ["{input}", "--workers", "0"],
            "batch_zoom: --rate は 0 より大きく、--workers は 1 以上にしてください",
            None,
        ),
        (
            ["{input}", "--hosts", "alice"],
            "batch_zoom: --hosts 'alice' には Zoom ユーザーのメールアドレスを並べてください",
            "hint: カンマで区切ってください。例: --hosts a@example.com,b@example.com",
        ),
    ],
)
def test_settings_refused_read_japanese(
    argv: list[str],
    line: str,
    hint: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    path = bad_row_batch(tmp_path)
    argv = [word.format(input=path) for word in argv]
    assert main([*argv, "--dry-run", "--lang", "ja"]) == 2
    assert capsys.readouterr().err.splitlines() == [line] + ([hint] if hint else [])


@pytest.mark.parametrize(
    ("flags", "japanese", "english"),
    [
        (
            ["--rate", "abc"],
            "引数 --rate: 'abc' は数値ではありません",
            "invalid float value: 'abc'",
        ),
        (["--workers", "1.5"], "引数 --workers: '1.5' は整数ではありません", "invalid int value"),
        (["--date-order", "ymd"], "引数 --date-order: 'ymd' は選べません", "invalid choice: 'ymd'"),
        (["--bogus"], "認識できない引数です: --bogus", "unrecognized arguments: --bogus"),
    ],
)
def test_a_flag_argparse_refuses_reads_japanese_and_stays_english_with_lang_en(
    flags: list[str],
    japanese: str,
    english: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    japanese_locale(monkeypatch)
    for language, expected in (("ja", japanese), ("en", english)):
        with pytest.raises(SystemExit) as stopped:
            main(["in.csv", *flags, "--lang", language])
        assert stopped.value.code == 2
        err = capsys.readouterr().err.splitlines()[-1]
        assert expected in err
        assert bool(JAPANESE.search(err)) is (language == "ja"), err


def test_full_width_digits_are_numbers_to_the_flags() -> None:
    args = cli.build_parser().parse_args(["in.csv", "--workers", "４", "--rate", "１２.５"])
    assert (args.workers, args.rate) == (4, 12.5)


def test_a_zoom_url_that_is_not_http_reads_japanese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZOOM_API_URL", "ftp://zoom.example")
    assert main([str(bad_row_batch(tmp_path)), "--dry-run", "--lang", "ja"]) == 2
    assert capsys.readouterr().err == (
        "batch_zoom: ZOOM_API_URL が http(s) の URL ではありません: 'ftp://zoom.example'\n"
    )


def help_text(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--help"], ["--lang", "ja", "--help"]])
def test_help_is_entirely_japanese_with_its_examples(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if argv == ["--help"]:
        japanese_locale(monkeypatch)
    monkeypatch.setenv("COLUMNS", "80")
    shown = help_text(argv, capsys)
    assert shown.startswith("使い方: python -m batch_zoom")
    for heading in ("\n引数:\n", "\nオプション:\n", "\n全行の既定値:\n", "\n例:\n"):
        assert heading in shown
    assert "アカウント不要で試す" in shown and "終了ステータス: 0 すべて完了" in shown
    assert "プログラムのバージョンを表示して終了します" in shown
    assert english_left(shown) == []
    japanese_lines = [line for line in shown.splitlines() if JAPANESE.search(line)]
    assert max(map(columns, japanese_lines)) <= 80  # wrapped by the columns a terminal gives it
    assert not [line for line in japanese_lines if line.lstrip()[:1] in tuple("、。）」:")]


def columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in line)


def test_japanese_help_breaks_between_characters_but_not_before_punctuation() -> None:
    formatter = cli._HelpFormatter("prog")
    text = "結果の書き出し先（既定: 入力の隣の INPUT_scheduled、例: december_scheduled.xlsx。）"
    lines = formatter._split_lines(text, 20)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(columns(line) <= 20 for line in lines[:-1])
    assert lines == [
        "結果の書き出し先（既",
        "定: 入力の隣の",
        "INPUT_scheduled、例:",
        "december_scheduled.xlsx。）",  # a word longer than the line is kept whole
    ]
    english = "check every row and write the output with planned/invalid; send nothing to Zoom"
    assert formatter._split_lines(english, 30) == argparse.HelpFormatter("p")._split_lines(
        english, 30
    )


def test_help_under_lang_en_and_a_japanese_locale_is_english(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    japanese_locale(monkeypatch)
    shown = help_text(["--lang", "en", "--help"], capsys)
    assert not JAPANESE.search(shown)
    assert "\nexamples:\n" in shown and "try it without a Zoom account" in shown
    assert "defaults for every row" in shown
    # the check would catch an English help: it is not blind
    assert {"the", "rows", "examples", "every"} <= set(english_left(shown))


def created_batch(tmp_path: Path) -> Path:
    assert main([str(write_csv(tmp_path / "made.csv", meeting_rows(3)))]) == 0
    return tmp_path / "made_scheduled.csv"


@pytest.mark.parametrize("answer", ["はい\n", "ｙ\n"])  # the rest: test_what_counts_as_yes
def test_undo_asks_in_japanese_and_takes_hai_or_y(
    answer: str,
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    output = created_batch(tmp_path)
    capsys.readouterr()
    japanese_locale(monkeypatch)
    assert main([str(output), "--undo"], stdin=Terminal(answer)) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "Zoom ミーティング 3 件を削除します: "
        "host0@example.com（2 件）、host1@example.com（1 件）。\n"
        "削除しますか？（はい／y で削除、それ以外は中止） "
    )
    assert zoom_env.meetings() == []
    assert "3 行: 3 cancelled" in out


@pytest.mark.parametrize("answer", ["いいえ\n", "\n"])
def test_undo_answered_otherwise_deletes_nothing_and_says_so_in_japanese(
    answer: str,
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    output = created_batch(tmp_path)
    capsys.readouterr()
    assert main([str(output), "--undo", "--lang", "ja"], stdin=Terminal(answer)) == 0
    assert capsys.readouterr().out.endswith("それ以外は中止） 何も削除していません\n")
    assert len(zoom_env.meetings()) == 3


def test_undo_without_a_terminal_is_a_japanese_exit_2(
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    output = created_batch(tmp_path)
    capsys.readouterr()
    assert main([str(output), "--undo", "--lang", "ja"], stdin=io.StringIO("y\n")) == 2
    assert capsys.readouterr().err.splitlines() == [
        "batch_zoom: --undo には確認の「はい」が必要ですが、尋ねる端末がありません。"
        "何も削除していません",
        "hint: 確認なしで削除するには --yes を付けてください",
    ]
    assert len(zoom_env.meetings()) == 3


@pytest.mark.parametrize(
    ("answer", "yes"),
    [("y", True), ("Yes", True), ("はい", True), ("ｙｅｓ", True), (" はい \n", True)]
    + [("", False), ("n", False), ("いいえ", False), ("yes please", False), ("ja", False)],
)
def test_what_counts_as_yes(answer: str, yes: bool) -> None:
    assert _is_yes(answer) is yes


class CtrlC:
    """A progress bar during which the user presses Ctrl-C as the run starts."""

    def start(self, total: int) -> None:
        raise KeyboardInterrupt

    def advance(self, rows: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def test_ctrl_c_during_the_run_says_in_japanese_how_to_finish(
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(cli, "_progress_bar", lambda settings: CtrlC())
    path = write_csv(tmp_path / "stop.csv", meeting_rows(2))
    assert main([str(path), "--lang", "ja"]) == 130
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        "batch_zoom: 中断しました。同じコマンドをもう一度実行すると残りの行を処理します"
    )
    monkeypatch.undo()
    point_environment_at(monkeypatch, zoom_env, tmp_path)
    assert main([str(path)]) == 0  # and so it does
    assert len(zoom_env.meetings()) == 2


@pytest.mark.parametrize(
    ("raised", "status", "lines"),
    [
        (
            KeyboardInterrupt(),
            130,
            [
                "batch_zoom: 中断しました。同じコマンドをもう一度実行すると続きを処理します"
                "（済んだ分は出力ファイルの隣のジャーナルに記録されています）"
            ],
        ),
        (
            RuntimeError("boom"),
            3,
            [
                "batch_zoom: 内部エラー: RuntimeError: boom",
                "hint: batch_zoom の不具合です。--debug を付けて再実行し、表示された内容を"
                "お知らせください",
            ],
        ),
    ],
)
def test_an_interrupt_or_a_bug_before_the_run_reads_japanese(
    raised: BaseException,
    status: int,
    lines: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def run_batch(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "run_batch", run_batch)
    assert main([str(bad_row_batch(tmp_path)), "--dry-run", "--lang", "ja"]) == status
    assert capsys.readouterr().err.splitlines() == lines


def test_the_progress_bar_counts_rows_in_japanese(capsys: pytest.CaptureFixture[str]) -> None:
    use_language("ja")
    bar = _Bar()
    bar.start(4)
    bar.advance(2)
    assert bar._bar.unit == "行"
    assert "行/s" in str(bar._bar)
    bar.close()


# -- every sentence of cli.py and config.py is marked for translation ---------------------------

#: Calls whose text a person reads: these arguments must be marked even when a single word.
READ_BY_PEOPLE = {"print", "_say", "ConfigError", "ArgumentParser", "add_argument_group", "tqdm"}
READ_BY_PEOPLE_KEYWORDS = {"help", "hint", "description", "epilog", "unit", "desc"}
#: Not for people: argparse's names and values, flag names (positional to add_argument).
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
ENGLISH_PHRASE = re.compile(r"[A-Za-z]{2,} [A-Za-z(]{2,}")
#: Calls whose strings only test a text (``error.startswith("row ")``): nobody reads them.
NOT_READ = {"startswith", "endswith", "removeprefix"}
#: Prefixes that stay English: the program's name and the hint marker.
KEPT_PREFIXES = ("batch_zoom: ", "hint: ")


def _call_name(node: ast.Call) -> str:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")


def unmarked_text(source: str) -> list[str]:
    """Text a person reads in ``source`` that is not inside ``_()``/``N_()``.

    Two rules: any English phrase (two words) anywhere outside docstrings; and any English word
    in what goes to a person (printed, a ``ConfigError`` and its hint, argparse's help, titles,
    description and epilog, the progress bar's label). argparse's ``dest``, ``metavar``,
    ``choices``, flag names and number formats are not for people and are not looked at.
    """
    tree = ast.parse(source)
    marked: set[int] = set()
    docstrings: set[int] = set()
    people: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name in ("_", "N_") or name in NOT_READ:
                marked.update(id(inner) for inner in ast.walk(node))
            read = list(node.args) if name in READ_BY_PEOPLE else []
            read += [kw.value for kw in node.keywords if kw.arg in READ_BY_PEOPLE_KEYWORDS]
            for argument in read:
                people.update(id(inner) for inner in ast.walk(argument))
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            docstrings.add(id(body[0].value))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in marked or id(node) in docstrings:
            continue
        text = node.value
        for prefix in KEPT_PREFIXES:
            text = text.removeprefix(prefix)
        rule = ENGLISH_WORD if id(node) in people else ENGLISH_PHRASE
        if rule.search(text):
            found.append((node.lineno, f"line {node.lineno}: {node.value!r}"))
    return [text for _line, text in sorted(found)]


@pytest.mark.parametrize("name", ["cli.py", "config.py"])
def test_every_sentence_of_the_command_line_is_marked_for_translation(name: str) -> None:
    source = (Path(batch_zoom.__file__).parent / name).read_text(encoding="utf-8")
    assert unmarked_text(source) == []


def test_the_unmarked_text_check_sees_what_a_person_reads() -> None:
    source = (
        'def f(n, path):\n    """Doc string here."""\n'
        '    print(f"wrote {path}")\n'
        '    print("done")\n'
        '    raise ConfigError(_("bad {n}").format(n=n), hint="retry")\n'
        '    parser.add_argument("--rate", metavar="N", dest="rate", help=f"default {n:g}")\n'
        '    _say(f"batch_zoom: {path}")\n'
        '    x = "a whole sentence"\n'
    )
    assert unmarked_text(source) == [
        "line 3: 'wrote '",
        "line 4: 'done'",
        "line 5: 'retry'",
        "line 6: 'default '",
        "line 8: 'a whole sentence'",
    ]
