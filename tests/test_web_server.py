"""The page's server, in-process (Starlette's TestClient over httpx): every security rule with a
request that must be refused, and the whole path from a chosen sheet to its receipt."""

from __future__ import annotations

import html
import json
import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from batch_zoom.config import Credentials
from batch_zoom.sandbox import ZoomSandbox
from batch_zoom.web import Zoom, create_app
from batch_zoom.web.folders import inside, stored_name

PORT = 8765
ORIGIN = f"http://127.0.0.1:{PORT}"
TOKEN = "one-time-token-for-tests"
SAME = {"Sec-Fetch-Site": "same-origin"}
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "meetings.xlsx"
CANARY_SECRET = "canary-secret-5b1e0c"


def make_app(sandbox: ZoomSandbox, home: Path, **overrides: object) -> object:
    credentials = Credentials("sandbox-account", "sandbox-client", "sandbox-secret")
    options: dict[str, object] = {
        "port": PORT,
        "token": TOKEN,
        "zoom": Zoom(sandbox.api_url, sandbox.oauth_url, True, credentials),
        "environment": {"HOME": str(home), "XDG_DATA_HOME": str(home / "data")},
        "data": home / "data" / "batch_zoom",
    }
    options.update(overrides)
    return create_app(**options)  # type: ignore[arg-type]


@pytest.fixture
def client(sandbox: ZoomSandbox, tmp_path: Path) -> Iterator[TestClient]:
    """A client that has traded the token for the cookie, as the browser does."""
    with TestClient(make_app(sandbox, tmp_path), base_url=ORIGIN) as started:  # type: ignore[arg-type]
        assert started.get(f"/login?token={TOKEN}").status_code == 200
        yield started


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def wait_for_the_run(client: TestClient) -> str:
    """Follow the run's events to its end (as the page's script does); the page afterwards."""
    with client.stream("GET", "/events") as events:
        data = [line for line in events.iter_lines() if line.startswith("data:")]
    assert json.loads(data[-1].removeprefix("data:"))["kind"] == "done"
    return client.get("/").text


# -- who may come in --------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", f"evil.example:{PORT}", "127.0.0.1:9999", ""])
def test_a_request_to_another_host_name_is_refused(client: TestClient, host: str) -> None:
    """DNS rebinding: another site's name pointed at 127.0.0.1 still sends its own Host."""
    answer = client.get("/", headers={"Host": host})
    assert answer.status_code == 403
    assert "meetings" not in answer.text.casefold()
    assert client.get("/", headers={"Host": f"localhost:{PORT}"}).status_code == 200


@pytest.mark.parametrize("path", ["/", "/events", "/download/workbook"])
def test_without_the_cookie_there_is_no_page_data(
    sandbox: ZoomSandbox, tmp_path: Path, path: str
) -> None:
    with TestClient(make_app(sandbox, tmp_path), base_url=ORIGIN) as fresh:  # type: ignore[arg-type]
        answer = fresh.get(path)
        assert answer.status_code == 403
        assert "printed" in answer.text
        refused = fresh.post("/schedule", headers=SAME)
        assert refused.status_code == 403


def test_the_token_is_exchanged_once_for_a_strict_http_only_cookie(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    with TestClient(make_app(sandbox, tmp_path), base_url=ORIGIN) as browser:  # type: ignore[arg-type]
        assert browser.get("/login?token=wrong").status_code == 403
        first = browser.get(f"/login?token={TOKEN}", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/"
        cookie = first.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert TOKEN not in cookie
        assert browser.get("/").status_code == 200
    with TestClient(make_app(sandbox, tmp_path), base_url=ORIGIN) as other:  # type: ignore[arg-type]
        other.get(f"/login?token={TOKEN}")  # a fresh app: its own token
        again = other.get(f"/login?token={TOKEN}")
        assert again.status_code == 200  # the same browser, already in: the page again
        other.cookies.clear()
        reused = other.get(f"/login?token={TOKEN}")
        assert reused.status_code == 403  # reused without the cookie: refused
        assert "used already" in reused.text
        assert other.get("/").status_code == 403


def test_a_reused_token_opens_nothing_for_a_second_browser(client: TestClient) -> None:
    second = TestClient(client.app, base_url=ORIGIN)
    assert second.get(f"/login?token={TOKEN}").status_code == 403
    assert second.get("/").status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is not our page
        {"Origin": "http://evil.example"},
        {"Origin": f"{ORIGIN}.evil.example"},  # a prefix of ours is not ours
        {"Origin": "null"},
        {},  # a POST from a browser always says where it comes from
    ],
)
def test_a_state_changing_request_from_another_site_is_refused(
    client: TestClient, sandbox: ZoomSandbox, headers: dict[str, str]
) -> None:
    for path in ("/sheet", "/schedule", "/stop", "/undo", "/answer", "/connect", "/lang"):
        answer = client.post(path, headers=headers, data={"answer": "yes"})
        assert answer.status_code == 403, path
        assert "did not come from the page" in answer.text
    assert sandbox.meetings() == []


