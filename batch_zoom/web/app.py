"""The page: HTTP -> Settings -> run -> page. A thin adapter over the library, as Datasette's
views are over its database layer; every rule of the batch stays in ``run`` and below.

Why these parts: Starlette is a small, well-kept ASGI toolkit whose TestClient (httpx) lets every
security refusal be tested in-process; Jinja2 renders the page on the server with escaping on by
default, so a cell's text can never become markup; python-multipart is what Starlette parses
uploads with; Server-Sent Events (sse-starlette: pings and client disconnects handled) carry
live progress one way, which is all the page needs, over plain HTTP that the same Host and
cookie checks guard. The page's script and styles ship in the package: it works offline.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2
import requests
from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..config import Credentials, Settings, local_timezone, output_path_for
from ..errors import BatchZoomError, ConfigError
from ..i18n import LANGUAGES, _, current_language, use_language
from ..models import Status
from ..run.audit import duplicate_message
from ..run.batch import BatchReport, run_batch
from ..run.preflight import reads_users
from ..summary import problem_lines, status_meaning, summarize
from ..zoom.auth import TokenProvider
from . import folders
from .guard import Guard
from .jobs import Failure, Job
from .text import page_text

HERE = Path(__file__).parent
#: Uploads above this are refused with 413 and a plain message (a month of meetings is ~100 KB).
MAX_UPLOAD = 20_000_000
#: The per-row options a batch-wide default may be given for on the page (yes/no ones).
YES_NO_OPTIONS = ("waiting_room", "join_before_host", "mute_upon_entry")
YES_NO = ("yes", "no")
#: What the page offers to download, in the order shown.
DOWNLOADS = ("workbook", "ics", "participants", "plan")
#: Scopes a run needs: (what the page calls it, the scopes any of which grants it).
NEEDED_SCOPES = (
    ("meeting:write:admin", ("meeting:write:admin", "meeting:write:meeting:admin")),
    ("meeting:read:admin", ("meeting:read:admin", "meeting:read:list_meetings:admin")),
)


@dataclass(frozen=True)
class Zoom:
    """Where runs go: Zoom itself, or the sandbox the server started (with its credentials)."""

    api_url: str
    oauth_url: str
    sandbox: bool = False
    credentials: Credentials | None = None


@dataclass
class Sheet:
    """The sheet chosen on the page, its options, and what a dry run of it found."""

    path: Path
    options: dict[str, str]
    plan: BatchReport | None = None
    failure: Failure | None = None
    zone: str = ""  # the time zone used for rows without one, as the last plan used it
    #: the plan is made again before it is shown when a run has changed what it would find,
    #: or when the page's language changed (its notes are written in the language of the run)
    stale: bool = False
    language: str = ""
    checked: bool = False  # the plan was checked on Zoom (hosts, double bookings, existing)


@dataclass
class PageState:
    credentials: Credentials | None = None
    credentials_source: str | None = None  # "environment", "remembered", "page"
    connect: dict[str, Any] | None = None  # the last check of credentials: ok, lines, hint
    sheet: Sheet | None = None
    sheet_failure: Failure | None = None  # an upload refused before it became a sheet
    job: Job | None = None


def create_app(
    *,
    port: int,
    token: str,
    zoom: Zoom,
    environment: Mapping[str, str],
    language: str | None = None,
    data: Path | None = None,
    max_upload: int = MAX_UPLOAD,
    sleep: Callable[[float], None] = time.sleep,
) -> Guard:
    """The page behind its ``Guard``. ``language`` is --lang or BATCH_ZOOM_LANG (None: the
    browser's Accept-Language decides); ``data`` the per-user data folder."""
    data = data or folders.data_folder(environment)
    sheets = data / "sheets"
    state = PageState()
    if not zoom.sandbox:
        state.credentials, state.credentials_source = _known_credentials(environment)
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )

    def speak(request: Request) -> str:
        chosen = request.cookies.get("lang")
        if chosen not in LANGUAGES:
            chosen = language or _accepted(request.headers.get("accept-language", ""))
        use_language(chosen)
        return current_language()

    def render(request: Request, status: int = 200) -> HTMLResponse:
        lang = speak(request)
        body = templates.get_template("page.html").render(
            lang=lang,
            languages=LANGUAGES,
            t=page_text(),
            view=_view(state, zoom, local_timezone(environment)),
        )
        return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)

    def back(anchor: str = "") -> RedirectResponse:
        return RedirectResponse(f"/{anchor}", status_code=303)

    async def plan(sheet: Sheet, *, check: bool = False) -> None:
        """A dry run of ``sheet``: what each row would come to, sending nothing; ``check``:
        what Zoom says of it too (``--check``: reads only)."""
        sheet.plan, sheet.failure, sheet.stale = None, None, False
        sheet.language = current_language()
        sheet.checked = check
        try:
            settings = _settings(sheet, zoom, state, environment, dry_run=not check, check=check)
            sheet.zone = settings.timezone or ""
            sheet.plan = await asyncio.to_thread(run_batch, settings)
        except BatchZoomError as error:
            sheet.failure = Failure(str(error), error.hint)

    async def home(request: Request) -> Response:
        lang = speak(request)
        sheet, job = state.sheet, state.job
        idle = job is None or not job.running
        if sheet is not None and idle and (sheet.stale or sheet.language != lang):
            await plan(sheet)
        return render(request)

    async def switch_language(request: Request) -> Response:
        form = await request.form()
        chosen = str(form.get("lang", ""))
        response = back()
        if chosen in LANGUAGES:
            response.set_cookie("lang", chosen, httponly=True, samesite="strict")
        return response

    async def connect(request: Request) -> Response:
        speak(request)
        form = await request.form()
        values = [str(form.get(name, "")).strip() for name in ("account_id", "client_id", "secret")]
        if not all(values) or any(ch in "".join(values) for ch in "'\"\n\r\\ "):
            state.connect = {
                "ok": False,
                "lines": [
                    _("Enter the Account ID, Client ID and Client secret as Zoom shows them.")
                ],
                "hint": "",
            }
            return back("#connect")
        credentials = Credentials(*values)
        state.connect = await asyncio.to_thread(_check_credentials, zoom, credentials)
        if state.connect["ok"]:
            state.credentials, state.credentials_source = credentials, "page"
            if form.get("remember"):
                path = folders.remember(credentials, environment)
                state.connect["lines"].append(
                    _("Remembered in {path} (only your user can read it).").format(path=path)
                )
        return back("#connect")

    async def choose_sheet(request: Request) -> Response:
        speak(request)
        form = await request.form(max_files=1, max_fields=40)
        options = {
            name: str(form.get(name, "")).strip()
            for name in ("worksheet", "timezone", "hosts", "user", "date_order", *YES_NO_OPTIONS)
        }
        upload = form.get("sheet")
        state.sheet_failure = None
        if state.job is not None and state.job.running:  # the run reads and writes that sheet
            state.sheet_failure = Failure(
                _("A run is in progress: wait for it to finish, or stop it, then choose again.")
            )
            return back("#sheet")
        if isinstance(upload, UploadFile) and upload.filename:
            name = folders.stored_name(upload.filename)
            if name is None:
                state.sheet_failure = Failure(
                    _("{name} is not a sheet batch_zoom reads").format(name=upload.filename),
                    _("choose an .xlsx, .xlsm or .csv file"),
                )
                return back("#sheet")
            data.mkdir(parents=True, exist_ok=True, mode=0o700)  # meetings' links: the user's
            sheets.mkdir(exist_ok=True, mode=0o700)
            path = folders.inside(sheets, name)
            content = await upload.read()
            await asyncio.to_thread(path.write_bytes, content)
            state.sheet = Sheet(path, options)
        elif state.sheet is not None:
            state.sheet.options = options
        else:
            state.sheet_failure = Failure(_("Choose a sheet first."))
            return back("#sheet")
        await plan(state.sheet)
        return back("#sheet")

    async def check(request: Request) -> Response:
        speak(request)
        if state.sheet is not None and (state.job is None or not state.job.running):
            await plan(state.sheet, check=True)
        return back("#sheet")

    async def schedule(request: Request) -> Response:
        speak(request)
        sheet = state.sheet
        if sheet is None or (state.job is not None and state.job.running):
            return back("#schedule")
        try:
            settings = _settings(sheet, zoom, state, environment)
        except BatchZoomError as error:
            sheet.failure = Failure(str(error), error.hint)
            return back("#sheet")
        state.job = Job("schedule", settings, sleep=sleep)
        sheet.stale = True
        return back("#schedule")

    async def stop(request: Request) -> Response:
        if state.job is not None:
            state.job.stop.set()
        return back("#schedule")

    async def undo(request: Request) -> Response:
        speak(request)
        done = state.job
        if done is None or done.running or done.report is None or done.report.output_path is None:
            return back("#results")
        output = done.report.output_path
        settings = replace(
            done.settings, input_path=output, output_path=output, undo=True, yes=False
        )
        state.job = Job("undo", settings, sleep=sleep)
        if state.sheet is not None:
            state.sheet.stale = True
        return back("#schedule")

    async def answer(request: Request) -> Response:
        form = await request.form()
        if state.job is not None and state.job.running:
            state.job.answer(form.get("answer") == "yes")
        return back("#schedule")

    async def events(request: Request) -> Response:
        job = state.job
        if job is None:
            return Response(status_code=204)  # EventSource: nothing to watch, do not retry

        async def stream() -> AsyncIterator[dict[str, str]]:
            index = 0
            while True:
                fresh = job.events_since(index)
                index += len(fresh)
                for event in fresh:
                    yield {"data": json.dumps(event, ensure_ascii=False)}
                if not fresh and not job.running:
                    return
                await asyncio.sleep(0.2)

        return EventSourceResponse(stream(), headers={"Cache-Control": "no-store"})

    async def download(request: Request) -> Response:
        paths = _downloads(state)
        what = request.path_params["what"]
        path = paths.get(what)
        if path is None or not path.is_file():
            return Response(status_code=404)
        return FileResponse(path, filename=path.name, headers={"Cache-Control": "no-store"})

    routes = [
        Route("/", home),
        Route("/lang", switch_language, methods=["POST"]),
        Route("/connect", connect, methods=["POST"]),
        Route("/sheet", choose_sheet, methods=["POST"]),
        Route("/check", check, methods=["POST"]),
        Route("/schedule", schedule, methods=["POST"]),
        Route("/stop", stop, methods=["POST"]),
        Route("/undo", undo, methods=["POST"]),
        Route("/answer", answer, methods=["POST"]),
        Route("/events", events),
        Route("/download/{what}", download),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        job = state.job  # the server stops (Ctrl-C): stop the run as Ctrl-C would, and wait
        if job is not None and job.running:
            job.stop.set()
            await asyncio.to_thread(job.finished.wait, 120)

    app = Starlette(routes=routes, lifespan=lifespan)
    return Guard(app, port=port, token=token, max_body=max_upload)


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _accepted(header: str) -> str:
    """The first language of ``Accept-Language`` (by its weights) that we speak; else English."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        weighted.append((-weight, index, tag.strip().split("-")[0].casefold()))
    for _weight, _index, code in sorted(weighted):
        if code in LANGUAGES:
            return code
    return "en"


def _known_credentials(
    environment: Mapping[str, str],
) -> tuple[Credentials | None, str | None]:
    names = ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET")
    values = [environment.get(name, "").strip() for name in names]
    if all(values):
        return Credentials(*values), "environment"
    stored = folders.remembered(environment)
    return (stored, "remembered") if stored else (None, None)


def _check_credentials(zoom: Zoom, credentials: Credentials) -> dict[str, Any]:
    """Ask Zoom for a token with ``credentials``: what it granted, or a plain hint."""
    tokens = TokenProvider(zoom.oauth_url, credentials, requests.Session(), timeout=(10.0, 30.0))
    try:
        tokens.current()
    except BatchZoomError as error:
        reason = str(error).casefold()
        if "account" in reason:
            hint = _("The Account ID is wrong: copy it again from the app's App Credentials page.")
        elif "client" in reason:
            hint = _(
                "The Client ID or Client secret is wrong: copy both again from the app's App "
                "Credentials page (a secret regenerated there replaces the old one)."
            )
        else:
            hint = error.hint or _(
                "Check that the app is a Server-to-Server OAuth app and that it is activated."
            )
        return {"ok": False, "lines": [str(error)], "hint": hint}
    lines = [_("Zoom gave a token: the credentials work.")]
    scopes = tokens.scopes
    hint = ""
    if scopes is None:
        lines.append(_("Zoom did not say which scopes the app has."))
    else:
        lines.append(_("Scopes: {scopes}").format(scopes=", ".join(sorted(scopes)) or "-"))
        missing = [name for name, any_of in NEEDED_SCOPES if not scopes & set(any_of)]
        if missing:
            hint = _(
                "A scope is missing: add {scopes} on the app's Scopes page, then activate the "
                "app again."
            ).format(scopes=", ".join(missing))
        if reads_users(scopes) is False:
            lines.append(
                _("Without user:read:admin hosts are not checked before their meetings are made.")
            )
    return {"ok": not hint, "lines": lines, "hint": hint}


def _settings(
    sheet: Sheet,
    zoom: Zoom,
    state: PageState,
    environment: Mapping[str, str],
    *,
    dry_run: bool = False,
    check: bool = False,
) -> Settings:
    """Settings for a run of ``sheet``: its results and journal beside it in the data folder.
    ``dry_run``: the plan, sending nothing; ``check``: the plan checked on Zoom (hosts, double
    bookings, meetings already there), reading only."""
    options = sheet.options
    timezone = options.get("timezone") or local_timezone(environment)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(
            _("time zone {value} is not known").format(value=repr(timezone)),
            hint=_("use an IANA name such as Asia/Tokyo or America/New_York"),
        ) from error
    raw_hosts = options.get("hosts", "").replace(";", ",").split(",")
    hosts = tuple(host.strip() for host in raw_hosts if host.strip())
    if any("@" not in host for host in hosts):
        raise ConfigError(
            _("the host pool must list Zoom user emails: {value}").format(
                value=repr(options.get("hosts"))
            ),
            hint=_("separate them with commas, e.g. a@example.com, b@example.com"),
        )
    credentials = zoom.credentials if zoom.sandbox else state.credentials
    if not dry_run and credentials is None:
        raise ConfigError(_("Zoom credentials are not set"), hint=_("connect to Zoom in step 1"))
    output = output_path_for(sheet.path, sandbox=zoom.sandbox)
    schedule_path = None
    if dry_run or check:  # never over a schedule; they read that schedule's journal
        schedule_path = output
        suffix = "_dry_run" if dry_run else "_check"
        output = output.with_name(f"{output.stem}{suffix}{output.suffix}")
    defaults = {
        name: options[name] for name in YES_NO_OPTIONS if options.get(name) in ("yes", "no")
    }
    settings = Settings(
        input_path=sheet.path,
        output_path=output,
        sheet=options.get("worksheet") or None,
        timezone=timezone,
        # an empty field is this computer's zone: a Japanese sheet read in another is asked about
        timezone_is_the_computers=not options.get("timezone"),
        user=options.get("user") or "me",
        dry_run=dry_run,
        check=check and not dry_run,
        sandbox=zoom.sandbox,
        api_url=zoom.api_url,
        oauth_url=zoom.oauth_url,
        credentials=None if dry_run else credentials,
        option_defaults=defaults,
        hosts=hosts,
        schedule_path=schedule_path,
        date_order=options.get("date_order")
        if options.get("date_order") in ("dmy", "mdy")
        else None,
    )
    if zoom.sandbox:  # the emulator makes meetings at once: short settling waits
        settings = replace(settings, settle_seconds=0.2, recheck_seconds=0.5)
    return settings


def _downloads(state: PageState) -> dict[str, Path]:
    """The files the page offers, by a fixed name: never a path from the browser."""
    found: dict[str, Path] = {}
    job = state.job
    report = job.report if job is not None else None
    if report is not None and report.output_path is not None:
        found["workbook"] = report.output_path
        if report.calendar_path is not None:
            found["ics"] = report.calendar_path
        if report.participants_path is not None:
            found["participants"] = report.participants_path
    sheet = state.sheet
    if sheet is not None and sheet.plan is not None and sheet.plan.output_path is not None:
        found["plan"] = sheet.plan.output_path
    return found


def _view(state: PageState, zoom: Zoom, local_zone: str) -> dict[str, Any]:
    """What the template shows, all of it plain values (no secret among them)."""
    view: dict[str, Any] = {
        "sandbox": zoom.sandbox,
        "local_zone": local_zone,  # what an empty time zone field means: this computer's
        "credentials_source": state.credentials_source,
        "connect": state.connect,
        "sheet_failure": state.sheet_failure,
        "sheet": None,
        "job": None,
        "results": None,
        "downloads": [what for what in DOWNLOADS if what in _downloads(state)],
    }
    sheet = state.sheet
    if sheet is not None:
        plan = sheet.plan
        planned = [r for r in plan.results if r.status is Status.PLANNED] if plan else []
        view["sheet"] = {
            "name": sheet.path.name,
            "options": sheet.options,
            "failure": sheet.failure,
            "readings": [reading.describe() for reading in plan.table.readings] if plan else [],
            "zone": sheet.zone,
            "checked": sheet.checked,
            "rows": _plan_rows(plan) if plan else [],
            # planned rows: new meetings, and rows of a schedule compared with their meeting
            "to_schedule": sum(1 for r in planned if not r.meeting_id),
            "to_update": sum(1 for r in planned if r.meeting_id),
            "warnings": plan.warnings if plan else [],
            "tally": _tally(plan) if plan else [],
        }
    job = state.job
    if job is not None:
        view["job"] = {
            "kind": job.kind,
            "running": job.running,
            "stopping": job.stop.is_set() and job.running,
            "question": job.question,
            "events_seen": job.events_seen,
            "total": job.total,
            "done": job.done,
        }
        if not job.running:
            view["results"] = _results(job)
    view["ready"] = zoom.sandbox or state.credentials is not None
    return view


def _plan_rows(plan: BatchReport) -> list[dict[str, Any]]:
    rows = sorted(plan.results, key=lambda r: (not r.status.needs_attention, r.row))
    # an invalid row's result names no topic: the sheet's own cell does
    topics = {row.number: row.get("topic") for row in plan.table.rows}
    return [
        {
            "row": result.row,
            "topic": result.topic or str(topics.get(result.row) or ""),
            "host": result.assigned_host or result.host or "",
            "status": result.status.value,
            "attention": result.status.needs_attention,
            "note": result.error,
        }
        for result in rows
    ]


def _tally(report: BatchReport) -> list[dict[str, Any]]:
    summary = summarize(report.results)
    return [
        {"status": status, "meaning": status_meaning(status), "count": count}
        for status, count in summary.by_status.items()
    ]


def _results(job: Job) -> dict[str, Any]:
    report = job.report
    if report is None:
        failure = job.failure or Failure(_("Nothing was done."))
        return {"failure": failure, "kind": job.kind}
    problems = [result for result in report.results if result.status.needs_attention]
    lines = [line for line, _rows in problem_lines(problems)]
    receipt: list[str] = []
    if report.receipt is not None:
        receipt += [duplicate_message(duplicate) for duplicate in report.receipt.duplicates]
        receipt += list(report.receipt.problems.values())
        receipt.append(report.receipt.line())
    return {
        "failure": None,
        "kind": job.kind,
        "cancelled": report.cancelled_by_user,
        "interrupted": report.interrupted,
        "receipt": receipt,
        "tally": _tally(report),
        "attention": lines,
        "warnings": list(report.warnings),
        "output_error": (
            Failure(str(report.output_error), report.output_error.hint)
            if report.output_error is not None
            else None
        ),
    }
