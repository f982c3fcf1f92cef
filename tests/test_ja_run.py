"""The run and zoom layers in Japanese (issue 15): exit-2 reasons, hints and ``error`` cells.

Real runs through ``main`` against the sandbox over real HTTP. Zoom's own words (its ``message``)
stay as Zoom wrote them inside the Japanese sentence; the status values, the result column
headers and the exit statuses stay English.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import meeting_rows, point_environment_at, read_csv, write_csv

import batch_zoom
from batch_zoom.cli import main
from batch_zoom.errors import ConnectionLost
from batch_zoom.i18n import use_language
from batch_zoom.sandbox import Fault, ZoomSandbox

ENGLISH_REFUSAL = "Zoom refused it: User does not exist: host1@example.com. (Zoom error 1001)"
JAPANESE_REFUSAL = (
    "Zoom に受け付けられませんでした: User does not exist: host1@example.com.（Zoom エラー 1001）"
)


def no_sleep(seconds: float) -> None:
    pass


def japanese_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Japanese desktop: the locale says ja, and no BATCH_ZOOM_LANG (conftest pins en)."""
    monkeypatch.delenv("BATCH_ZOOM_LANG", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")


def unknown_host_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *flags: str
) -> tuple[int, list[dict[str, str]]]:
    """Four rows, host1's two unknown to Zoom (1001): returns the exit status and the output.

    The app has no user scope, so no preflight refuses the rows first: Zoom's own refusal of the
    create is what reaches the row's error cell.
    """
    with ZoomSandbox(users=["host0@example.com"]) as sandbox:
        sandbox.scopes = "meeting:read:admin meeting:write:admin"
        point_environment_at(monkeypatch, sandbox, tmp_path)
        path = write_csv(tmp_path / "hosts.csv", meeting_rows(4, hosts=2))
        status = main([str(path), *flags])
    return status, read_csv(tmp_path / "hosts_scheduled.csv")


def test_a_row_zoom_refuses_gets_a_japanese_error_cell_with_zooms_own_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, result = unknown_host_run(tmp_path, monkeypatch, "--lang", "ja")
    assert status == 1
    assert [row["status"] for row in result] == ["created", "failed", "created", "failed"]
    assert result[1]["error"] == JAPANESE_REFUSAL
    assert {"join_url", "meeting_id", "status", "error"} <= set(result[0])  # headers stay English


def test_a_japanese_locale_alone_gives_the_same_japanese_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    japanese_locale(monkeypatch)
    status, result = unknown_host_run(tmp_path, monkeypatch)
    assert status == 1 and result[3]["error"] == JAPANESE_REFUSAL


def test_lang_en_under_a_japanese_locale_stays_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    japanese_locale(monkeypatch)
    status, result = unknown_host_run(tmp_path, monkeypatch, "--lang", "en")
    assert status == 1 and result[1]["error"] == ENGLISH_REFUSAL