def test_our_own_origin_may_post(client: TestClient) -> None:
    assert client.post("/lang", data={"lang": "en"}, headers={"Origin": ORIGIN}).status_code == 200
    assert client.post("/lang", data={"lang": "en"}, headers={"Sec-Fetch-Site": "none"}).is_success


def test_an_upload_over_the_cap_is_refused_with_a_plain_message(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    app = make_app(sandbox, tmp_path, max_upload=10_000)
    with TestClient(app, base_url=ORIGIN) as browser:  # type: ignore[arg-type]
        browser.get(f"/login?token={TOKEN}")
        answer = browser.post("/sheet", files={"sheet": ("big.csv", b"x" * 20_000)}, headers=SAME)
        assert answer.status_code == 413
        assert "too large" in answer.text and "0.01 MB" in answer.text
        # a body sent in chunks, without a length, is counted as it arrives
        chunks = (b"y" * 4_000 for _ in range(5))
        chunked = browser.post(
            "/sheet",
            content=chunks,
            headers={**SAME, "Content-Type": "multipart/form-data; boundary=x"},
        )
        assert chunked.status_code == 413
    assert not (tmp_path / "data" / "batch_zoom" / "sheets").exists()


@pytest.mark.parametrize(
    ("browser_name", "stored"),
    [
        ("../../escape.csv", "escape.csv"),
        ("..\\..\\Windows\\escape.csv", "escape.csv"),
        ("/etc/cron.d/job.xlsx", "job.xlsx"),
        ("C:\\Users\\me\\12月 予定.xlsx", "12月 予定.xlsx"),
        ("..csv", "sheet.csv"),
        ("a\x00b.csv", "a_b.csv"),
        ("notes.txt", None),
        ("no-suffix", None),
    ],
)
def test_a_browser_file_name_never_becomes_a_path(browser_name: str, stored: str | None) -> None:
    assert stored_name(browser_name) == stored
    with pytest.raises(ValueError):
        inside(Path("/data"), "../x.csv")


def test_an_uploaded_path_like_name_stays_inside_the_data_folder(
    client: TestClient, tmp_path: Path
) -> None:
    rows = "topic,start_time,duration,timezone\nA,2030-01-07 09:00,30,Asia/Tokyo\n"
    answer = client.post(
        "/sheet", files={"sheet": ("../../../escape.csv", rows.encode())}, headers=SAME
    )
    assert answer.status_code == 200
    found = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("escape*"))
    assert found == [
        "data/batch_zoom/sheets/escape.csv",
        "data/batch_zoom/sheets/escape_sandbox_dry_run.csv",
    ]
    refused = client.post("/sheet", files={"sheet": ("notes.txt", b"hello")}, headers=SAME)
    assert "notes.txt is not a sheet batch_zoom reads" in text_of(refused.text)


# -- secrets ----------------------------------------------------------------------------------


