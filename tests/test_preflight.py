"""Hosts known before anything is sent, over real HTTP against a sandbox with a strict user list."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from openpyxl import Workbook, load_workbook

from batch_zoom.cli import main
from batch_zoom.models import parse_moment
from batch_zoom.sandbox import Fault, ZoomSandbox
from tests.conftest import Sleeps, point_environment_at, read_csv, sandbox_token, write_csv

USERS: list[Any] = [
    "ok@example.com",
    "a@example.com",
    "b@example.com",
    "c@example.com",
    {"email": "basic@example.com", "type": 1},
    {"email": "gone@example.com", "status": "inactive"},
    {"email": "invited@example.com", "status": "pending"},
    {"email": "strict@example.com", "passcode_policy": {"length": 8, "have_number": True}},
]
HEADER = ["topic", "start_time", "duration", "timezone", "host", "passcode"]
ZONE = "Asia/Tokyo"


@pytest.fixture
def zoom(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ZoomSandbox]:
    with ZoomSandbox(users=USERS) as sandbox:
        point_environment_at(monkeypatch, sandbox, tmp_path)
        yield sandbox


def run(*args: object) -> int:
    return main([str(arg) for arg in args] + ["--timezone", ZONE, "--quiet"])


def row(
    topic: str, start: str, duration: int = 30, host: str = "", passcode: str = ""
) -> list[Any]:
    return [topic, f"2030-01-07 {start}", duration, ZONE, host, passcode]


def posts_for(sandbox: ZoomSandbox, host: str) -> int:
    return sum(1 for r in sandbox.requests if r.method == "POST" and f"/users/{host}/" in r.path)


def writes(sandbox: ZoomSandbox) -> list[str]:
    return [
        f"{r.method} {r.path}"
        for r in sandbox.requests
        if r.method in ("POST", "PATCH", "DELETE") and r.path.startswith("/v2/")
    ]


def made_on_zoom(sandbox: ZoomSandbox, host: str, topic: str, start_utc: str, minutes: int) -> int:
    """Someone made a meeting in Zoom's portal, outside this tool."""
    token = sandbox_token(sandbox)
    answer = requests.post(
        f"{sandbox.api_url}/users/{host}/meetings",
        json={"topic": topic, "type": 2, "start_time": start_utc, "duration": minutes},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert answer.status_code == 201
    return int(answer.json()["id"])


def test_hosts_zoom_refuses_get_invalid_rows_and_no_create(zoom: ZoomSandbox, tmp_path: Path):
    rows = [
        row("Fine", "09:00", host="ok@example.com"),
        row("Long on Basic", "09:00", 60, host="basic@example.com"),
        row("Short on Basic", "11:00", 40, host="basic@example.com"),
        row("Left the company", "09:00", host="gone@example.com"),
        row("Not joined yet", "09:00", host="invited@example.com"),
        row("Typo", "09:00", host="nobdy@example.com"),
        row("Weak passcode", "09:00", host="strict@example.com", passcode="abcdefgh"),
        row("Good passcode", "11:00", host="strict@example.com", passcode="abcd1234"),
    ]
    assert run(write_csv(tmp_path / "in.csv", rows, HEADER)) == 1
    out = read_csv(tmp_path / "in_scheduled.csv")
    assert [r["status"] for r in out] == [
        "created",
        "created",
        "created",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "created",
    ]
    assert (
        out[3]["error"] == "row 5: host gone@example.com is an inactive user on this Zoom account"
    )
    assert "pending" in out[4]["error"] and out[4]["error"].startswith("row 6: ")
    assert out[5]["error"] == "row 7: host nobdy@example.com is not a user on this Zoom account"
    assert out[6]["error"] == (
        "row 8: passcode abcdefgh: the host's passcode policy asks for a number"
    )
    assert "ends at 40 minutes" in out[1]["error"] and "Basic" in out[1]["error"]
    assert out[2]["error"] == "" and out[0]["error"] == ""
    for host in ("gone@example.com", "invited@example.com", "nobdy@example.com"):
        assert posts_for(zoom, host) == 0
    assert posts_for(zoom, "strict@example.com") == 1
    looked_up = [r.path for r in zoom.requests if r.path == "/v2/users/strict@example.com"]
    assert looked_up == ["/v2/users/strict@example.com"]  # once per host, not per row
    settings = [r.path for r in zoom.requests if r.path.endswith("/settings")]
    assert settings == ["/v2/users/strict@example.com/settings"]  # only hosts given a passcode


@pytest.mark.parametrize(
    ("scopes", "user_calls"),
    [
        # the token's scopes say so: no host is asked
        ("meeting:read:admin meeting:write:admin", 0),
        # a user scope we do not know: the first look-up asks, its refusal stops the others
        ("meeting:read:admin meeting:write:admin user:read:zak:admin", 1),
    ],
)
def test_a_missing_user_scope_warns_once_and_the_batch_goes_on(
    zoom: ZoomSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    scopes: str,
    user_calls: int,
):
    zoom.scopes = scopes
    rows = [row("One", "09:00", host="ok@example.com"), row("Two", "10:00", host="a@example.com")]
    assert run(write_csv(tmp_path / "in.csv", rows, HEADER)) == 0
    assert [r["status"] for r in read_csv(tmp_path / "in_scheduled.csv")] == ["created"] * 2
    warned = [line for line in capsys.readouterr().err.splitlines() if "user:read:admin" in line]
    assert len(warned) == 1
    made = [
        r for r in zoom.requests if r.path.startswith("/v2/users/") and "/meetings" not in r.path
    ]
    assert len(made) == user_calls


def test_with_the_user_scope_each_host_is_looked_up_while_its_meetings_are_listed(
    zoom: ZoomSandbox, tmp_path: Path
):
    """The token says the app may read users: a host's look-up and listing go out together,
    so its first create waits for one answer from Zoom, not two. Every host is looked up and
    listed before its own first create."""
    hosts = ["ok@example.com", "a@example.com", "b@example.com", "c@example.com"]
    rows = [row(f"M{n}", f"{9 + n:02d}:00", host=host) for n, host in enumerate(hosts)]
    assert run(write_csv(tmp_path / "in.csv", rows, HEADER)) == 0
    api = [r for r in zoom.requests if r.path.startswith("/v2/")]
    for host in hosts:
        create = next(i for i, r in enumerate(api) if r.method == "POST" and r.host == host)
        before = [r.path for r in api[:create] if r.host == host]
        assert sorted(before) == [f"/v2/users/{host}", f"/v2/users/{host}/meetings"]
    first_create = next(i for i, r in enumerate(api) if r.method == "POST")
    assert {r.path for r in api[:first_create] if r.host == "ok@example.com"} == {
        "/v2/users/ok@example.com",
        "/v2/users/ok@example.com/meetings",
    }
    assert all(r.status in (200, 201) for r in api)


@pytest.mark.parametrize("headers", ["all", "refusals"])
def test_the_first_hosts_creates_do_not_wait_for_the_other_hosts_checks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, headers: str
):
    """Once the first host is looked up and listed, its creates go while the other hosts are
    still being looked up and listed: with twenty hosts listed at Pro's 20 a second, the first
    create reaches Zoom before the last listing is sent. Only when Zoom has said the listings'
    limit: a create may be metered with them, and an unknown limit cannot be kept for both
    (``refusals``: headers only on 429s); then the creates wait for every host's answers."""
    latency = 0.3
    with ZoomSandbox(latency=latency, rate_headers=headers) as sandbox:
        point_environment_at(monkeypatch, sandbox, tmp_path)
        hosts = [f"host{n:02d}@example.com" for n in range(20)]
        rows = [
            row(f"M{n}", f"{9 + n // 4:02d}:{n % 4 * 15:02d}", host=host)
            for n, host in enumerate(hosts)
        ]
        assert run(write_csv(tmp_path / "in.csv", rows, HEADER)) == 0
        api = [r for r in sandbox.requests if r.path.startswith("/v2/")]
    first_create = next(r for r in api if r.method == "POST")
    assert first_create.host == hosts[0]
    # each other host's look before creating: its first listing
    looks = {
        r.host: r.at for r in reversed(api) if r.method == "GET" and r.path.endswith("/meetings")
    }
    last_listing = max(at for host, at in looks.items() if host != hosts[0])
    if headers == "all":
        assert first_create.at < last_listing
    else:
        assert (first_create.at - last_listing).total_seconds() >= latency


