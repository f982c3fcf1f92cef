"""The journal: durable, folded into per-row state, tolerant of a torn last line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batch_zoom.errors import ConfigError, OutputError
from batch_zoom.run.journal import Journal, JournalState, MeetingRecord, read_state


def test_events_fold_into_the_latest_state(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx.journal"
    with Journal(path, "sandbox") as journal:
        journal.record("sending", id="a")
        journal.record("sending", id="b")
        journal.record("created", id="a", meeting_id="111", join_url="https://j/111", passcode="x1")
        journal.record("sending", id="c")
        journal.record("not_sent", id="c")
    state = Journal(path, "sandbox").state
    assert state.created == {"a": MeetingRecord("111", "https://j/111", "x1", "")}
    assert state.in_flight == {"b"}


def test_a_torn_last_line_is_skipped_and_the_next_event_stands_alone(tmp_path: Path) -> None:
    path = tmp_path / "j"
    with Journal(path, "sandbox") as journal:
        journal.record("sending", id="a")
    with path.open("a") as raw:
        raw.write('{"event": "created", "id": "a", "meet')  # kill -9 mid-write
    reopened = Journal(path, "sandbox")
    assert reopened.skipped_lines == 1 and reopened.state.in_flight == {"a"}
    reopened.record("created", id="a", meeting_id="7")
    reopened.close()
    again = Journal(path, "sandbox")
    assert again.skipped_lines == 1
    assert again.state.created["a"].meeting_id == "7" and not again.state.in_flight


def test_a_journal_of_another_account_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j"
    with Journal(path, "sandbox") as journal:
        journal.record("sending", id="a")
    with pytest.raises(ConfigError, match="belongs to sandbox"):
        Journal(path, "https://api.zoom.us/v2 account ABC")


def test_a_journal_that_never_recorded_anything_is_taken_over_by_another_account(
    tmp_path: Path,
) -> None:
    """A run with a mistyped account that could not reach Zoom left only the header: it holds no
    meeting of anybody's, so the corrected run is not sent away to choose another output."""
    path = tmp_path / "j"
    Journal(path, "https://api.zoom.us/v2 account TYPO").close()
    with Journal(path, "https://api.zoom.us/v2 account ABC") as journal:
        journal.record("sending", id="a")
    lines = path.read_text().splitlines()
    assert json.loads(lines[0])["target"] == "https://api.zoom.us/v2 account ABC"
    assert len(lines) == 2
    reopened = Journal(path, "https://api.zoom.us/v2 account ABC")
    reopened.close()
    assert reopened.state.in_flight == {"a"}
    with pytest.raises(ConfigError, match="belongs to https://api.zoom.us/v2 account ABC"):
        Journal(path, "sandbox")  # now it records a create: never taken over


def test_every_line_is_json_and_holds_no_secret_fields(tmp_path: Path) -> None:
    path = tmp_path / "j"
    with Journal(path, "sandbox") as journal:
        journal.record("created", id="a", meeting_id="1", join_url="u", passcode="p", host="h")
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0] == {"event": "journal", "format": 1, "target": "sandbox"}
    assert all("start_url" not in line and "access_token" not in line for line in lines)


def test_deleting_a_meeting_forgets_the_row_that_made_it() -> None:
    state = JournalState()
    state.apply({"event": "created", "id": "a", "meeting_id": "1"})
    state.apply({"event": "updating", "meeting_id": "1", "fields": ["topic"]})
    state.apply({"event": "deleted", "meeting_id": "1"})
    assert state.created == {} and state.deleted == {"1"} and state.updating == {}


events = st.lists(
    st.tuples(st.sampled_from(["sending", "created", "not_sent"]), st.sampled_from("abc")),
    max_size=30,
)


@given(events)
def test_a_row_is_in_flight_exactly_when_its_last_event_is_sending(
    seq: list[tuple[str, str]],
) -> None:
    state = JournalState()
    last: dict[str, str] = {}
    made: set[str] = set()
    for kind, identity in seq:
        state.apply({"event": kind, "id": identity, "meeting_id": "m" + identity})
        last[identity] = kind
        if kind == "created":
            made.add(identity)
        elif kind == "sending":
            made.discard(identity)
    assert state.in_flight == {i for i, kind in last.items() if kind == "sending"}
    assert set(state.created) == made


def test_a_second_run_on_the_same_batch_is_refused_while_the_first_holds_it(tmp_path: Path) -> None:
    path = tmp_path / "out.csv.journal"
    first = Journal(path, "sandbox")
    with pytest.raises(ConfigError, match="another batch_zoom run is working on this batch"):
        Journal(path, "sandbox")
    first.close()
    Journal(path, "sandbox").close()  # free again once the first is done


def test_a_journal_that_cannot_be_written_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    with pytest.raises(OutputError, match="cannot write the journal"):
        Journal(blocker / "out.csv.journal", "sandbox")


def test_a_journal_is_never_without_its_header_even_when_nothing_was_recorded(
    tmp_path: Path,
) -> None:
    path = tmp_path / "out.csv.journal"
    Journal(path, "sandbox").close()  # a run that had nothing to send
    assert json.loads(path.read_text()) == {"event": "journal", "format": 1, "target": "sandbox"}
    assert Journal(path, "sandbox").state == JournalState()  # and the next run reads it
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv.journal"]  # no temporary left