def test_secrets_never_reach_the_page(sandbox: ZoomSandbox, tmp_path: Path) -> None:
    """A real-Zoom page (not the sandbox) with credentials in the environment and entered on
    the page: the secret is in no HTML; start_url in no page and no event of a run."""
    environment = {
        "HOME": str(tmp_path),
        "ZOOM_ACCOUNT_ID": "sandbox-account",
        "ZOOM_CLIENT_ID": "sandbox-client",
        "ZOOM_CLIENT_SECRET": CANARY_SECRET,
    }
    app = make_app(
        sandbox,
        tmp_path,
        zoom=Zoom(sandbox.api_url, sandbox.oauth_url),
        environment=environment,
    )
    with TestClient(app, base_url=ORIGIN) as browser:  # type: ignore[arg-type]
        browser.get(f"/login?token={TOKEN}")
        page = browser.get("/").text
        assert "Zoom credentials are set" in text_of(page)
        assert CANARY_SECRET not in page
        checked = browser.post(
            "/connect",
            data={"account_id": "sandbox-account", "client_id": "sandbox-client", "secret": "bad"},
            headers=SAME,
        )
        assert "Client secret is wrong" in text_of(checked.text)
        assert "bad" not in re.findall(r'value="([^"]*)"', checked.text)
        checked = browser.post(
            "/connect",
            data={
                "account_id": "sandbox-account",
                "client_id": "sandbox-client",
                "secret": "sandbox-secret",
            },
            headers=SAME,
        )
        assert "the credentials work" in text_of(checked.text)
        assert "sandbox-secret" not in checked.text
        browser.post("/sheet", files={"sheet": ("m.xlsx", SAMPLE.read_bytes())}, headers=SAME)
        browser.post("/schedule", headers=SAME)
        with browser.stream("GET", "/events") as events:
            stream = "".join(events.iter_lines())
        page = browser.get("/").text
    start_urls = [meeting["start_url"] for meeting in sandbox.meetings()]
    assert len(start_urls) == 24
    for start_url in start_urls:
        assert start_url not in stream and start_url not in page
    for secret in (CANARY_SECRET, "sandbox-secret"):
        assert secret not in stream and secret not in page