@pytest.mark.parametrize(
    ("scopes", "reads"),
    [
        (None, None),
        (frozenset(), False),
        (frozenset({"meeting:write:admin"}), False),
        (frozenset({"meeting:write:admin", "user:read:admin"}), True),
        (frozenset({"user:write:admin"}), True),
        (frozenset({"user:read:user:admin", "user:read:settings:admin"}), True),
        (frozenset({"meeting:write:admin", "user:read:zak:admin"}), None),
    ],
)
def test_what_the_tokens_scopes_say_about_looking_hosts_up(
    scopes: frozenset[str] | None, reads: bool | None
) -> None:
    from batch_zoom.run.preflight import reads_users

    assert reads_users(scopes) is reads


def test_overlaps_in_the_sheet_and_with_zoom_are_flagged_and_others_are_not(
    zoom: ZoomSandbox, tmp_path: Path
):
    existing = made_on_zoom(zoom, "b@example.com", "Board", "2030-01-07T05:00:00Z", 60)  # 14:00
    rows = [
        row("Standup", "09:00", 60, host="a@example.com"),
        row("Review", "09:30", 30, host="a@example.com"),
        row("Other host", "09:00", 60, host="c@example.com"),
        row("Later", "10:00", 30, host="a@example.com"),
        row("Clash with Board", "14:30", 30, host="b@example.com"),
    ]
    assert run(write_csv(tmp_path / "in.csv", rows, HEADER)) == 0
    out = read_csv(tmp_path / "in_scheduled.csv")
    assert [r["status"] for r in out] == ["created"] * 5  # still created, with a note
    assert out[0]["error"] == (
        "double booking: its host is also booked for row 3 (2030-01-07 09:30-10:00 Asia/Tokyo)"
    )
    assert "row 2 (2030-01-07 09:00-10:00 Asia/Tokyo)" in out[1]["error"]
    assert out[2]["error"] == "" and out[3]["error"] == ""
    assert (
        f'meeting {existing} "Board" already on Zoom (2030-01-07 14:00-15:00 Asia/Tokyo)'
        in (out[4]["error"])
    )


