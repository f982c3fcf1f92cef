"""Webinars from the same sheet (issue 25), end to end against the sandbox over real HTTP.

One sheet of meetings and webinars (panelists, attendees, a recurring webinar, a host without the
Webinar add-on) schedules in one run: each row once and of its kind, panelists and attendees with
their own links in the Participants sheet, an event per webinar in the .ics, the receipt counting
both kinds, exit 1 only for the unlicensed host's row. Re-runs without the journal or to another
output create nothing; edits, panelist changes and cancels work from the ``_scheduled`` file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from batch_zoom.cli import main
from batch_zoom.models import MEETING, WEBINAR, SheetRow
from batch_zoom.rows.validate import RowDefaults, validate_row
from batch_zoom.sandbox import Fault, ZoomSandbox
from tests.conftest import point_environment_at

HOST = "trainer@example.com"
PLAIN = "plain@example.com"  # no Webinar add-on
ZONE = "Asia/Tokyo"
HEADERS = [
    "topic", "start_time", "duration", "timezone", "host", "kind", "recurrence",
    "panelists", "participants", "action",
]  # fmt: skip
ROWS = [
    ["Team sync", "2031-05-01 10:00", "30", ZONE, HOST, "", "", "", ""],
    [
        "Launch webinar", "2031-05-02 10:00", "60", ZONE, HOST, "webinar", "",
        "Ann Lee <ann@example.org>; bo@example.org", "p1@example.net, p2@example.net",
    ],
    [
        "Weekly clinic", "2031-05-07 18:00", "45", ZONE, HOST, "ウェビナー", "weekly x4",
        "", "p3@example.net",
    ],
    ["Unlicensed webinar", "2031-05-03 10:00", "60", ZONE, PLAIN, "webinar", "", "", ""],
]  # fmt: skip


@pytest.fixture
def zoom(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ZoomSandbox]:
    users = [HOST, {"email": PLAIN, "webinar": False}]
    with ZoomSandbox(plan=None, users=users) as sandbox:
        point_environment_at(monkeypatch, sandbox, tmp_path)
        yield sandbox


def run(*args: str | Path) -> int:
    return main([str(arg) for arg in args] + ["--timezone", ZONE, "--quiet"])


def write_sheet(path: Path, rows: list[list[str]] = ROWS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerows(row + [""] for row in rows)  # action: empty, schedule
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as source:
        return list(csv.DictReader(source))


def edit_csv(path: Path, row: int, **cells: str) -> None:
    with path.open(newline="", encoding="utf-8-sig") as source:
        grid = list(csv.reader(source))
    for name, value in cells.items():
        grid[row + 1][grid[0].index(name)] = value
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(grid)


def creates(zoom: ZoomSandbox, since: int = 0) -> list[str]:
    return [
        record.path
        for record in zoom.requests[since:]
        if record.method == "POST" and record.path.endswith(("/meetings", "/webinars"))
    ]


def test_one_sheet_of_meetings_and_webinars_schedules_in_one_run(
    zoom: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_sheet(tmp_path / "events.csv")
    assert main([str(source), "--timezone", ZONE]) == 1  # only the unlicensed host's row
    out = capsys.readouterr()
    rows = read_csv(tmp_path / "events_scheduled.csv")
    assert [row["status"] for row in rows] == ["created", "created", "created", "invalid"]
    assert rows[3]["error"] == f"row 5: host {PLAIN} has no Zoom Webinar licence"
    # nothing was sent for the unlicensed row: refused before any create
    assert not [path for path in creates(zoom) if PLAIN in path]
    meetings, webinars = zoom.meetings(), zoom.webinars()
    assert [m["topic"] for m in meetings] == ["Team sync"] and meetings[0]["type"] == 2
    by_topic = {w["topic"]: w for w in webinars}
    assert sorted(by_topic) == ["Launch webinar", "Weekly clinic"]
    assert by_topic["Launch webinar"]["type"] == 5 and by_topic["Weekly clinic"]["type"] == 9
    assert rows[1]["meeting_id"] == str(by_topic["Launch webinar"]["id"])
    assert rows[1]["join_url"] == by_topic["Launch webinar"]["join_url"]
    assert "verified on Zoom: 3 rows, 1 meetings, 2 webinars, 0 duplicates" in out.out

    people = read_csv(tmp_path / "events_scheduled_participants.csv")
    roles = {(p["email"], p["role"], p["status"]) for p in people}
    assert roles == {
        ("p1@example.net", "attendee", "registered"),
        ("p2@example.net", "attendee", "registered"),
        ("p3@example.net", "attendee", "registered"),
        ("ann@example.org", "panelist", "registered"),
        ("bo@example.org", "panelist", "registered"),
    }
    launch = str(by_topic["Launch webinar"]["id"])
    panel = {p["email"]: p["join_url"] for p in zoom.panelists(launch)}
    for person in people:
        assert person["join_url"], person
        if person["role"] == "panelist":
            assert person["join_url"] == panel[person["email"]]
    assert len({person["join_url"] for person in people}) == 5  # each their own link
    # the recurring webinar's attendee was registered one call at a time, not in a batch
    clinic = str(by_topic["Weekly clinic"]["id"])
    assert zoom.count("POST", f"/webinars/{clinic}/registrants") == 1
    assert zoom.count("POST", f"/webinars/{clinic}/batch_registrants") == 0

    calendar = (tmp_path / "events_scheduled.ics").read_text(encoding="utf-8")
    assert calendar.count("BEGIN:VEVENT") == 3
    assert "Launch webinar" in calendar and "Weekly clinic" in calendar


def test_a_rerun_without_the_journal_or_to_another_output_creates_nothing(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    source = write_sheet(tmp_path / "events.csv", ROWS[:3])
    assert run(source) == 0
    made = {str(w["id"]) for w in zoom.webinars()} | {str(m["id"]) for m in zoom.meetings()}
    (tmp_path / "events_scheduled.csv.journal").unlink()
    mark = len(zoom.requests)
    assert run(source) == 0
    assert creates(zoom, mark) == []
    assert [row["status"] for row in read_csv(tmp_path / "events_scheduled.csv")] == ["exists"] * 3
    mark = len(zoom.requests)
    assert run(source, "-o", tmp_path / "copy.csv") == 0
    assert creates(zoom, mark) == []
    copy = read_csv(tmp_path / "copy.csv")
    assert [row["status"] for row in copy] == ["exists"] * 3
    assert {row["meeting_id"] for row in copy} == made
    assert len(zoom.webinars()) == 2 and len(zoom.meetings()) == 1
    # nobody registered or added twice
    launch = next(w for w in zoom.webinars() if w["topic"] == "Launch webinar")
    assert len(zoom.panelists(launch["id"])) == 2
    assert len(zoom.registrants(launch["id"])) == 2


def test_a_webinar_is_edited_its_panelists_changed_and_it_is_cancelled_from_the_output(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    source = write_sheet(tmp_path / "events.csv", ROWS[:2])
    assert run(source) == 0
    output = tmp_path / "events_scheduled.csv"
    webinar_id = read_csv(output)[1]["meeting_id"]
    edit_csv(
        output,
        1,
        start_time="2031-05-02 11:30",
        panelists="bo@example.org; Cy Cole <cy@example.org>",
    )
    mark = len(zoom.requests)
    assert run(output) == 0
    patches = [r for r in zoom.requests[mark:] if r.method == "PATCH"]
    assert [r.path for r in patches] == [f"/v2/webinars/{webinar_id}"]
    webinar = zoom.webinars()[0]
    assert webinar["start_time"] == "2031-05-02T02:30:00Z"
    assert sorted(p["email"] for p in zoom.panelists(webinar_id)) == [
        "bo@example.org",
        "cy@example.org",
    ]
    rows = read_csv(output)
    assert rows[1]["status"] == "updated"
    people = read_csv(tmp_path / "events_scheduled_participants.csv")
    panel = {p["email"]: p["status"] for p in people if p["role"] == "panelist"}
    assert panel == {"bo@example.org": "exists", "cy@example.org": "registered",
                     "ann@example.org": "cancelled"}  # fmt: skip

    edit_csv(output, 1, action="cancel")
    assert run(output) == 0
    assert zoom.webinars() == []
    assert [m["topic"] for m in zoom.meetings()] == ["Team sync"]
    assert read_csv(output)[1]["status"] == "cancelled"


def test_undo_deletes_the_webinars_and_meetings_the_file_lists(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    source = write_sheet(tmp_path / "events.csv", ROWS[:3])
    assert run(source) == 0
    assert run(tmp_path / "events_scheduled.csv", "--undo", "--yes") == 0
    assert zoom.webinars() == [] and zoom.meetings() == []


def test_changing_kind_on_a_row_that_has_a_meeting_is_refused(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    source = write_sheet(tmp_path / "events.csv", ROWS[:1])
    assert run(source) == 0
    output = tmp_path / "events_scheduled.csv"
    meeting_id = read_csv(output)[0]["meeting_id"]
    edit_csv(output, 0, kind="webinar")
    mark = len(zoom.requests)
    assert run(output) == 1
    row = read_csv(output)[0]
    assert row["status"] == "invalid"
    assert row["meeting_id"] == meeting_id and row["join_url"]
    assert row["error"].startswith(f"row 2: kind: this row's meeting {meeting_id} cannot become")
    assert "add a new row for the webinar" in row["error"]
    writes = [r for r in zoom.requests[mark:] if r.method in ("POST", "PATCH", "DELETE")]
    assert [r for r in writes if r.path.startswith("/v2/")] == []
    assert [str(m["id"]) for m in zoom.meetings()] == [meeting_id] and zoom.webinars() == []


@pytest.mark.parametrize(
    ("cell", "kind"),
    [("", MEETING), ("Meeting", MEETING), ("会議", MEETING), ("ミーティング", MEETING),
     ("webinar", WEBINAR), ("ウェビナー", WEBINAR), ("ｳｪﾋﾞﾅｰ", WEBINAR)],
)  # fmt: skip
def test_kind_words(cell: str, kind: Any) -> None:
    row = SheetRow(
        7, {"topic": "T", "start_time": "2031-05-02 10:00", "duration": 30, "kind": cell}
    )
    plan = validate_row(row, RowDefaults(timezone=ZONE))
    assert getattr(plan, "kind", None) == kind


def test_an_unknown_kind_is_that_rows_error_naming_the_values() -> None:
    row = SheetRow(
        7, {"topic": "T", "start_time": "2031-05-02 10:00", "duration": 30, "kind": "seminar"}
    )
    plan = validate_row(row, RowDefaults(timezone=ZONE))
    assert plan.message == 'row 7: kind "seminar" is not meeting or webinar'  # type: ignore[union-attr]


def test_meeting_options_and_panelists_in_the_wrong_kind_are_the_rows_error() -> None:
    webinar = SheetRow(
        7,
        {"topic": "T", "start_time": "2031-05-02 10:00", "duration": 30, "kind": "webinar",
         "waiting_room": "yes"},
    )  # fmt: skip
    problem = validate_row(webinar, RowDefaults(timezone=ZONE)).message  # type: ignore[union-attr]
    assert "waiting_room is a meeting option" in problem
    meeting = SheetRow(
        8, {"topic": "T", "start_time": "2031-05-02 10:00", "duration": 30, "panelists": "a@b.org"}
    )
    problem = validate_row(meeting, RowDefaults(timezone=ZONE)).message  # type: ignore[union-attr]
    assert problem == "row 8: panelists are for a webinar: this row is a meeting"


def test_the_webinar_request_is_schema_true() -> None:
    from openapi_schema_validator import OAS30WriteValidator

    from batch_zoom.sandbox.schema import raw_schemas

    row = SheetRow(
        7,
        {"topic": "T", "start_time": "2031-05-02 10:00", "duration": 30, "kind": "webinar",
         "recurrence": "weekly x3", "participants": "a@b.org", "passcode": "abc123",
         "auto_recording": "cloud", "host_video": "yes", "alternative_hosts": "x@y.org"},
    )  # fmt: skip
    plan = validate_row(row, RowDefaults(timezone=ZONE))
    body = plan.create_body()  # type: ignore[union-attr]
    assert body["type"] == 9
    errors = list(OAS30WriteValidator(raw_schemas()["webinarCreate"]).iter_errors(body))
    assert errors == []
    settings = set(raw_schemas()["webinarCreate"]["properties"]["settings"]["properties"])
    assert set(body["settings"]) <= settings


def test_the_webinar_sample_schedules_against_the_sandbox(
    zoom_env: ZoomSandbox, tmp_path: Path
) -> None:
    zoom = zoom_env  # any address is a user with the Webinar add-on, as with --sandbox
    from openpyxl import load_workbook

    sample = Path(__file__).resolve().parents[1] / "samples" / "webinars.xlsx"
    source = tmp_path / "webinars.xlsx"
    source.write_bytes(sample.read_bytes())
    assert main([str(source), "--quiet"]) == 0
    book = load_workbook(tmp_path / "webinars_scheduled.xlsx")
    grid = list(book["February"].iter_rows(values_only=True))
    status = grid[0].index("status")
    assert [row[status] for row in grid[1:]] == ["created"] * 4
    assert sorted(w["topic"] for w in zoom.webinars()) == [
        "Product launch webinar",
        "Weekly customer clinic",
    ]
    people = list(book["Participants"].iter_rows(values_only=True))
    role = people[0].index("role")
    assert sorted(row[role] for row in people[1:]) == ["attendee"] * 5 + ["panelist"] * 3


def test_a_webinar_create_of_unknown_outcome_is_found_not_made_twice(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    from batch_zoom.sandbox.faults import Fault

    zoom.inject(Fault("drop_after", "POST", "/webinars"))  # made, the answer lost
    zoom.inject(Fault("error_after", "POST", "/webinars", status=502, after=1))
    source = write_sheet(tmp_path / "events.csv", ROWS[1:3])
    assert run(source) == 0
    assert sorted(w["topic"] for w in zoom.webinars()) == ["Launch webinar", "Weekly clinic"]
    assert zoom.count("POST", f"/users/{HOST}/webinars") == 2  # none sent again
    rows = read_csv(tmp_path / "events_scheduled.csv")
    assert [row["status"] for row in rows] == ["created", "created"]
    assert {row["meeting_id"] for row in rows} == {str(w["id"]) for w in zoom.webinars()}


def test_a_webinar_listing_with_items_that_are_not_webinars_proves_nothing_absent(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    from batch_zoom.sandbox.faults import Fault

    zoom.inject(Fault("junk_items", "GET", "/webinars", items=(1, "x"), times=10))
    source = write_sheet(tmp_path / "events.csv", ROWS[1:2])
    assert run(source) == 1
    assert zoom.webinars() == []  # nothing created blind
    assert read_csv(tmp_path / "events_scheduled.csv")[0]["status"] == "failed"


def test_webinars_and_meetings_share_the_hosts_daily_limit(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with ZoomSandbox(plan=None, users=[HOST], daily_limit=2) as zoom:
        point_environment_at(monkeypatch, zoom, tmp_path)
        source = write_sheet(tmp_path / "events.csv", ROWS[:3])
        assert run(source) == 1
        rows = read_csv(tmp_path / "events_scheduled.csv")
        # one meeting and two webinars under a limit of 2: one is deferred (whichever create
        # Zoom answered last; they go at once), as none would be if webinars had a limit apart
        statuses = [row["status"] for row in rows]
        assert sorted(statuses) == ["created", "created", "deferred"]
        assert zoom.daily_used(HOST) == 2
        assert len(zoom.meetings()) + len(zoom.webinars()) == 2


def test_more_participants_than_the_webinar_seats_is_the_rows_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ZoomSandbox(plan=None, users=[{"email": HOST, "webinar": 1}]) as zoom:
        point_environment_at(monkeypatch, zoom, tmp_path)
        source = write_sheet(tmp_path / "events.csv", ROWS[1:2])
        assert run(source) == 1
        row = read_csv(tmp_path / "events_scheduled.csv")[0]
        assert row["status"] == "invalid"
        assert row["error"] == (
            f"row 2: participants: 2 people, but {HOST}'s Zoom Webinar licence seats 1"
        )
        assert zoom.webinars() == [] and zoom.count("POST") == 1  # the token only


def test_check_reads_webinars_where_they_are(zoom: ZoomSandbox, tmp_path: Path) -> None:
    source = write_sheet(tmp_path / "events.csv", ROWS[:3])
    assert run(source) == 0
    (tmp_path / "events_scheduled.csv.journal").unlink()
    assert run(source, "--check", "-o", tmp_path / "checked.csv") == 0
    rows = read_csv(tmp_path / "checked_check.csv")
    on_zoom = {str(w["id"]) for w in zoom.webinars()} | {str(m["id"]) for m in zoom.meetings()}
    assert {row["meeting_id"] for row in rows} == on_zoom
    assert all(row["error"].startswith("already on Zoom as meeting") for row in rows), rows


def test_a_second_copy_of_a_webinar_on_zoom_is_a_duplicate_in_the_receipt(
    zoom: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import requests

    from tests.conftest import sandbox_token

    source = write_sheet(tmp_path / "events.csv", ROWS[1:2])
    assert run(source) == 0
    webinar = zoom.webinars()[0]
    zoom.advance(1)  # another tool makes the same webinar a second later
    body = {key: webinar[key] for key in ("topic", "start_time", "duration", "timezone")}
    answer = requests.post(
        f"{zoom.api_url}/users/{HOST}/webinars",
        json={**body, "type": 5},
        headers={"Authorization": f"Bearer {sandbox_token(zoom)}"},
        timeout=5,
    )
    assert answer.status_code == 201
    copy = str(answer.json()["id"])
    capsys.readouterr()
    assert main([str(source), "--timezone", ZONE]) == 1
    out = capsys.readouterr().out
    assert "verified on Zoom: 1 rows, 0 meetings, 2 webinars, 1 duplicates" in out
    assert copy in read_csv(tmp_path / "events_scheduled.csv")[0]["error"]
    assert len(zoom.webinars()) == 2  # not this output's to delete


def test_a_cancel_row_without_an_id_finds_its_webinar_by_its_cells(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    source = write_sheet(tmp_path / "events.csv", ROWS[:2])
    assert run(source) == 0
    copy = write_sheet(tmp_path / "colleague.csv", ROWS[:2])  # a copy of the sheet, no ids
    edit_csv(copy, 1, action="cancel")
    assert run(copy, "-o", tmp_path / "colleague_out.csv") == 0
    assert zoom.webinars() == [] and [m["topic"] for m in zoom.meetings()] == ["Team sync"]
    assert read_csv(tmp_path / "colleague_out.csv")[1]["status"] == "cancelled"


def test_without_the_user_scope_zooms_refusal_makes_the_unlicensed_row_invalid(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    zoom.scopes = "meeting:read:admin meeting:write:admin"  # hosts cannot be looked up first
    source = write_sheet(tmp_path / "events.csv", ROWS[3:4])
    assert run(source) == 1
    row = read_csv(tmp_path / "events_scheduled.csv")[0]
    assert row["status"] == "invalid"
    assert row["error"].startswith(f"row 2: host {PLAIN} has no Zoom Webinar licence (")
    assert "Webinar plan is missing" in row["error"]
    assert zoom.webinars() == []


def test_a_pool_gives_a_webinar_only_a_host_with_the_addon(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    rows = [
        ["Launch webinar", "2031-05-02 10:00", "60", ZONE, "", "webinar", "", "", ""],
        ["Second webinar", "2031-05-02 10:00", "60", ZONE, "", "webinar", "", "", ""],
        ["Sync", "2031-05-02 10:00", "30", ZONE, "", "", "", "", ""],
    ]
    source = write_sheet(tmp_path / "events.csv", rows)
    assert run(source, "--hosts", f"{PLAIN},{HOST}") == 1
    out = read_csv(tmp_path / "events_scheduled.csv")
    assert [row["status"] for row in out] == ["created", "invalid", "created"]
    assert out[0]["host"] == HOST and out[2]["host"] == PLAIN
    assert "no host of the pool" in out[1]["error"]  # the one licensed host is busy then
    assert [w["host_email"] for w in zoom.webinars()] == [HOST]


def test_a_pool_host_without_the_addon_need_not_list_its_webinars(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    """A host without the Webinar add-on holds no webinar: its webinar listing failing (as Zoom
    may refuse it) does not hold back a host-less webinar that a licensed pool host can take."""
    zoom.inject(
        Fault("error_before", method="GET", path=f"/users/{PLAIN}/webinars", status=400,
              times=10**6)
    )  # fmt: skip
    rows = [["Launch webinar", "2031-05-02 10:00", "60", ZONE, "", "webinar", "", "", ""]]
    source = write_sheet(tmp_path / "events.csv", rows)
    assert run(source, "--hosts", f"{PLAIN},{HOST}") == 0
    assert [w["host_email"] for w in zoom.webinars()] == [HOST]


def test_a_pool_without_a_licensed_host_says_so(zoom: ZoomSandbox, tmp_path: Path) -> None:
    rows = [["Launch webinar", "2031-05-02 10:00", "60", ZONE, "", "webinar", "", "", ""]]
    source = write_sheet(tmp_path / "events.csv", rows)
    assert run(source, "--hosts", PLAIN) == 1
    row = read_csv(tmp_path / "events_scheduled.csv")[0]
    assert row["error"] == f"row 2: host: no host of the pool ({PLAIN}) has a Zoom Webinar licence"
    assert zoom.webinars() == []


def test_a_pool_webinar_rerun_without_its_journal_finds_it_on_the_host_that_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool looks for a host-less webinar among its hosts' webinars (not only their
    meetings): with the journal gone and the pool named the other way round, the webinar is
    found on the host that holds it, not made again on the other."""
    other = "second@example.com"
    with ZoomSandbox(plan=None, users=[HOST, other]) as sandbox:
        point_environment_at(monkeypatch, sandbox, tmp_path)
        rows = [["Launch webinar", "2031-05-02 10:00", "60", ZONE, "", "webinar", "", "", ""]]
        source = write_sheet(tmp_path / "events.csv", rows)
        assert run(source, "--hosts", f"{HOST},{other}") == 0
        (held,) = sandbox.webinars()
        assert held["host_email"] == HOST
        (tmp_path / "events_scheduled.csv.journal").unlink()
        assert run(source, "--hosts", f"{other},{HOST}", "-o", tmp_path / "again.csv") == 0
        assert [w["id"] for w in sandbox.webinars()] == [held["id"]]
        row = read_csv(tmp_path / "again.csv")[0]
        assert (row["status"], row["meeting_id"]) == ("exists", str(held["id"]))


