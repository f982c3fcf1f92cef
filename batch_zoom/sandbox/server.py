"""The sandbox over HTTP: ``ZoomSandbox`` starts a local server that answers like Zoom.

The handler reads a request, asks the fault book whether a planted fault hits it, lets
``SandboxState`` act (or not), logs it, and answers (or drops the connection). HTTP/1.1 with
keep-alive and a Content-Length on every answer with a body, so a ``requests.Session`` reuses its
connections the way it does against Zoom. Nothing is printed: a sandbox must not fill a test's
stderr, and the request log is the place to look.
"""

from __future__ import annotations

import contextlib
import copy
import email.utils
import json
import select
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from .account import AccountSettings
from .faults import Fault, FaultBook
from .habits import Habits
from .state import (
    ONE_MEETING,
    ONE_USER,
    ONE_WEBINAR,
    USER_SETTINGS,
    USER_TEMPLATES,
    USERS_MEETINGS,
    USERS_WEBINARS,
    Reply,
    SandboxState,
    error,
)
from .webinars import is_webinar

MAX_BODY = 10 * 1024 * 1024
OAUTH_PATH = "/oauth/token"
HOLD_LIMIT = 5.0  # the longest a "late" fault holds an answer for a client that never gives up


@dataclass(frozen=True)
class _RawReply:
    """An answer sent exactly as given (a bent body, a redirect), outside Zoom's JSON shape."""

    status: int
    payload: bytes = b""
    content_type: str = ""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RequestRecord:
    """One request as the sandbox saw it. ``status`` is None when the connection was dropped."""

    method: str
    path: str
    query: dict[str, str]
    status: int | None
    host: str | None
    at: datetime
    body: Any