def test_no_double_booking_makes_overlapping_rows_invalid(zoom: ZoomSandbox, tmp_path: Path):
    rows = [
        row("Standup", "09:00", 60, host="a@example.com"),
        row("Review", "09:30", 30, host="a@example.com"),
        row("Later", "10:00", 30, host="a@example.com"),
    ]
    assert run(write_csv(tmp_path / "in.csv", rows, HEADER), "--no-double-booking") == 1
    out = read_csv(tmp_path / "in_scheduled.csv")
    assert [r["status"] for r in out] == ["invalid", "invalid", "created"]
    assert out[1]["error"].startswith("row 3: double booking: its host is also booked for row 2")
    assert posts_for(zoom, "a@example.com") == 1


def test_nine_hostless_rows_in_three_slots_share_a_pool_of_three_without_double_booking(
    zoom: ZoomSandbox, tmp_path: Path
):
    rows = [row(f"Class {n}", f"{10 + n % 3}:00", 60) for n in range(9)]
    path = write_csv(tmp_path / "in.csv", rows, HEADER)
    pool = "a@example.com,b@example.com,c@example.com"
    assert run(path, "--hosts", pool) == 0
    out = read_csv(tmp_path / "in_scheduled.csv")
    assert [r["status"] for r in out] == ["created"] * 9
    hosts_written = [r["host"] for r in out]
    assert sorted(hosts_written) == sorted(pool.split(",") * 3)  # spread evenly
    for host in pool.split(","):
        spans = sorted((parse_moment(m["start_time"]), m["duration"]) for m in zoom.meetings(host))
        for (start, minutes), (later, _) in zip(spans, spans[1:], strict=False):
            assert start is not None and later is not None
            assert start + timedelta(minutes=minutes) <= later, f"{host} is double-booked"
    by_host = {m["topic"]: m["host_email"] for m in zoom.meetings()}
    assert all(by_host[r["topic"]] == r["host"] for r in out)  # the cell names the real host
    created = len(writes(zoom))
    assert run(path, "--hosts", pool) == 0  # the original sheet again: nothing made twice
    assert len(writes(zoom)) == created
    assert [r["status"] for r in read_csv(tmp_path / "in_scheduled.csv")] == ["exists"] * 9


