"""report.py: counts by status and host, the rows needing attention, and the HTML page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from batch_zoom.errors import OutputError
from batch_zoom.models import RowResult, Status
from batch_zoom.publish.report import render_html, write_report
from batch_zoom.summary import NO_HOST, problem_lines, row_list, sections, summarize


def result(
    row: int, status: Status, host: str | None = "alice@example.com", **kw: str
) -> RowResult:
    return RowResult(
        row=row, status=status, host=host, topic=kw.pop("topic", f"Meeting {row}"), **kw
    )


@pytest.fixture
def mixed_results() -> list[RowResult]:
    return [
        result(9, Status.FAILED, "bob@example.com", error="Zoom error 3000"),
        result(2, Status.CREATED, "alice@example.com"),
        result(3, Status.CREATED, "Alice@Example.com"),
        result(4, Status.INVALID, None, error='row 4: duration "abc" is not a number'),
        result(5, Status.DEFERRED, "bob@example.com", error="daily limit"),
        result(6, Status.EXISTS, "carol@example.com"),
    ]


def test_counts_by_status_follow_status_order_and_skip_zero(mixed_results: list[RowResult]):
    summary = summarize(mixed_results)
    assert summary.total == 6
    assert list(summary.by_status.items()) == [
        ("created", 2),
        ("exists", 1),
        ("invalid", 1),
        ("failed", 1),
        ("deferred", 1),
    ]


def test_counts_per_host_ignore_case_and_put_no_host_last(mixed_results: list[RowResult]):
    summary = summarize(mixed_results)
    assert list(summary.by_host) == [
        "alice@example.com",
        "bob@example.com",
        "carol@example.com",
        NO_HOST,
    ]
    assert summary.by_host["alice@example.com"] == {"created": 2}
    assert summary.by_host["bob@example.com"] == {"failed": 1, "deferred": 1}
    assert summary.by_host[NO_HOST] == {"invalid": 1}


def test_attention_lists_problem_rows_in_row_order(mixed_results: list[RowResult]):
    summary = summarize(mixed_results)
    assert [r.row for r in summary.attention] == [4, 5, 9]
    assert all(r.status.needs_attention for r in summary.attention)


def test_sections_lay_out_the_three_tables(mixed_results: list[RowResult]):
    by_status, by_host, attention = sections(summarize(mixed_results))
    assert by_status.header == ("status", "meaning", "rows")
    assert by_status.rows[0] == ("created", "made by this run", 2)
    assert by_status.rows[-1] == ("total", "", 6)
    assert by_host.header == ("host", "created", "exists", "invalid", "failed", "deferred", "total")
    assert by_host.rows[1] == ("bob@example.com", 0, 0, 0, 1, 1, 2)
    assert attention.rows[0] == (
        4,
        "Meeting 4",
        "",
        "invalid",
        'row 4: duration "abc" is not a number',
    )


def test_empty_batch_summarizes_to_nothing():
    summary = summarize([])
    assert (summary.total, summary.by_status, summary.by_host, summary.attention) == (0, {}, {}, [])
    page = render_html(summary, title="empty.csv")
    assert "Nothing needs attention." in page
    assert "0 rows" in page


statuses = st.sampled_from(list(Status))
hosts = st.sampled_from([None, "", "a@example.com", "A@EXAMPLE.COM", "b@example.com"])


@given(st.lists(st.tuples(statuses, hosts), max_size=40))
def test_every_result_is_counted_once(pairs: list[tuple[Status, str | None]]):
    results = [RowResult(row=i + 2, status=s, host=h) for i, (s, h) in enumerate(pairs)]
    summary = summarize(results)
    assert sum(summary.by_status.values()) == summary.total == len(results)
    assert sum(sum(t.values()) for t in summary.by_host.values()) == len(results)
    assert len(summary.attention) == sum(s.needs_attention for s, _ in pairs)
    assert all(count > 0 for count in summary.by_status.values())


def test_html_escapes_every_user_string():
    evil = "<script>alert('x')</script>"
    results = [
        RowResult(2, Status.FAILED, host=f"{evil}@example.com", topic=evil, error=evil),
        RowResult(3, Status.PENDING, host="a&b@example.com", topic="Q&A <b>bold</b>"),
    ]
    page = render_html(summarize(results), title=f"{evil}.xlsx")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;" in page
    assert "Q&amp;A &lt;b&gt;bold&lt;/b&gt;" in page
    assert "a&amp;b@example.com" in page


def test_html_is_self_contained(mixed_results: list[RowResult]):
    page = render_html(summarize(mixed_results), title="January")
    assert page.startswith("<!DOCTYPE html>")
    for external in ("src=", "href=", "<script", "<link", "@import", "http://", "https://"):
        assert external not in page
    assert '<meta charset="utf-8">' in page
    assert "Rows needing attention" in page and "Zoom error 3000" in page


def test_write_report_is_atomic_and_leaves_no_temporary_file(
    tmp_path: Path, mixed_results: list[RowResult]
):
    target = tmp_path / "report.html"
    target.write_text("old")
    write_report(mixed_results, target, title="January")
    assert "Rows by host" in target.read_text(encoding="utf-8")
    assert os.listdir(tmp_path) == ["report.html"]


def test_write_report_raises_output_error_when_it_cannot_write(tmp_path: Path):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(OutputError) as caught:
        write_report([], blocker / "report.html", title="x")
    assert "report.html" in str(caught.value)
    assert caught.value.hint


def test_in_japanese_the_words_change_and_the_status_values_stay(
    mixed_results: list[RowResult],
) -> None:
    from batch_zoom.i18n import use_language

    use_language("ja")
    by_status, by_host, attention = sections(summarize(mixed_results))
    page = render_html(summarize(mixed_results), title="12月.xlsx")
    assert by_status.title == "状態ごとの行数"
    assert by_status.labels == ("状態", "意味", "行数")
    assert by_status.rows[0] == ("created", "今回作成しました", 2)  # the value stays English
    assert by_host.labels[0] == "ホスト" and "created" in by_host.labels
    assert '<html lang="ja">' in page and "6 行" in page
    assert by_status.rows[-1] == ("合計", "", 6)
    assert [row[0] for row in by_host.rows][-1] == "（ホストなし）"


# -- the problem lines printed after a run ---------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "text"),
    [
        ([7, 8], "rows 7-8"),
        ([402, 403, 404, 405, 410, 412], "rows 402-405, 410, 412"),
        (list(range(402, 452, 4)), "rows 402, 406, 410, 414, 418, 422 and 7 more"),
        ([9, 3, 2, 5, 6, 1, 11, 13, 20], "rows 1-3, 5-6, 9, 11, 13, 20"),
        ([1, 3, 5, 7, 9, 11, 13, 14], "rows 1, 3, 5, 7, 9, 11 and 2 more"),
    ],
)
def test_row_list_names_runs_of_rows_as_ranges(rows: list[int], text: str) -> None:
    assert row_list(rows) == text


def test_rows_sharing_a_status_and_a_message_share_one_line() -> None:
    limit = "h0@example.com has used Zoom's daily limit"
    lines = problem_lines(
        [
            result(2, Status.CREATED),
            result(3, Status.DEFERRED, error=limit),
            result(4, Status.INVALID, error='row 4: duration "abc" is not a number'),
            result(5, Status.DEFERRED, error=limit),
            result(6, Status.FAILED, error=limit),  # the same words, another status
            result(7, Status.DEFERRED, error=limit),
            result(8, Status.PENDING, error="not attempted"),
            result(9, Status.INVALID, error='row 9: duration "x" is not a number'),
        ]
    )
    assert lines == [
        (f"rows 3, 5, 7: deferred: {limit}", 3),  # where its first row is
        ('row 4: duration "abc" is not a number', 1),  # a message about one row: its own line
        (f"row 6: failed: {limit}", 1),
        ("row 8: pending: not attempted", 1),
        ('row 9: duration "x" is not a number', 1),
    ]