class _BadRequest(Exception):
    pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sandbox: ZoomSandbox

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: a client that hangs up mid-request is not the sandbox's problem."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ZoomSandbox/1.0"
    # Headers and body leave in one segment: split writes meet delayed ACKs and cost 40 ms each.
    wbufsize = -1
    disable_nagle_algorithm = True
    sys_version = ""
    server: _Server

    def version_string(self) -> str:
        return self.server_version

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header from the sandbox clock, so ``advance`` moves Zoom's clock too."""
        return email.utils.format_datetime(self.server.sandbox.now(), usegmt=True)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib's name)
        """Silent: never echo paths, headers or bodies to stderr."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_OPTIONS(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    # ---- reading -------------------------------------------------------------------------------
    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        declared = self.headers.get("Content-Length")
        if declared is None:
            return b""
        try:
            length = int(declared)
        except ValueError as bad:
            raise _BadRequest from bad
        if length < 0 or length > MAX_BODY:
            raise _BadRequest
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError as bad:
                raise _BadRequest from bad
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailers
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                raise _BadRequest
            chunks.append(self.rfile.read(size))
            self.rfile.readline(8)

    # ---- answering -----------------------------------------------------------------------------
    def _serve(self) -> None:
        sandbox = self.server.sandbox
        try:
            body = self._read_body()
        except _BadRequest:
            self.close_connection = True
            self._send(Reply(400, {"code": 400, "message": "Bad Request"}))
            return
        except OSError:
            self.close_connection = True
            return
        split = urlsplit(self.path)
        path = split.path
        query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        method = self.command.upper()
        received_at = sandbox.now()
        try:
            reply, answer = self._decide(sandbox, method, path, query, body)
        except Exception:  # the server thread must survive anything a request can provoke
            reply, answer = Reply(500, {"code": 500, "message": "Internal Server Error"}), "answer"
        host = reply.host if isinstance(reply, Reply) and reply.host else sandbox._host_of(path)
        sandbox._record(
            RequestRecord(
                method=method,
                path=path,
                query=query,
                status=None if answer != "answer" or reply is None else reply.status,
                host=host,
                at=received_at,
                body=_parse_json(body),
            )
        )
        if sandbox.latency > 0:
            time.sleep(sandbox.latency)
        if answer == "hold":
            self._hold()
            return
        if answer == "drop" or reply is None:
            self._drop()
            return
        try:
            self._send(reply)
        except OSError:
            self.close_connection = True

    def _decide(
        self, sandbox: ZoomSandbox, method: str, path: str, query: dict[str, str], body: bytes
    ) -> tuple[Reply | _RawReply | None, str]:
        """What to answer, and how: ``answer`` it, ``drop`` the connection, or ``hold`` it."""
        state = sandbox._state

        def act() -> Reply:
            if path == OAUTH_PATH:
                return state.issue_token(method, query, self.headers, body)
            if path.startswith("/v2/"):
                return state.api(method, path, query, self.headers, body)
            return error(404, 404, "Not Found")

        fault = sandbox._faults.take(method, path)
        if fault is None:
            return act(), "answer"
        if fault.kind == "drop_before":
            return None, "drop"
        if fault.kind == "error_before":
            return _server_error(fault.status), "answer"
        if fault.kind == "rate_limit":
            category = state.category_of(method, path)
            return state.per_second_refusal(category, fault.retry_after), "answer"
        if fault.kind == "redirect":
            location = (("Location", fault.location),)
            return _RawReply(fault.status, b"", "", location), "answer"
        if fault.kind == "late":
            with state.lock:  # no listing may see the meeting between its making and its hiding
                acted = act()
                if acted.status == 201 and isinstance(acted.body, dict):
                    state.postpone(acted.body["id"], timedelta(seconds=fault.delay))
            return acted, "hold"
        acted = act()
        if fault.kind == "drop_after":
            return acted, "drop"
        if fault.kind == "error_after":
            return _server_error(fault.status), "answer"
        if fault.kind == "bent_after":
            payload = b"" if fault.body is None else fault.body.encode("utf-8")
            kind = fault.content_type if fault.body is not None else ""
            return _RawReply(fault.status, payload, kind), "answer"
        if fault.kind == "strip_after":
            return _stripped(acted, fault.fields), "answer"
        if fault.kind == "junk_items":
            for key in ("meetings", "webinars"):
                if isinstance(acted.body, dict) and isinstance(acted.body.get(key), list):
                    acted.body[key] = list(fault.items) + acted.body[key]
            return acted, "answer"
        time.sleep(fault.delay)  # "delay": acted, answer late
        return acted, "answer"

    def _send(self, reply: Reply | _RawReply) -> None:
        if isinstance(reply, _RawReply):
            self._send_raw(reply)
            return
        self.send_response(reply.status)
        payload = b""
        if reply.body is not None and reply.status != 204:
            payload = json.dumps(reply.body, separators=(",", ":")).encode("utf-8")
            self.send_header("Content-Type", "application/json;charset=UTF-8")
        if reply.status != 204:  # RFC 9110: no Content-Length on a 204
            self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)
        self.wfile.flush()

    def _send_raw(self, reply: _RawReply) -> None:
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.payload)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        if reply.payload and self.command != "HEAD":
            self.wfile.write(reply.payload)
        self.wfile.flush()

    def _hold(self) -> None:
        """Answer nothing until the client hangs up (its read timeout), then close."""
        self.close_connection = True
        with contextlib.suppress(OSError, ValueError):
            select.select([self.connection], [], [], HOLD_LIMIT)
        self._drop()

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _server_error(status: int) -> Reply:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Server Error"
    return Reply(status, {"code": status, "message": phrase})


def _stripped(reply: Reply, fields: tuple[str, ...]) -> Reply:
    if not isinstance(reply.body, dict):
        return reply
    body = {key: value for key, value in reply.body.items() if key not in fields}
    for listed in ("meetings", "webinars"):
        if isinstance(body.get(listed), list):
            body[listed] = [
                {key: value for key, value in item.items() if key not in fields}
                if isinstance(item, dict)
                else item
                for item in body[listed]
            ]
    return Reply(reply.status, body, dict(reply.headers), reply.host)


def _parse_json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


class ZoomSandbox:
    """A local stand-in for Zoom's OAuth endpoint and meeting API. See the package docstring.

    Per-second limits are on by default, as on a Pro account: ``plan`` is "free", "pro" (the
    default), "business" or None (no per-second limit); ``qps`` (every category) and
    ``rate_limits`` (some categories) override it. Each call is metered in its category from
    Meetings.json (create, get, update, delete: Light; list: Medium), except that create is
    metered as Medium unless ``create_category="light"`` (NOTES.md: the 2023 specs say Medium).
    ``rate_headers`` says where X-RateLimit-* headers appear: "all" answers, only "refusals"
    (429s), or "none". ``latency`` is added to every answer. ``habits`` switches on Zoom's
    undocumented habits (``habits.py``), each off by default. ``one_window=True`` counts every
    call in one sliding second (with ``qps``: one limit for all), the stricter emulator of
    issue 27.

    Where this is a guess about Zoom: the window is a sliding second per category and account,
    and a refused request does not count in it (Zoom documents neither); whether Zoom sends the
    headers on successful answers is not documented (none is guaranteed), hence the three modes.
    """

    def __init__(
        self,
        account_id: str = "sandbox-account",
        client_id: str = "sandbox-client",
        client_secret: str = "sandbox-secret",
        users: Any = None,
        owner: str = "owner@sandbox.example",
        latency: float = 0.0,
        qps: int | None = None,
        rate_limits: dict[str, int] | None = None,
        plan: str | None = "pro",
        create_category: str = "medium",
        rate_headers: str = "all",
        daily_limit: int = 100,
        daily_limit_style: str = "bare",
        token_ttl: int = 3599,
        single_token: bool = False,
        state_path: Path | str | None = None,
        join_host: str = "https://sandbox.zoom.invalid",
        port: int = 0,
        revoke_tokens_every: int | None = None,
        habits: Habits | None = None,
        one_window: bool = False,
    ) -> None:
        self._state = SandboxState(
            account_id=account_id,
            client_id=client_id,
            client_secret=client_secret,
            users=users,
            owner=owner,
            qps=qps,
            rate_limits=rate_limits,
            plan=plan,
            create_category=create_category,
            rate_headers=rate_headers,
            daily_limit=daily_limit,
            daily_limit_style=daily_limit_style,
            token_ttl=token_ttl,
            single_token=single_token,
            state_path=Path(state_path) if state_path is not None else None,
            join_host=join_host,
            revoke_tokens_every=revoke_tokens_every,
            habits=habits,
            one_window=one_window,
        )
        self._faults = FaultBook()
        self._log: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._port = port
        self.latency = latency

    # ---- tunable while running -----------------------------------------------------------------
    @property
    def qps(self) -> int | None:
        return self._state.qps

    @qps.setter
    def qps(self, value: int | None) -> None:
        self._state.qps = value

    @property
    def rate_limits(self) -> dict[str, int] | None:
        return self._state.rate_limits

    @rate_limits.setter
    def rate_limits(self, value: dict[str, int] | None) -> None:
        self._state.rate_limits = dict(value) if value else None

    @property
    def scopes(self) -> str:
        """The scopes the tokens carry (space-separated); take ``user:read:admin`` away to test."""
        return self._state.scopes

    @scopes.setter
    def scopes(self, value: str) -> None:
        self._state.scopes = value

    @property
    def account(self) -> AccountSettings:
        """The account's templates, tracking fields and authentication options (account.py);
        a test sets them before a run: ``sandbox.account.templates = [{"id", "name"}]``."""
        return self._state.account

    @property
    def habits(self) -> Habits:
        """What Zoom does unasked (``habits.py``): tidied topics, no seconds, a lagging list."""
        return self._state.habits

    @habits.setter
    def habits(self, value: Habits) -> None:
        with self._state.lock:
            self._state.habits = value

    @property
    def strict_users(self) -> bool:
        """False: any well-formed email is taken as a user (a try-out), as ``--sandbox`` does."""
        return self._state.users is not None

    @property
    def daily_limit(self) -> int:
        return self._state.daily_limit

    @daily_limit.setter
    def daily_limit(self, value: int) -> None:
        self._state.daily_limit = value

    # ---- life ----------------------------------------------------------------------------------
    def start(self) -> Self:
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", self._port), _Handler)
        server.sandbox = self
        self._server = server
        self._state.api_url = self.base_url
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name=f"zoom-sandbox-{self.port}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the sandbox is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/v2"

    @property
    def oauth_url(self) -> str:
        return self.base_url + OAUTH_PATH

    # ---- looking in ----------------------------------------------------------------------------
    def meetings(self, host: str | None = None) -> list[dict[str, Any]]:
        """Deep copies of the stored meetings (with start_url), optionally of one host only.

        A meeting a ``late`` fault is still making is not among them until its time has come.
        Webinars are not meetings: ``webinars`` gives them.
        """
        return self._stored(host, webinars=False)

    def webinars(self, host: str | None = None) -> list[dict[str, Any]]:
        """Deep copies of the stored webinars, as ``meetings`` gives the meetings."""
        return self._stored(host, webinars=True)

    def _stored(self, host: str | None, *, webinars: bool) -> list[dict[str, Any]]:
        with self._state.lock:
            self._state.land()
            wanted = None if host is None else self._state.resolve_user(host) or host.lower()
            return [
                copy.deepcopy(m)
                for m in self._state.meetings.values()
                if (wanted is None or m["host_email"] == wanted) and is_webinar(m) == webinars
            ]

    def panelists(self, webinar_id: int | str) -> list[dict[str, Any]]:
        """A webinar's panelists, each with ``id``, ``email``, ``name`` and ``join_url``."""
        with self._state.lock:
            people = self._state.panelists.get(int(webinar_id), {})
            return [panelist.listed() for panelist in people.values()]

    @property
    def requests(self) -> list[RequestRecord]:
        with self._log_lock:
            return list(self._log)

    def count(
        self, method: str | None = None, path_contains: str | None = None, status: int | None = None
    ) -> int:
        return sum(
            1
            for r in self.requests
            if (method is None or r.method == method.upper())
            and (path_contains is None or path_contains in r.path)
            and (status is None or r.status == status)
        )

    def registrants(self, meeting_id: int | str, status: str = "approved") -> list[dict[str, Any]]:
        """Who is registered for a meeting (``approved``; ``denied`` once cancelled)."""
        with self._state.lock:
            people = self._state.registrants.get(int(meeting_id), {})
            return [person.listed() for person in people.values() if person.status == status]

    def daily_used(self, host: str) -> int:
        with self._state.lock:
            email = self._state.resolve_user(host) or host.lower()
            return self._state.daily_used(email)

    def now(self) -> datetime:
        return self._state.now()

    # ---- steering ------------------------------------------------------------------------------
    def inject(self, fault: Fault) -> None:
        self._faults.add(fault)

    def clear_faults(self) -> None:
        self._faults.clear()

    def expire_tokens(self) -> None:
        """Every token issued so far now answers 401 code 124 "Access token is expired."."""
        self._state.expire_tokens()

    def metered(self, record: RequestRecord) -> tuple[str, int | None] | None:
        """The category a request was counted in and that category's per-second limit (None
        for a limit: unlimited); None for a request outside the API (the OAuth token)."""
        if not record.path.startswith("/v2/"):
            return None
        with self._state.lock:
            category = self._state.category_of(record.method, record.path)
            return category, self._state.limit_for(category)

    def advance(self, by: float | timedelta) -> None:
        """Move the sandbox clock forward (token expiry, daily reset, page-token expiry)."""
        self._state.advance(by if isinstance(by, timedelta) else timedelta(seconds=by))

    # ---- for the handler -----------------------------------------------------------------------
    def _record(self, record: RequestRecord) -> None:
        with self._log_lock:
            self._log.append(record)

    def _host_of(self, path: str) -> str | None:
        with self._state.lock:
            users = (
                USERS_MEETINGS.match(path)
                or USERS_WEBINARS.match(path)
                or ONE_USER.match(path)
                or USER_SETTINGS.match(path)
                or USER_TEMPLATES.match(path)
            )
            if users:
                return self._state.resolve_user(users.group(1))
            one = ONE_MEETING.match(path)
            webinar = ONE_WEBINAR.match(path)
            if one or webinar:
                found = one or webinar
                assert found is not None
                meeting = self._state._find_meeting(found.group(1), webinar is not None)
                return meeting["host_email"] if meeting else None
            return None