def test_a_journal_of_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j"
    path.write_text('{"event": "journal", "format": 99, "target": "sandbox"}\n')
    with pytest.raises(ConfigError, match="has format 99"):
        Journal(path, "sandbox")


@pytest.mark.parametrize(
    "line",
    [
        '{"event": "created", "id": {"an": "object"}, "meeting_id": "1"}',
        '{"event": "created", "id": "a", "meeting_id": [1]}',
        '{"event": "created", "id": "a", "meeting_id": true}',
        '{"event": "created", "id": "a", "meeting_id": "1", "join_url": 5}',
        '{"event": "created", "id": "a"}',
        '{"event": "updating", "meeting_id": "1", "fields": "topic"}',
        '{"event": "sending"}',
        '{"event": 7, "id": "a"}',
        '"just a string"',
        b'{"event": "sending", "id": "\xff\xfe not UTF-8"}',
    ],
)
def test_a_malformed_line_is_skipped_and_counted(tmp_path: Path, line: str | bytes) -> None:
    path = tmp_path / "j"
    with Journal(path, "sandbox") as journal:
        journal.record("sending", id="a")
    with path.open("ab") as raw:
        raw.write((line if isinstance(line, bytes) else line.encode("utf-8")) + b"\n")
        raw.write(b'{"event": "sending", "id": "b"}\n')
    reopened = Journal(path, "sandbox")
    reopened.close()
    assert reopened.state.malformed_lines == [3]
    assert reopened.state.in_flight == {"a", "b"} and not reopened.state.created


def test_a_zero_filled_tail_is_skipped_and_two_journals_run_together_are_checked(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j"
    with Journal(path, "sandbox") as journal:
        journal.record("sending", id="a")
    with path.open("ab") as raw:
        raw.write(b"\x00" * 40)  # what a power cut can leave at the end of a file
    reopened = Journal(path, "sandbox")
    reopened.close()
    assert reopened.state.in_flight == {"a"} and not reopened.state.malformed_lines
    with path.open("a") as text:
        text.write('\n{"event": "journal", "format": 1, "target": "elsewhere"}\n')
    with pytest.raises(ConfigError, match="belongs to elsewhere"):
        Journal(path, "sandbox")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
_hostile_event = st.fixed_dictionaries(
    {"event": st.sampled_from(["sending", "created", "not_sent", "updating", "updated",
                               "deleting", "deleted", "registering", "registered",
                               "not_registered", "unregistered", "later"])},
    optional={
        name: _json
        for name in ("id", "meeting_id", "join_url", "passcode", "host", "fields", "emails",
                     "email", "registrant_id")
    },
)  # fmt: skip
_hostile_line = (
    _hostile_event.map(lambda event: json.dumps(event).encode())
    | _json.map(lambda value: json.dumps(value).encode())
    | st.binary(max_size=30).map(lambda raw: raw.replace(b"\x00", b"").replace(b"\n", b""))
)  # (NUL-heavy bytes are refused as UTF-16 on purpose: a test of its own above)


@settings(max_examples=150, deadline=None)
@given(st.lists(_hostile_line, max_size=12))
def test_no_journal_line_crashes_the_reader(
    tmp_path_factory: pytest.TempPathFactory, lines: list[bytes]
) -> None:
    path = tmp_path_factory.mktemp("hostile") / "out.csv.journal"
    header = json.dumps({"event": "journal", "format": 1, "target": "sandbox"})
    path.write_bytes(header.encode() + b"\n" + b"\n".join(lines) + b"\n")
    with Journal(path, "sandbox") as journal:  # opens, folds, never raises
        journal.record("sending", id="after")
    assert "after" in read_state(path).in_flight


def test_a_journal_saved_again_as_utf8_with_bom_and_crlf_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "j"
    with Journal(path, "sandbox") as journal:
        journal.record("created", id="a", meeting_id="1", join_url="https://j/1")
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())  # Notepad's save
    reopened = Journal(path, "sandbox")
    reopened.close()
    assert reopened.state.created["a"].meeting_id == "1" and not reopened.state.malformed_lines


def test_rows_are_linked_to_their_meetings_and_old_journals_still_read() -> None:
    state = JournalState()
    # a journal written before rows were recorded: it reads as before, knowing no rows
    state.apply({"event": "created", "id": "old", "meeting_id": "100", "join_url": "j"})
    assert state.created["old"].meeting_id == "100"
    assert state.made_by_row("in.csv", 2) is None
    state.apply({"event": "created", "id": "a", "meeting_id": "111", "input": "in.csv", "row": 2})
    assert state.made_by_row("in.csv", 2) == ("a", MeetingRecord("111"))
    assert state.made_by_row("other.csv", 2) is None
    # the row was edited: its meeting moves to the new identity
    state.apply(
        {
            "event": "created",
            "id": "a2",
            "meeting_id": "111",
            "input": "in.csv",
            "row": 2,
            "replaces": "a",
        }
    )
    assert "a" not in state.created and state.made_by_row("in.csv", 2) == (
        "a2",
        MeetingRecord("111"),
    )
    # rows inserted above it: the meeting's row moves, and row 2 no longer names it
    state.apply({"event": "row", "id": "a2", "input": "in.csv", "row": 3})
    assert state.made_by_row("in.csv", 2) is None
    assert state.made_by_row("in.csv", 3) == ("a2", MeetingRecord("111"))
    state.apply({"event": "row", "id": "a2", "input": "in.csv", "row": "3"})  # malformed: ignored
    assert state.made_by_row("in.csv", 3) is not None