def test_remembered_credentials_are_for_this_user_only(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    environment = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    app = make_app(
        sandbox, tmp_path, zoom=Zoom(sandbox.api_url, sandbox.oauth_url), environment=environment
    )
    with TestClient(app, base_url=ORIGIN) as browser:  # type: ignore[arg-type]
        browser.get(f"/login?token={TOKEN}")
        assert "credentials are not set" in text_of(browser.get("/").text)
        browser.post(
            "/connect",
            data={
                "account_id": "sandbox-account",
                "client_id": "sandbox-client",
                "secret": "sandbox-secret",
                "remember": "yes",
            },
            headers=SAME,
        )
    stored = tmp_path / "config" / "batch_zoom" / "credentials.env"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    again = make_app(
        sandbox, tmp_path, zoom=Zoom(sandbox.api_url, sandbox.oauth_url), environment=environment
    )
    with TestClient(again, base_url=ORIGIN) as browser:  # type: ignore[arg-type]
        browser.get(f"/login?token={TOKEN}")
        assert "remembered on this computer" in text_of(browser.get("/").text)


@pytest.mark.parametrize(
    ("account_id", "secret", "scopes", "hint"),
    [
        ("nobody", "sandbox-secret", None, "The Account ID is wrong"),
        ("sandbox-account", "wrong", None, "The Client ID or Client secret is wrong"),
        (
            "sandbox-account",
            "sandbox-secret",
            "meeting:read:admin user:read:admin",
            "A scope is missing: add meeting:write:admin",
        ),
    ],
)
def test_each_usual_failure_of_the_credentials_gets_a_plain_hint(
    sandbox: ZoomSandbox,
    tmp_path: Path,
    account_id: str,
    secret: str,
    scopes: str | None,
    hint: str,
) -> None:
    if scopes is not None:
        sandbox.scopes = scopes
    app = make_app(sandbox, tmp_path, zoom=Zoom(sandbox.api_url, sandbox.oauth_url))
    with TestClient(app, base_url=ORIGIN) as browser:  # type: ignore[arg-type]
        browser.get(f"/login?token={TOKEN}")
        words = text_of(
            browser.post(
                "/connect",
                data={"account_id": account_id, "client_id": "sandbox-client", "secret": secret},
                headers=SAME,
            ).text
        )
        assert hint in words
        assert "credentials are not set" in words  # a failed check uses nothing


# -- the whole path ---------------------------------------------------------------------------


def test_schedule_the_sample_then_choose_it_again_and_nothing_is_made_twice(
    client: TestClient, sandbox: ZoomSandbox
) -> None:
    planned = client.post(
        "/sheet",
        files={"sheet": ("meetings.xlsx", SAMPLE.read_bytes())},
        data={"timezone": "Asia/Tokyo"},
        headers=SAME,
    )
    words = text_of(planned.text)
    assert "24 planned" in words and "start_time → start time" in words
    assert "Rows without a time zone use Asia/Tokyo." in words
    assert "Schedule 24 meetings in the sandbox" in words
    assert sandbox.meetings() == []  # the plan sends nothing

    client.post("/schedule", headers=SAME)
    words = text_of(wait_for_the_run(client))
    assert "verified on Zoom: 24 rows, 24 meetings, 0 duplicates" in words
    assert "Nothing needs attention." in words
    workbook = client.get("/download/workbook")
    assert workbook.headers["content-disposition"] == 'attachment; filename="meetings_sandbox.xlsx"'
    assert client.get("/download/ics").status_code == 200
    assert client.get("/download/../../etc/passwd").status_code == 404

    again = client.post(
        "/sheet", files={"sheet": ("meetings.xlsx", SAMPLE.read_bytes())}, headers=SAME
    )
    assert "24 exists" in text_of(again.text)
    assert "Nothing left to schedule." in text_of(again.text)
    client.post("/schedule", headers=SAME)
    words = text_of(wait_for_the_run(client))
    assert "verified on Zoom: 24 rows, 24 meetings, 0 duplicates" in words
    assert len(sandbox.meetings()) == 24


def test_no_sheet_is_chosen_while_a_run_reads_and_writes_one(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    slow = ZoomSandbox(plan=None, latency=0.2)
    rows = "topic,start_time,duration,timezone\n" + "".join(
        f"M{n},2030-01-07 1{n}:00,30,Asia/Tokyo\n" for n in range(5)
    )
    with slow, TestClient(make_app(slow, tmp_path), base_url=ORIGIN) as browser:  # type: ignore[arg-type]
        browser.get(f"/login?token={TOKEN}")
        browser.post("/sheet", files={"sheet": ("s.csv", rows.encode())}, headers=SAME)
        browser.post("/schedule", headers=SAME)
        other = "topic,start_time,duration,timezone\nX,2030-01-08 10:00,30,Asia/Tokyo\n"
        refused = browser.post("/sheet", files={"sheet": ("s.csv", other.encode())}, headers=SAME)
        assert "A run is in progress" in text_of(refused.text)
        wait_for_the_run(browser)
    assert sorted(meeting["topic"] for meeting in slow.meetings()) == [f"M{n}" for n in range(5)]
    assert (tmp_path / "data" / "batch_zoom" / "sheets" / "s.csv").read_text() == rows


def test_stop_ends_the_run_and_the_next_run_finishes(sandbox: ZoomSandbox, tmp_path: Path) -> None:
    rows = "topic,start_time,duration,timezone,host\n" + "".join(
        f"M{n},2030-01-07 {9 + n % 8:02d}:{n % 60:02d},30,Asia/Tokyo,h{n % 2}@example.com\n"
        for n in range(60)
    )
    from batch_zoom.sandbox.faults import Fault

    sandbox_slow = ZoomSandbox(plan=None)
    # after the first two creates every create takes a second: the Stop lands mid-run however
    # busy the machine is (a fast run could otherwise end before the Stop arrives)
    sandbox_slow.inject(Fault("delay", path="/meetings", after=2, times=1000, delay=1.0))
    with sandbox_slow, TestClient(make_app(sandbox_slow, tmp_path), base_url=ORIGIN) as browser:  # type: ignore[arg-type]
        browser.get(f"/login?token={TOKEN}")
        browser.post("/sheet", files={"sheet": ("many.csv", rows.encode())}, headers=SAME)
        browser.post("/schedule", headers=SAME)
        deadline = time.monotonic() + 30
        while not sandbox_slow.meetings() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert "Stop" in text_of(browser.get("/").text)
        browser.post("/stop", headers=SAME)
        words = text_of(wait_for_the_run(browser))
        assert "Stopped. Nothing is lost" in words
        made = len(sandbox_slow.meetings())
        assert 0 < made < 60
        assert "pending" in words
        sandbox_slow.clear_faults()
        browser.post("/sheet", files={"sheet": ("many.csv", rows.encode())}, headers=SAME)
        browser.post("/schedule", headers=SAME)
        words = text_of(wait_for_the_run(browser))
        assert "verified on Zoom: 60 rows, 60 meetings, 0 duplicates" in words
        assert len(sandbox_slow.meetings()) == 60


def test_undo_asks_before_it_deletes(client: TestClient, sandbox: ZoomSandbox) -> None:
    client.post("/sheet", files={"sheet": ("meetings.xlsx", SAMPLE.read_bytes())}, headers=SAME)
    client.post("/schedule", headers=SAME)
    wait_for_the_run(client)
    client.post("/undo", headers=SAME)
    deadline = time.monotonic() + 20
    while "This deletes 24 Zoom meetings" not in (page := client.get("/").text):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert len(sandbox.meetings()) == 24  # asked, nothing deleted yet
    client.post("/answer", data={"answer": "no"}, headers=SAME)
    wait_for_the_run(client)
    assert len(sandbox.meetings()) == 24
    assert "Delete them?" in page


def test_the_downloaded_workbook_holds_the_links(client: TestClient, tmp_path: Path) -> None:
    client.post("/sheet", files={"sheet": ("meetings.xlsx", SAMPLE.read_bytes())}, headers=SAME)
    client.post("/schedule", headers=SAME)
    wait_for_the_run(client)
    saved = tmp_path / "downloaded.xlsx"
    saved.write_bytes(client.get("/download/workbook").content)
    sheet = load_workbook(saved).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    links = [row[header.index("join_url")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(links) == 24 and all(str(link).startswith("https://") for link in links)


# -- language ---------------------------------------------------------------------------------


def test_the_browser_language_decides_unless_chosen(sandbox: ZoomSandbox, tmp_path: Path) -> None:
    with TestClient(make_app(sandbox, tmp_path), base_url=ORIGIN) as browser:  # type: ignore[arg-type]
        browser.get(f"/login?token={TOKEN}")
        japanese = browser.get("/", headers={"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.8"})
        assert '<html lang="ja">' in japanese.text
        english = browser.get("/", headers={"Accept-Language": "fr-FR,en;q=0.5,ja;q=0.1"})
        assert '<html lang="en">' in english.text
        switched = browser.post("/lang", data={"lang": "ja"}, headers=SAME)
        assert '<html lang="ja">' in switched.text  # the switch beats the browser's language
    fixed = make_app(sandbox, tmp_path, language="ja", token="other")
    with TestClient(fixed, base_url=ORIGIN) as browser:  # type: ignore[arg-type]
        browser.get("/login?token=other")
        page = browser.get("/", headers={"Accept-Language": "en-US"})
        assert '<html lang="ja">' in page.text  # --lang ja beats the browser


# -- the command ------------------------------------------------------------------------------


def test_the_command_hands_ui_to_the_page(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from batch_zoom.cli import main

    monkeypatch.delenv("BATCH_ZOOM_LANG")
    asked: list[dict[str, object]] = []

    def page(**options: object) -> int:
        asked.append(options)
        return 0

    assert main(["--ui", "--sandbox", "--no-browser", "--port", "8123"], page=page) == 0
    assert main(["--ui", "--lang", "ja"], page=page) == 0
    first, second = asked
    assert (first["sandbox"], first["port"], first["open_browser"]) == (True, 8123, False)
    assert first["language"] is None  # the browser's Accept-Language decides
    assert (second["sandbox"], second["open_browser"], second["language"]) == (False, True, "ja")
    with pytest.raises(SystemExit) as refused:  # without --ui the sheet is still required
        main(["--sandbox"], page=page)
    assert refused.value.code == 2
    assert "INPUT" in capsys.readouterr().err


def test_a_port_in_use_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    from batch_zoom.cli import main
    from batch_zoom.web import listen, serve

    taken = listen(None)
    port = taken.getsockname()[1]
    try:
        status = main(["--ui", "--no-browser", "--port", str(port)], page=serve)
    finally:
        taken.close()
    assert status == 2
    err = capsys.readouterr().err
    assert f"port {port} cannot be used" in err and "hint:" in err


def test_the_plan_can_be_checked_on_zoom_without_changing_anything(
    client: TestClient, sandbox: ZoomSandbox
) -> None:
    rows = (
        "topic,start_time,duration,timezone,host\n"
        "First,2030-01-07 09:00,60,Asia/Tokyo,h@example.com\n"
        "Overlaps,2030-01-07 09:30,30,Asia/Tokyo,h@example.com\n"
    )
    client.post("/sheet", files={"sheet": ("two.csv", rows.encode())}, headers=SAME)
    checked = text_of(client.post("/check", headers=SAME).text)
    assert "Checked on Zoom: nothing was created, changed or deleted there." in checked
    assert "would create with host h@example.com" in checked  # the host was looked up
    assert "double booking: its host is also booked for row 3" in checked
    assert sandbox.meetings() == []


def test_waits_are_explained_live(sandbox: ZoomSandbox, tmp_path: Path) -> None:
    """A 429 with Retry-After, and a host out of its daily quota: both said in the events,
    in the user's words; the run waits through the injected sleep, not for real."""
    from batch_zoom.sandbox.faults import Fault

    waits: list[float] = []
    sandbox.inject(Fault("rate_limit", path="/meetings", retry_after=7))
    limited = ZoomSandbox(plan=None, daily_limit=1)
    rows = "topic,start_time,duration,timezone,host\n" + "".join(
        f"M{n},2030-01-07 1{n}:00,30,Asia/Tokyo,h@example.com\n" for n in range(3)
    )
    for zoom, expected in (
        (sandbox, "Zoom asked us to slow down: waiting 7 s"),
        (limited, "h@example.com has used"),
    ):
        with (
            zoom,
            TestClient(
                make_app(zoom, tmp_path / zoom.api_url[-5:], sleep=waits.append), base_url=ORIGIN
            ) as browser,
        ):  # type: ignore[arg-type]
            browser.get(f"/login?token={TOKEN}")
            browser.post("/sheet", files={"sheet": ("w.csv", rows.encode())}, headers=SAME)
            browser.post("/schedule", headers=SAME)
            with browser.stream("GET", "/events") as events:
                stream = "".join(events.iter_lines())
            assert expected in stream
    assert 7 in waits


def test_a_token_that_does_not_come_at_once_is_said_on_the_page(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    """The token request gets no answer once: the page says so, as the command line does on
    stderr, and the run then ends well (waits through the injected sleep)."""
    from batch_zoom.sandbox.faults import Fault

    sandbox.inject(Fault("drop_before", path="/oauth/token"))
    rows = (
        "topic,start_time,duration,timezone,host\nM,2030-01-07 10:00,30,Asia/Tokyo,h@example.com\n"
    )
    with TestClient(make_app(sandbox, tmp_path, sleep=lambda _s: None), base_url=ORIGIN) as browser:
        browser.get(f"/login?token={TOKEN}")
        browser.post("/sheet", files={"sheet": ("w.csv", rows.encode())}, headers=SAME)
        browser.post("/schedule", headers=SAME)
        with browser.stream("GET", "/events") as events:
            stream = "".join(events.iter_lines())
    assert "waiting for Zoom: no answer from" in stream
    assert len(sandbox.meetings()) == 1


def test_a_japanese_sheet_with_the_zone_left_empty_on_a_utc_computer_is_asked_about(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    """Issue 24: the plan warns, Schedule is refused before anything is sent, and the zone
    typed into the field schedules the classes at Japan's hour."""
    environment = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"), "TZ": "UTC"}
    rows = "件名,開始日時,所要時間\n数学,2030-01-07 09:00,60\n英語,2030-01-07 11:00,60\n"
    app = make_app(sandbox, tmp_path, environment=environment)
    with TestClient(app, base_url=ORIGIN) as browser:  # type: ignore[arg-type]
        browser.get(f"/login?token={TOKEN}")
        page = browser.post(
            "/sheet",
            files={"sheet": ("時間割.csv", rows.encode())},
            data={"timezone": ""},
            headers=SAME,
        ).text
        assert 'placeholder="UTC"' in page  # an empty field is this computer's zone, shown
        assert "the sheet is written in Japanese, but its 2 rows" in text_of(page)
        browser.post("/schedule", headers=SAME)
        done = wait_for_the_run(browser)
        assert "nothing was sent" in text_of(done) and "Asia/Tokyo" in text_of(done)
        assert sandbox.meetings() == []
        browser.post(
            "/sheet",
            files={"sheet": ("時間割.csv", rows.encode())},
            data={"timezone": "Asia/Tokyo"},
            headers=SAME,
        )
        browser.post("/schedule", headers=SAME)
        wait_for_the_run(browser)
    starts = sorted(meeting["start_time"] for meeting in sandbox.meetings())
    assert starts == ["2030-01-07T00:00:00Z", "2030-01-07T02:00:00Z"]  # 9:00 and 11:00 in Tokyo


def test_the_command_serves_until_ctrl_c_and_logs_no_token(tmp_path: Path) -> None:
    """The real entry point in a subprocess: one line with the address, the page at it, the
    token nowhere else (no access log), and Ctrl-C ends it with status 0."""
    import os
    import signal
    import subprocess
    import sys

    import httpx

    environment = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "d")}
    process = subprocess.Popen(
        [sys.executable, "-m", "batch_zoom", "--ui", "--sandbox", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/login\?token=[\w-]+", line)
        assert url, line
        token = url.group(0).rsplit("=", 1)[1]
        with httpx.Client() as browser:
            assert browser.get(url.group(0), follow_redirects=True).status_code == 200
            assert "Schedule Zoom meetings" in browser.get(url.group(0).split("/login")[0]).text
        with httpx.Client() as stranger:
            assert stranger.get(url.group(0)).status_code == 403  # spent
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert token not in out + err
    assert "stopped" in out
    assert stat.S_IMODE((tmp_path / "d" / "batch_zoom").stat().st_mode) == 0o700


def test_invalid_rows_come_first_with_their_reasons(client: TestClient) -> None:
    rows = (
        "topic,start_time,duration,timezone\n"
        "Fine,2030-01-07 09:00,30,Asia/Tokyo\n"
        "Broken,2030-01-07 10:00,abc,Asia/Tokyo\n"
    )
    page = client.post("/sheet", files={"sheet": ("mixed.csv", rows.encode())}, headers=SAME).text
    plan = page[page.index('id="plan"') :]
    cells = [text_of(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", plan)]
    assert cells[:4] == ["3", "Broken", "me", "invalid"]  # row 3 before row 2
    assert "duration" in cells[4] and "abc" in cells[4]
    assert "Schedule 1 meetings in the sandbox" in text_of(page)


def test_the_scheduled_file_chosen_again_applies_its_edits_and_undo_deletes_when_told(
    client: TestClient, sandbox: ZoomSandbox
) -> None:
    rows = "topic,start_time,duration,timezone\nA,2030-01-07 09:00,30,Asia/Tokyo\n"
    rows += "B,2030-01-07 11:00,30,Asia/Tokyo\n"
    client.post("/sheet", files={"sheet": ("edits.csv", rows.encode())}, headers=SAME)
    client.post("/schedule", headers=SAME)
    wait_for_the_run(client)
    scheduled = client.get("/download/workbook")
    name = re.search(r'filename="([^"]+)"', scheduled.headers["content-disposition"])
    assert name and name.group(1) == "edits_sandbox.csv"
    edited = scheduled.content.decode("utf-8-sig").replace(",30,", ",45,", 1)
    planned = client.post("/sheet", files={"sheet": (name.group(1), edited.encode())}, headers=SAME)
    words = text_of(planned.text)
    assert "would compare with Zoom and update what changed" in words
    assert "Apply the sheet's changes to its 2 meetings" in words  # not "schedule"
    client.post("/schedule", headers=SAME)
    words = text_of(wait_for_the_run(client))
    assert "updated 1 changed to match the row" in words
    assert sorted(meeting["duration"] for meeting in sandbox.meetings()) == [30, 45]
    assert len(sandbox.meetings()) == 2

    client.post("/undo", headers=SAME)
    deadline = time.monotonic() + 20
    while "This deletes 2 Zoom meetings" not in client.get("/").text:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    client.post("/answer", data={"answer": "yes"}, headers=SAME)
    assert "cancelled" in text_of(wait_for_the_run(client))
    assert sandbox.meetings() == []