def test_attendees_taken_off_a_webinar_row_are_cancelled(zoom: ZoomSandbox, tmp_path: Path) -> None:
    source = write_sheet(tmp_path / "events.csv", ROWS[1:2])
    assert run(source) == 0
    output = tmp_path / "events_scheduled.csv"
    webinar_id = read_csv(output)[0]["meeting_id"]
    edit_csv(output, 0, participants="p2@example.net")
    assert run(output) == 0
    assert [p["email"] for p in zoom.registrants(webinar_id)] == ["p2@example.net"]
    assert [p["email"] for p in zoom.registrants(webinar_id, "denied")] == ["p1@example.net"]
    people = read_csv(tmp_path / "events_scheduled_participants.csv")
    attendees = {p["email"]: p["status"] for p in people if p["role"] == "attendee"}
    assert attendees == {"p2@example.net": "exists", "p1@example.net": "cancelled"}


def test_a_dry_run_plans_webinars_panelists_and_attendees_without_a_request(
    zoom: ZoomSandbox, tmp_path: Path
) -> None:
    source = write_sheet(tmp_path / "events.csv", ROWS[1:2])
    assert run(source, "--dry-run") == 0
    assert zoom.requests == []
    people = read_csv(tmp_path / "events_scheduled_participants.csv")
    assert sorted((p["role"], p["status"]) for p in people) == [
        ("attendee", "planned"),
        ("attendee", "planned"),
        ("panelist", "planned"),
        ("panelist", "planned"),
    ]


def test_the_sandbox_keeps_webinars_and_panelists_in_its_state_file(tmp_path: Path) -> None:
    import requests

    from tests.conftest import sandbox_token

    state = tmp_path / "sandbox.json"
    with ZoomSandbox(plan=None, state_path=state) as first:
        auth = {"Authorization": f"Bearer {sandbox_token(first)}"}
        body = {"topic": "Kept", "type": 5, "start_time": "2031-05-02T10:00:00Z", "duration": 30}
        made = requests.post(
            f"{first.api_url}/users/{HOST}/webinars", json=body, headers=auth, timeout=5
        ).json()
        panel = {"panelists": [{"email": "ann@example.org", "name": "Ann"}]}
        requests.post(
            f"{first.api_url}/webinars/{made['id']}/panelists", json=panel, headers=auth, timeout=5
        )
    with ZoomSandbox(plan=None, state_path=state) as second:
        assert [w["topic"] for w in second.webinars()] == ["Kept"]
        assert [p["email"] for p in second.panelists(made["id"])] == ["ann@example.org"]
