"""The page end to end in a real browser: Debian's /usr/bin/chromium driven by Playwright.

One server for the module (the page on a free port of 127.0.0.1, over a sandbox), one login:
the cookie it gives is shared with the Japanese browser's context, as one person's browser
would hold it. No browser is ever downloaded (never ``playwright install``): without
/usr/bin/chromium these tests skip and say so.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from batch_zoom.config import Credentials
from batch_zoom.sandbox import ZoomSandbox
from batch_zoom.web import Zoom, create_app, running

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "meetings.xlsx"
EXCEL = ROOT / "tests" / "workbooks" / "excel_table-holds-meetings.xlsx"
TOKEN = "browser-test-token"
JOIN = "https://sandbox.zoom.invalid/j/"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not here")
pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="no /usr/bin/chromium: install Debian's chromium (.ci/run does) to run the page's "
        "browser tests",
    ),
    # One browser and one server for the module, and later tests read what earlier ones did
    # (the sample chosen again after its run): every test of it on one worker (--dist loadgroup).
    pytest.mark.xdist_group("browser"),
]


@pytest.fixture(scope="module")
def zoom() -> Iterator[ZoomSandbox]:
    with ZoomSandbox(plan=None) as started:
        yield started


@pytest.fixture(scope="module")
def origin(zoom: ZoomSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("home")
    credentials = Credentials("sandbox-account", "sandbox-client", "sandbox-secret")

    def make(port: int) -> Any:
        return create_app(
            port=port,
            token=TOKEN,
            zoom=Zoom(zoom.api_url, zoom.oauth_url, True, credentials),
            environment={"HOME": str(home)},
            data=home / "data",
            language=None,  # the browser decides
        )

    with running(make) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def context(browser: Any, origin: str) -> Iterator[Any]:
    """An English browser that has opened the printed address (the token is spent here)."""
    opened = browser.new_context(
        locale="en-US", viewport={"width": 1280, "height": 800}, accept_downloads=True
    )
    page = opened.new_page()
    page.goto(f"{origin}/login?token={TOKEN}")
    assert page.url == f"{origin}/"
    page.close()
    yield opened
    opened.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    opened.close()


def choose(page: Any, sheet: Path, *, timezone: str = "Asia/Tokyo") -> None:
    """Choose ``sheet`` in step 2, as a person does: the page checks it at once."""
    page.fill("#timezone", timezone)
    with page.expect_navigation():
        page.set_input_files("#sheet-file", str(sheet))
    page.wait_for_selector("#plan", state="attached")  # folded away while results are shown


def schedule(page: Any) -> str:
    """Press the schedule button and wait for the results; the receipt line."""
    page.click("#schedule-button")
    page.wait_for_selector("#results .receipt, #results .problem", timeout=60_000)
    return str(page.inner_text("#results"))


# The tests below share one server and one sandbox (module fixtures) and may run in any order
# (pytest-xdist orders them as it likes): a scenario that needs what an earlier step did is one
# test, and counts of meetings are taken relative to the test's start.


def test_schedule_the_sample_choose_it_again_and_read_it_in_japanese(
    page: Any, browser: Any, context: Any, origin: str, zoom: ZoomSandbox, tmp_path: Path
) -> None:
    before = len(zoom.meetings())
    page.goto(origin)
    choose(page, SAMPLE)
    plan = page.inner_text("#sheet")
    assert "24 planned" in plan and "start_time → start time" in plan
    button = page.inner_text("#schedule-button")
    assert button == "Schedule 24 meetings in the sandbox"
    results = schedule(page)
    assert "verified on Zoom: 24 rows, 24 meetings, 0 duplicates" in results
    assert "Nothing needs attention." in results
    with page.expect_download() as download:
        page.click("#download-workbook")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "meetings_sandbox.xlsx"
    sheet = load_workbook(saved).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    links = [row[header.index("join_url")] for row in rows if row[header.index("topic")]]
    assert len(links) == 24
    assert all(str(link).startswith(JOIN) for link in links)
    assert len(zoom.meetings()) == before + 24

    # Chosen again: nothing is created.
    page.goto(origin)
    choose(page, SAMPLE)
    assert "24 exists" in page.inner_text("#sheet")
    assert page.is_visible("#nothing-to-schedule")
    results = schedule(page)  # "verify on Zoom and write the workbook again"
    assert "verified on Zoom: 24 rows, 24 meetings, 0 duplicates" in results
    assert "created" not in page.inner_text("#results table")
    assert len(zoom.meetings()) == before + 24

    # A Japanese browser of the same person gets the Japanese page, and the switch works.
    japanese = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 800})
    japanese.add_cookies(context.cookies())  # the same person, already signed in
    page = japanese.new_page()
    page.goto(origin)
    assert page.get_attribute("html", "lang") == "ja"
    assert page.inner_text("h1") == "スプレッドシートから Zoom ミーティングを予約"
    assert "Zoom で確認: 24 行、ミーティング 24 件、重複 0 件" in page.inner_text("#results")
    page.select_option("#lang", "en")  # the switch on the page
    with page.expect_navigation():
        page.click(".language button")
    assert page.get_attribute("html", "lang") == "en"
    japanese.close()


def test_a_real_excel_workbook_is_scheduled_and_undo_asks_before_it_deletes(
    page: Any, origin: str, zoom: ZoomSandbox, tmp_path: Path
) -> None:
    page.goto(origin)
    choose(page, EXCEL)
    assert "3 planned" in page.inner_text("#sheet")
    results = schedule(page)
    assert "verified on Zoom: 3 rows, 3 meetings, 0 duplicates" in results
    with page.expect_download() as download:
        page.click("#download-workbook")
    saved = tmp_path / "excel.xlsx"
    download.value.save_as(saved)
    values = [
        cell for row in load_workbook(saved).active.iter_rows(values_only=True) for cell in row
    ]
    assert (
        sum(1 for value in values if str(value).startswith("https://sandbox.zoom.invalid/j/")) == 3
    )

    # Undo asks first, naming what it would delete; "no" keeps every meeting.
    page.goto(origin)
    before = len(zoom.meetings())
    page.click("#undo")
    page.wait_for_selector("#question-text")  # asked, once the run knows what it would delete
    assert "This deletes 3 Zoom meetings" in page.inner_text("#question-text")
    assert len(zoom.meetings()) == before
    page.click("text=No, keep them")
    page.wait_for_selector("#results", timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert "nothing" not in page.url
    assert len(zoom.meetings()) == before


def test_progress_is_live_and_stop_ends_the_run_as_ctrl_c_does(
    page: Any, origin: str, zoom: ZoomSandbox, tmp_path: Path
) -> None:
    from batch_zoom.sandbox.faults import Fault

    sheet = tmp_path / "live.csv"
    sheet.write_text(
        "topic,start_time,duration,timezone\n"
        + "".join(f"Live {n},2030-03-0{1 + n % 9} 1{n % 8}:00,30,Asia/Tokyo\n" for n in range(20))
    )
    page.goto(origin)
    choose(page, sheet)
    before = len(zoom.meetings())
    zoom.inject(Fault("delay", path="/meetings", after=2, times=1000, delay=0.5))
    try:
        page.click("#schedule-button")
        page.wait_for_selector("#rows li")  # a row as it settles, from the event stream
        assert "of 20 rows done" in page.inner_text("#done-text")
        assert "created" in page.inner_text("#rows")
        page.click("#stop")
        page.wait_for_selector("#results", timeout=60_000)
    finally:
        zoom.clear_faults()
    results = page.inner_text("#results")
    assert "Stopped. Nothing is lost" in results
    assert "pending" in results
    made = len(zoom.meetings()) - before
    assert 0 < made < 20
    choose(page, sheet)
    assert "verified on Zoom: 20 rows, 20 meetings, 0 duplicates" in schedule(page)
    assert len(zoom.meetings()) - before == 20


def test_a_sheet_dropped_on_the_page_is_checked(page: Any, origin: str) -> None:
    page.goto(origin)
    rows = "topic,start_time,duration,timezone\nDropped,2030-02-01 10:00,30,Asia/Tokyo\n"
    with page.expect_navigation():
        page.evaluate(
            """(text) => {
                const transfer = new DataTransfer();
                transfer.items.add(new File([text], "dropped.csv", {type: "text/csv"}));
                const drop = document.getElementById("drop");
                drop.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
            }""",
            rows,
        )
    page.wait_for_selector("#plan", state="attached")
    assert "Sheet: dropped.csv" in page.inner_text("#sheet")
    assert "1 planned" in page.inner_text("#sheet")


def test_every_control_has_a_label_and_the_page_works_by_keyboard(page: Any, origin: str) -> None:
    page.goto(origin)
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll("input, select, button")].filter((control) => {
            if (control.type === "hidden") return false;
            if (control.tagName === "BUTTON") return !control.innerText.trim();
            return !(control.labels && control.labels.length);
        }).map((control) => control.outerHTML)"""
    )
    assert unlabelled == []
    page.focus("#sheet-file")
    for _ in range(40):  # Tab through the form to the button that checks the sheet
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "check-sheet":
            break
    assert page.evaluate("document.activeElement.id") == "check-sheet"
    page.set_viewport_size({"width": 420, "height": 800})  # a narrow window: nothing overflows
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
