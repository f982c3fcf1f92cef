"""Bad rows in Japanese: what the rows layer says, as a Japanese office reads it (issue 15).

Every message keeps naming the row and the field, the field in Japanese (所要時間, not duration),
its value in 「」 right beside it, as in the issue's example. English stays as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po
from conftest import meeting_rows, read_csv, write_csv

import batch_zoom
from batch_zoom.cli import main
from batch_zoom.fields import FIELD_LABELS, field_label
from batch_zoom.i18n import LOCALE_DIR, _, use_language
from batch_zoom.models import COLUMN_ALIASES, InvalidRow, SheetRow, normalize_header
from batch_zoom.rows.changes import describe
from batch_zoom.rows.validate import RowDefaults, validate_row, validate_rows
from batch_zoom.sandbox import ZoomSandbox
from batch_zoom.sheet.columns import recognise

BASE = {"topic": "定例会", "start_time": "2027-01-05 09:00", "duration": 60}
DEFAULTS = RowDefaults(timezone="Asia/Tokyo")
ISSUE_EXAMPLE = "7行目: 所要時間「abc」は分数として読めません（例: 90、1:30、90分）"


@pytest.fixture
def japanese() -> Iterator[None]:
    use_language("ja")
    yield
    use_language("en")


def invalid(defaults: RowDefaults = DEFAULTS, **cells: Any) -> InvalidRow:
    result = validate_row(SheetRow(7, {**BASE, **cells}), defaults)
    assert isinstance(result, InvalidRow), result
    return result


def test_the_issues_example_row_reads_as_the_issue_writes_it(japanese: None) -> None:
    assert invalid(duration="abc").message == ISSUE_EXAMPLE


def test_the_same_row_still_reads_in_english_under_lang_en() -> None:
    assert invalid(duration="abc").message == 'row 7: duration "abc" is not a number of minutes'


# (cells, the one problem they give), each message the rows layer builds for a single cell.
PROBLEMS: list[tuple[dict[str, Any], str]] = [
    ({"topic": ""}, "会議名が空です（どのミーティングにも必要です）"),
    (
        {"host": "tanaka"},
        "ホスト「tanaka」はメールアドレス、Zoom のユーザーID、「me」のどれでもありません",
    ),
    (
        {"passcode": "a b"},
        "パスコード「a b」に空白が入っています（Zoom のパスコードに空白は使えません）",
    ),
    (
        {"passcode": "パス"},
        "パスコード「パス」に使えるのは半角の英字・数字・記号（! @ # * など）だけです",
    ),
    (
        {"passcode": "12345678901"},
        "パスコード「12345678901」は11文字あります（Zoom の上限は10文字）",
    ),
    ({"passcode": True}, "パスコード「True」はパスコードとして使えません"),
    (
        {"agenda": "x" * 2001},
        f"アジェンダ「{'x' * 39}…」は2001文字あります（Zoom の上限は2000文字）",
    ),
    ({"waiting_room": "maybe"}, "待機室「maybe」は yes・no（はい・いいえ）のどちらでもありません"),
    (
        {"auto_recording": "tape"},
        "自動録画「tape」は none・local・cloud（なし・ローカル・クラウド）のどれでもありません",
    ),
    ({"alternative_hosts": "a, b@example.com"}, "代替ホスト「a」はメールアドレスではありません"),
    ({"alternative_hosts": "a; c"}, "代替ホスト「a」、「c」はメールアドレスではありません"),
    (
        {"meeting_id": "12a"},
        "ミーティングID「12a」は Zoom のミーティングIDではありません（数字のみ）",
    ),
    ({"action": "消す"}, "操作「消す」は schedule・cancel（中止）のどちらでもありません"),
    ({"start_time": ""}, "開始日時が空です（どのミーティングにも日時が必要です）"),
    (
        {"start_time": "明日"},
        "開始日時「明日」は日時として読めません（例: 2026-12-17 15:00、2026年12月17日 15時）",
    ),
    ({"start_time": "2027-01-12"}, "開始日時「2027-01-12」に時刻がありません"),
    ({"start_time": time(9, 0)}, "開始日時「09:00:00」に日付がありません"),
    ({"start_time": 46000}, "開始日時「46000」（2025-12-09）に時刻がありません"),
    ({"start_time": "2027-02-30 10:00"}, "開始日時「2027-02-30 10:00」は実在しない日時です"),
    ({"start_time": "2027-01-05 13:00 PM"}, "開始日時「2027-01-05 13:00 PM」は実在しない時刻です"),
    ({"start_time": "2027-01-05 09:00+25:00"}, "開始日時の UTC オフセットがありえない値です"),
    (
        {"start_time": "2027-03-14 02:30", "timezone": "America/New_York"},
        "開始日時「2027-03-14 02:30」は America/New_York には存在しない時刻です"
        "（夏時間の始まりで時計がその時刻を飛ばします）",
    ),
    (
        {"timezone": "Asia/Tokio"},
        "タイムゾーン「Asia/Tokio」は既知のタイムゾーンではありません（Asia/Tokyo のことですか？）",
    ),
    ({"duration": ""}, "所要時間が空です（ミーティングの長さを分で入力してください）"),
    ({"duration": "1.5"}, "所要時間「1.5」は1分単位になっていません"),
    ({"duration": 0}, "所要時間「0」は範囲外です（Zoom では 1〜1440 分）"),
    (
        {"duration": 90, "end_time": "11:00"},
        "所要時間「90」と終了時刻「11:00」が合いません（終了は開始の 120 分後です）。"
        "どちらか一方を空にしてください",
    ),
    ({"end_time": "8:00"}, "終了時刻「8:00」は開始（09:00）より前です"),
    (
        {"recurrence": "毎週 x0"},
        "繰り返し「毎週 x0」: x0 では1回も開催されません。回数は1〜60で指定してください",
    ),
]


@pytest.mark.parametrize(("cells", "expected"), PROBLEMS, ids=["+".join(c) for c, _e in PROBLEMS])
def test_each_bad_cell_is_named_and_explained_in_japanese(
    japanese: None, cells: dict[str, Any], expected: str
) -> None:
    result = invalid(**cells)
    assert result.problems == (expected,)
    assert result.message == f"7行目: {expected}"


@pytest.mark.parametrize(("cells", "expected"), PROBLEMS, ids=["+".join(c) for c, _e in PROBLEMS])
def test_no_japanese_message_names_a_field_by_its_english_name(
    japanese: None, cells: dict[str, Any], expected: str
) -> None:
    english_names = re.compile(r"\b(" + "|".join(FIELD_LABELS) + r")\b")
    assert not english_names.search(expected)


def test_several_problems_read_as_sentences_one_after_another(japanese: None) -> None:
    assert invalid(topic="", duration="abc").message == (
        "7行目: 会議名が空です（どのミーティングにも必要です）。"
        "所要時間「abc」は分数として読めません（例: 90、1:30、90分）"
    )


def test_a_batch_default_is_said_to_be_one(japanese: None) -> None:
    defaults = RowDefaults(timezone="Asia/Tokyo", options={"waiting_room": "maybe"})
    assert invalid(defaults).problems == (
        "待機室「maybe」は yes・no（はい・いいえ）のどちらでもありません（一括指定の既定値）",
    )


def test_a_start_in_the_past_names_it_in_japanese(japanese: None) -> None:
    defaults = RowDefaults(timezone="Asia/Tokyo", now=datetime(2027, 2, 1, tzinfo=UTC))
    assert invalid(defaults).problems == ("開始日時（2027-01-05 09:00 Asia/Tokyo）が過ぎています",)


def test_a_cancel_row_that_cannot_find_its_meeting_says_what_it_needs(japanese: None) -> None:
    assert invalid(action="中止", start_time="x").problems == (
        "中止の行には、ミーティングを特定するためのミーティングID、または正しい会議名・開始日時・"
        "所要時間が必要です",
        "開始日時「x」は日時として読めません（例: 2026-12-17 15:00、2026年12月17日 15時）",
    )


def test_duplicate_rows_point_at_the_earlier_row_in_japanese(japanese: None) -> None:
    rows = [
        SheetRow(2, BASE),
        SheetRow(3, BASE),
        SheetRow(4, {**BASE, "topic": "b", "meeting_id": "123456789"}),
        SheetRow(5, {**BASE, "topic": "c", "meeting_id": "123456789"}),
    ]
    messages = [
        plan.message for plan in validate_rows(rows, DEFAULTS) if isinstance(plan, InvalidRow)
    ]
    assert messages == [
        "3行目: 2行目とホスト・会議名・開始日時・所要時間が同じため、同じミーティングが2つできて"
        "しまいます（どちらかを変えるか、この行を削除してください）",
        "5行目: ミーティングID「123456789」は4行目にもあります。"
        "1つのミーティングを管理できるのは1行だけです",
    ]


def test_the_dry_runs_column_readings_name_fields_in_japanese(japanese: None) -> None:
    readings = recognise(["授業名", "時間", "終了", "備考"], lambda index: ["9:00"]).readings
    assert [reading.describe() for reading in readings] == [
        "授業名 → 会議名",
        "時間 → 開始時刻（終了時刻は列「終了」です）",
        "終了 → 終了時刻",
        "備考 → 対象外の列（そのまま残します）",
    ]


def test_an_edits_changes_name_fields_in_japanese(japanese: None) -> None:
    patch = {"duration": 90, "password": "zz9", "settings": {"waiting_room": True}}
    meeting = {"duration": 60, "password": "abc123", "settings": {"waiting_room": False}}
    text = describe(patch, meeting)
    assert text == "所要時間 60 -> 90、パスコードを変更、待機室 False -> True"
    assert "zz9" not in text and "abc123" not in text


# --- the table of field labels and the catalog ---------------------------------------------------


def test_english_labels_are_the_canonical_names_so_english_reads_as_before() -> None:
    assert all(label == name for name, label in FIELD_LABELS.items())


def test_every_field_a_row_can_hold_has_a_label() -> None:
    ours = {"join_url", "status", "error"}  # written by batch_zoom, never parsed from a row
    assert set(FIELD_LABELS) == set(COLUMN_ALIASES) - ours


@pytest.mark.parametrize("name", sorted(FIELD_LABELS))
def test_each_japanese_label_is_a_header_the_tool_reads_for_that_field(
    japanese: None, name: str
) -> None:
    """So the user finds the column the message means by the word it uses."""
    label = field_label(name)
    assert label != name
    assert normalize_header(label) in {normalize_header(alias) for alias in COLUMN_ALIASES[name]}


def _japanese_catalog() -> dict[str, str]:
    with (LOCALE_DIR / "ja" / "LC_MESSAGES" / "batch_zoom.po").open("rb") as handle:
        catalog = read_po(handle, locale="ja")
    return {
        message.id: str(message.string)
        for message in catalog
        if isinstance(message.id, str) and message.id
    }


def _rows_layer_messages() -> set[str]:
    """What ``rows/``, ``cells.py`` and ``models.py`` mark for translation."""
    package = Path(batch_zoom.__file__).parent
    keywords = {"_": None, "N_": None}
    in_rows = extract_from_dir(package / "rows", keywords=keywords)
    found = {message for _f, _l, message, *_r in in_rows}
    for module in ("cells.py", "models.py"):
        found.update(
            message
            for _l, message, *_r in extract_from_file("python", package / module, keywords=keywords)
        )
    return {message for message in found if isinstance(message, str)}


def test_a_field_placeholder_starts_the_japanese_where_it_starts_the_english() -> None:
    """``_Problems.check`` fills a leading ``{field}`` only; a translation must keep it there."""
    misplaced = [
        msgid
        for msgid, translation in _japanese_catalog().items()
        if msgid.startswith("{field} ") and not translation.startswith("{field}")
    ]
    assert not misplaced


def test_no_japanese_row_message_names_a_field_by_its_english_name() -> None:
    english_name = re.compile(r"(?<![\w{-])(" + "|".join(FIELD_LABELS) + r")(?![\w}])")
    catalog = _japanese_catalog()
    messages = _rows_layer_messages()
    assert "{field} {value} is not a number of minutes" in messages
    named = {msgid: catalog.get(msgid, "") for msgid in messages}
    assert not {msgid: text for msgid, text in named.items() if english_name.search(text)}


def test_japanese_is_chosen_when_the_message_is_built(japanese: None) -> None:
    assert _("duration") == "所要時間"
    use_language("en")
    assert invalid(duration="abc").message.startswith('row 7: duration "abc"')


# --- the whole pipeline, over the sandbox -------------------------------------------------------

JAPANESE_HEADER = ["会議名", "開始日時", "所要時間", "タイムゾーン", "ホスト"]


def test_a_japanese_workbook_under_lang_ja_gets_japanese_lines_and_error_cells(
    zoom_env: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(JAPANESE_HEADER)
    for row in meeting_rows(5):
        sheet.append(row)
    sheet.append(["定例会", "2030-01-08 10:00", "abc", "Asia/Tokyo", "host0@example.com"])  # row 7
    path = tmp_path / "december.xlsx"
    workbook.save(path)

    assert main([str(path), "--lang", "ja"]) == 1
    assert ISSUE_EXAMPLE in capsys.readouterr().out.splitlines()
    written = openpyxl.load_workbook(tmp_path / "december_scheduled.xlsx").worksheets[0]
    header = [cell.value for cell in written[1]]
    assert header[:5] == JAPANESE_HEADER and "status" in header and "error" in header  # English
    row7 = {name: cell.value for name, cell in zip(header, written[7], strict=False)}
    assert (row7["status"], row7["error"]) == ("invalid", ISSUE_EXAMPLE)
    assert len(zoom_env.meetings()) == 5


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        (
            [],
            "3行目: タイムゾーン「Asia/Tokio」は既知のタイムゾーンではありません"
            "（Asia/Tokyo のことですか？）",
        ),
        (
            ["--lang", "en"],
            'row 3: timezone "Asia/Tokio" is not a known time zone (did you mean Asia/Tokyo?)',
        ),
    ],
    ids=["locale", "lang-en"],
)
def test_under_a_japanese_locale_rows_speak_japanese_unless_lang_en(
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flag: list[str],
    expected: str,
) -> None:
    monkeypatch.delenv("BATCH_ZOOM_LANG")
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    rows = meeting_rows(2)
    rows.insert(1, ["Broken", "2030-01-07 10:00", "90", "Asia/Tokio", ""])
    path = write_csv(tmp_path / "mixed.csv", rows)
    assert main([str(path), *flag]) == 1
    assert expected in capsys.readouterr().out.splitlines()
    result = read_csv(tmp_path / "mixed_scheduled.csv")
    assert [row["status"] for row in result] == ["created", "invalid", "created"]
    assert result[1]["error"] == expected