def test_a_wrong_secret_gives_a_japanese_exit_2_reason_and_hint(
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ZOOM_CLIENT_SECRET", "wrong-secret-7c1d")
    path = write_csv(tmp_path / "in.csv", meeting_rows(2))
    assert main([str(path), "--lang", "ja"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == (
        "batch_zoom: Zoom が認証情報を受け付けませんでした: "
        "Invalid client_id or client_secret（HTTP 400）"
    )
    assert lines[1].startswith("hint: ZOOM_ACCOUNT_ID、ZOOM_CLIENT_ID、ZOOM_CLIENT_SECRET が")
    assert lines[1].endswith("をご確認ください")
    assert not any("wrong-secret-7c1d" in line for line in lines)
    assert zoom_env.count(method="POST", path_contains="/meetings") == 0


def test_a_wrong_secret_under_a_japanese_locale_with_lang_en_is_english(
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    japanese_locale(monkeypatch)
    monkeypatch.setenv("ZOOM_CLIENT_SECRET", "wrong")
    path = write_csv(tmp_path / "in.csv", meeting_rows(1))
    assert main([str(path), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "Zoom refused the credentials: Invalid client_id or client_secret (HTTP 400)" in err
    assert "hint: check ZOOM_ACCOUNT_ID" in err and "、" not in err


def test_zoom_out_of_reach_gives_a_japanese_exit_2_line_and_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with ZoomSandbox() as sandbox:
        point_environment_at(monkeypatch, sandbox, tmp_path)
        host = sandbox.oauth_url.split("//")[1].split("/")[0]
    japanese_locale(monkeypatch)  # the port is closed now that the sandbox has stopped
    path = write_csv(tmp_path / "in.csv", meeting_rows(1))
    assert main([str(path)], sleep=no_sleep) == 2
    lines = capsys.readouterr().err.splitlines()
    # while it waits, it says so (issue 24: never silent for long)
    assert lines[0].startswith(f"batch_zoom: Zoom を待っています: {host} から応答がありません。")
    assert lines[-2] == f"batch_zoom: {host} に接続できませんでした"
    assert lines[-1].startswith("hint: ネットワーク接続（プロキシを使っている場合はその設定も）")


def test_a_zoom_that_keeps_failing_on_a_row_says_so_in_japanese(
    sandbox: ZoomSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_environment_at(monkeypatch, sandbox, tmp_path)
    sandbox.inject(Fault("error_before", method="POST", path="/meetings", status=503, times=50))
    path = write_csv(tmp_path / "busy.csv", meeting_rows(1))
    assert main([str(path), "--lang", "ja"], sleep=no_sleep) == 1
    error = read_csv(tmp_path / "busy_scheduled.csv")[0]["error"]
    assert error == (
        "Zoom でエラーが続き、このミーティングは作成されませんでした。"
        "もう一度実行すると改めて作成します"
    )


def test_the_connection_hint_follows_the_language_chosen_after_the_error_was_made() -> None:
    error = ConnectionLost("x", sent=False)
    assert error.hint.startswith("check the network connection")
    use_language("ja")
    assert error.hint.startswith("ネットワーク接続")


def test_a_host_past_its_daily_limit_is_deferred_in_japanese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ZoomSandbox(daily_limit=1) as sandbox:
        point_environment_at(monkeypatch, sandbox, tmp_path)
        path = write_csv(tmp_path / "day.csv", meeting_rows(2, hosts=1))
        assert main([str(path), "--lang", "ja"], sleep=no_sleep) == 1
    result = read_csv(tmp_path / "day_scheduled.csv")
    # both rows are sent at once: whichever Zoom answers second is the one deferred
    assert sorted(row["status"] for row in result) == ["created", "deferred"]
    deferred = next(row for row in result if row["status"] == "deferred")
    assert deferred["error"].startswith(
        "host0@example.com は Zoom の 1 日あたりのミーティング作成・更新の上限に達しました。"
    )
    assert deferred["error"].endswith(" UTC 以降に同じコマンドをもう一度実行してください")


def test_zoom_busy_past_the_wait_says_a_re_run_will_finish_it_in_japanese(
    sandbox: ZoomSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_environment_at(monkeypatch, sandbox, tmp_path)
    sandbox.inject(Fault("rate_limit", method="POST", path="/meetings", times=10_000))
    path = write_csv(tmp_path / "busy.csv", meeting_rows(1))
    assert main([str(path), "--lang", "ja"], sleep=no_sleep) == 1
    error = read_csv(tmp_path / "busy_scheduled.csv")[0]["error"]
    assert error == (  # Zoom's own words, as the sandbox's 429 writes them, stay English
        "Zoom が混み合っていました（You have reached the maximum per-second rate limit for this "
        "API. Try again later.（Zoom エラー 429））。もう一度実行すると続きを処理します"
    )


#: The files whose messages this test keeps marked for the catalog (issue 15, run and zoom layers).
MARKED_FILES = [
    "run/creates.py",
    "run/audit.py",
    "run/outcomes.py",
    "zoom/auth.py",
    "zoom/transport.py",
    "zoom/clock.py",
    "zoom/retry.py",
    "zoom/client.py",
    "errors.py",
]
ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,} [A-Za-z(]{2,}")


def unmarked_sentences(source: str, marks: tuple[str, ...] = ("_", "N_", "compile")) -> list[str]:
    """English phrases in ``source`` outside ``_()``/``N_()``, docstrings and ``re.compile``."""
    tree = ast.parse(source)
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = (
                node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            )
            if name in marks:
                exempt.update(id(inner) for inner in ast.walk(node))
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            exempt.add(id(body[0].value))  # a docstring
    return [
        f"line {node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in exempt
        and ENGLISH_WORDS.search(node.value)
    ]


@pytest.mark.parametrize("name", MARKED_FILES)
def test_every_sentence_of_the_run_and_zoom_layers_is_marked_for_translation(name: str) -> None:
    source = (Path(batch_zoom.__file__).parent / name).read_text(encoding="utf-8")
    assert unmarked_sentences(source) == []


def test_the_unmarked_sentence_check_sees_f_strings_and_plain_strings() -> None:
    source = 'def f(h):\n    """Doc string here."""\n    raise E(f"could not connect to {h}")\n'
    assert unmarked_sentences(source) == ["line 3: 'could not connect to '"]
    assert unmarked_sentences('x = _("could not connect to {host}")\n') == []
