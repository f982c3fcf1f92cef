"""The journal: durable, folded into per-row state, tolerant of a torn last line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from batch_zoom.errors import ConfigError, OutputError
from batch_zoom.run.journal import Journal, JournalState, MeetingRecord


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