def test_a_pool_row_is_not_made_again_while_a_pool_hosts_listing_cannot_be_read(
    zoom: ZoomSandbox, tmp_path: Path
):
    """Absence is proven only by a listing read whole: with the journal gone and the host that
    holds a pool row unreadable, the row is not created on another pool host (it was)."""
    path = write_csv(tmp_path / "in.csv", [row("Class", "10:00", 60)], HEADER)
    assert run(path, "--hosts", "a@example.com,b@example.com") == 0
    (held,) = zoom.meetings()
    (tmp_path / "in_scheduled.csv.journal").unlink()
    zoom.inject(
        Fault("error_before", method="GET", path=f"/users/{held['host_email']}/meetings",
              status=500, times=10**6)
    )  # fmt: skip
    assert main([str(path), "--hosts", "b@example.com,a@example.com", "--timezone", ZONE,
                 "--quiet"], sleep=Sleeps()) == 1  # fmt: skip
    (out,) = read_csv(tmp_path / "in_scheduled.csv")
    assert out["status"] == "failed" and "could not be listed" in out["error"]
    assert [m["id"] for m in zoom.meetings()] == [held["id"]]
    zoom.clear_faults()
    assert run(path, "--hosts", "b@example.com,a@example.com") == 0
    assert [m["id"] for m in zoom.meetings()] == [held["id"]]
    assert read_csv(tmp_path / "in_scheduled.csv")[0]["meeting_id"] == str(held["id"])


def test_a_row_no_pool_host_can_take_is_invalid_with_the_reason(
    zoom: ZoomSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    rows = [row("First", "10:00", 60), row("Second", "10:30", 30)]
    path = write_csv(tmp_path / "in.csv", rows, HEADER)
    assert run(path, "--hosts", "a@example.com,gone@example.com") == 1
    out = read_csv(tmp_path / "in_scheduled.csv")
    assert [r["status"] for r in out] == ["created", "invalid"]
    assert out[1]["error"].startswith(
        "row 3: host: no host of the pool (a@example.com) is free at 2030-01-07 10:30-11:00"
    )
    assert posts_for(zoom, "gone@example.com") == 0
    assert (
        "batch_zoom: warning: host gone@example.com is an inactive user on this Zoom account: "
        "it takes no rows from the pool"
    ) in capsys.readouterr().err


def test_the_hosts_sheet_gives_the_pool_and_names_for_host_cells(zoom: ZoomSandbox, tmp_path: Path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Meetings"
    sheet.append(HEADER)
    sheet.append(row("Named", "10:00", host="田中先生"))
    sheet.append(row("Pooled", "10:00"))
    hosts = book.create_sheet("ホスト")
    hosts.append(["email", "name"])
    hosts.append(["a@example.com", "田中先生"])
    hosts.append(["b@example.com", "Suzuki"])
    path = tmp_path / "month.xlsx"
    book.save(path)
    assert run(path) == 0
    out = load_workbook(tmp_path / "month_scheduled.xlsx")
    grid = [list(r) for r in out["Meetings"].iter_rows(values_only=True)]
    head = grid[0]
    cells = [dict(zip(head, r, strict=False)) for r in grid[1:]]
    assert [c["status"] for c in cells] == ["created", "created"]
    assert cells[0]["host"] == "田中先生"  # the user's own cell stays as written
    assert cells[1]["host"] == "b@example.com"  # a is taken at 10:00 by 田中先生's row
    assert {m["topic"]: m["host_email"] for m in zoom.meetings()} == {
        "Named": "a@example.com",
        "Pooled": "b@example.com",
    }
    assert [list(r) for r in out["ホスト"].iter_rows(values_only=True)][1] == [
        "a@example.com",
        "田中先生",
    ]


def test_check_reads_everything_and_writes_nothing(zoom: ZoomSandbox, tmp_path: Path):
    path = write_csv(
        tmp_path / "in.csv", [row("Made before", "09:00", host="a@example.com")], HEADER
    )
    assert run(path) == 0
    existing = made_on_zoom(zoom, "a@example.com", "Board", "2030-01-07T02:00:00Z", 60)  # 11:00
    rows = [
        row("Made before", "09:00", host="a@example.com"),
        row("New", "11:30", host="a@example.com"),
        row("Typo", "09:00", host="nobdy@example.com"),
        row("Pooled", "09:00"),
    ]
    path = write_csv(tmp_path / "in.csv", rows, HEADER)
    before = writes(zoom)
    assert run(path, "--check", "--hosts", "a@example.com,b@example.com") == 1
    assert writes(zoom) == before
    out = read_csv(tmp_path / "in_check.csv")  # the schedule itself is left alone
    assert [r["status"] for r in read_csv(tmp_path / "in_scheduled.csv")] == ["created"]
    assert [r["status"] for r in out] == ["exists", "planned", "invalid", "planned"]
    assert f'meeting {existing} "Board"' in out[1]["error"]
    assert out[1]["error"].startswith("would create with host a@example.com")
    assert "not a user" in out[2]["error"]
    assert out[3]["host"] == "b@example.com"  # a is busy at 09:00 with "Made before"
    grouped: defaultdict[str, int] = defaultdict(int)
    for record in zoom.requests:
        grouped[record.method] += 1
    assert set(grouped) == {"GET", "POST"} and writes(zoom) == before


def test_dry_run_stays_offline(zoom: ZoomSandbox, tmp_path: Path):
    rows = [row("Typo", "09:00", host="nobdy@example.com")]
    assert run(write_csv(tmp_path / "in.csv", rows, HEADER), "--dry-run") == 0
    assert zoom.requests == []


def test_the_pool_never_books_a_host_over_its_meeting_on_zoom(zoom: ZoomSandbox, tmp_path: Path):
    made_on_zoom(zoom, "a@example.com", "Elsewhere", "2030-01-07T01:00:00Z", 60)  # 10:00 Tokyo
    path = write_csv(tmp_path / "in.csv", [row("Pooled", "10:30")], HEADER)
    assert run(path, "--hosts", "a@example.com,b@example.com") == 0
    assert read_csv(tmp_path / "in_scheduled.csv")[0]["host"] == "b@example.com"
    assert [m["topic"] for m in zoom.meetings("b@example.com")] == ["Pooled"]


def test_sandbox_runs_say_that_any_host_is_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.chdir(tmp_path)
    path = write_csv(tmp_path / "in.csv", [row("Try", "10:00", host="anyone@example.com")], HEADER)
    assert main([str(path), "--sandbox", "--timezone", ZONE]) == 0
    assert "any well-formed host email is taken as a user" in capsys.readouterr().out


def test_one_listing_per_host_serves_double_booking_and_find_before_create(
    zoom: ZoomSandbox, tmp_path: Path
):
    made_on_zoom(zoom, "a@example.com", "Board", "2030-01-07T00:00:00Z", 60)  # 09:00 Tokyo
    rows = [
        row("Standup", "09:30", host="a@example.com"),
        row("Other", "09:00", host="b@example.com"),
    ]
    mark = len(zoom.requests)
    assert run(write_csv(tmp_path / "in.csv", rows, HEADER)) == 0
    assert "Board" in read_csv(tmp_path / "in_scheduled.csv")[0]["error"]
    ours = zoom.requests[mark:]
    for host in ("a@example.com", "b@example.com"):
        first_create = next(
            i
            for i, r in enumerate(ours)
            if r.method == "POST" and r.path.endswith(f"/{host}/meetings")
        )
        listed = [
            r
            for r in ours[:first_create]
            if r.method == "GET" and r.path == f"/v2/users/{host}/meetings"
        ]
        assert len(listed) == 1  # one listing before the host's creates serves both


def test_a_dry_run_says_the_pool_will_choose(zoom: ZoomSandbox, tmp_path: Path):
    path = write_csv(tmp_path / "in.csv", [row("Pooled", "10:00")], HEADER)
    assert run(path, "--dry-run", "--hosts", "a@example.com,b@example.com") == 0
    out = read_csv(tmp_path / "in_scheduled.csv")[0]
    assert out["error"] == "would create with a host from the pool (a@example.com, b@example.com)"
    assert zoom.requests == []


def test_check_compares_managed_rows_without_changing_them(zoom: ZoomSandbox, tmp_path: Path):
    rows = [
        row("Kept", "09:00", host="a@example.com"),
        row("Edited", "11:00", host="a@example.com"),
    ]
    assert run(write_csv(tmp_path / "in.csv", rows, HEADER)) == 0
    output = tmp_path / "in_scheduled.csv"
    lines = output.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace(",30,", ",45,", 1)
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = writes(zoom)
    assert run(output, "--check") == 0
    assert writes(zoom) == before
    checked = read_csv(tmp_path / "in_scheduled_check.csv")
    assert [r["status"] for r in checked] == ["planned", "planned"]
    assert checked[0]["error"] == "in line with Zoom: nothing to change"
    assert checked[1]["error"] == "would change duration 30 -> 45"


def test_a_new_row_over_a_meeting_an_earlier_run_made_is_flagged(zoom: ZoomSandbox, tmp_path: Path):
    first = [row("Made before", "09:00", 60, host="a@example.com")]
    path = write_csv(tmp_path / "in.csv", first, HEADER)
    assert run(path) == 0
    made = read_csv(tmp_path / "in_scheduled.csv")[0]["meeting_id"]
    write_csv(path, [*first, row("Added", "09:30", host="a@example.com")], HEADER)
    assert run(path) == 0
    out = read_csv(tmp_path / "in_scheduled.csv")
    assert [r["status"] for r in out] == ["exists", "created"]
    assert f'meeting {made} "Made before" already on Zoom' in out[1]["error"]


def test_a_sheet_without_a_host_column_gets_one_for_the_chosen_hosts(
    zoom: ZoomSandbox, tmp_path: Path
):
    header = ["topic", "start_time", "duration", "timezone"]
    rows = [[f"Class {n}", "2030-01-07 10:00", 30, ZONE] for n in range(2)]
    path = write_csv(tmp_path / "in.csv", rows, header)
    assert run(path, "--hosts", "a@example.com,b@example.com") == 0
    out = read_csv(tmp_path / "in_scheduled.csv")
    assert list(out[0])[:4] == header and list(out[0])[-1] == "host"
    assert sorted(r["host"] for r in out) == ["a@example.com", "b@example.com"]
    assert run(tmp_path / "in_scheduled.csv") == 0  # the output itself runs as managed rows
    assert [r["status"] for r in read_csv(tmp_path / "in_scheduled.csv")] == ["exists"] * 2


@pytest.mark.parametrize(
    ("code", "message", "missing"),
    [
        (4711, "Invalid access token, does not contain scopes:[user:read:admin].", True),
        (4700, "Invalid access token, does not contain scopes:[user:read:admin].", True),
        (4700, "Token is invalid.", False),
        (300, "Validation Failed.", False),
    ],
)
def test_what_counts_as_a_missing_scope(code: int, message: str, missing: bool) -> None:
    from batch_zoom.errors import ZoomError
    from batch_zoom.run.preflight import _missing_scope

    assert _missing_scope(ZoomError(400, code, message)) is missing


def test_an_edited_managed_row_that_now_overlaps_gets_the_note_and_is_still_updated(
    zoom: ZoomSandbox, tmp_path: Path
):
    rows = [
        row("One", "09:00", 60, host="a@example.com"),
        row("Two", "11:00", 30, host="a@example.com"),
    ]
    assert run(write_csv(tmp_path / "in.csv", rows, HEADER), "--no-double-booking") == 0
    output = tmp_path / "in_scheduled.csv"
    lines = output.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace("2030-01-07 11:00", "2030-01-07 09:30", 1)
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run(output, "--no-double-booking") == 0
    out = read_csv(output)
    assert [r["status"] for r in out] == ["exists", "updated"]
    assert (
        "double booking" in out[1]["error"] and "row 2 (2030-01-07 09:00-10:00" in out[1]["error"]
    )


def test_a_workbook_without_a_host_column_gets_one_in_place(zoom: ZoomSandbox, tmp_path: Path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Meetings"
    sheet.append(["topic", "start_time", "duration", "timezone"])
    sheet.append(["Pooled", "2030-01-07 10:00", 30, ZONE])
    path = tmp_path / "month.xlsx"
    book.save(path)
    assert run(path, "--hosts", "b@example.com") == 0
    grid = [
        list(r)
        for r in load_workbook(tmp_path / "month_scheduled.xlsx")["Meetings"].iter_rows(
            values_only=True
        )
    ]
    cells = dict(zip(grid[0], grid[1], strict=False))
    assert cells["status"] == "created" and cells["host"] == "b@example.com"
    assert grid[0][:4] == ["topic", "start_time", "duration", "timezone"]


def test_pool_rows_find_their_meetings_again_without_the_journal(zoom: ZoomSandbox, tmp_path: Path):
    rows = [row(f"Class {n}", "10:00", 30) for n in range(3)]
    path = write_csv(tmp_path / "in.csv", rows, HEADER)
    pool = "a@example.com,b@example.com,c@example.com"
    assert run(path, "--hosts", pool) == 0
    first = {
        r["topic"]: (r["host"], r["meeting_id"]) for r in read_csv(tmp_path / "in_scheduled.csv")
    }
    (tmp_path / "in_scheduled.csv.journal").unlink()
    made = len(writes(zoom))
    assert run(path, "--hosts", pool) == 0
    assert len(writes(zoom)) == made  # each row took the host that holds its meeting
    again = {
        r["topic"]: (r["host"], r["meeting_id"]) for r in read_csv(tmp_path / "in_scheduled.csv")
    }
    assert again == first
