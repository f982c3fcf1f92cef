"""Who may use the page: the person who ran the command, from this computer, and nobody else.

As Jupyter Server and Datasette keep their local pages (STYLE.md, "A local page"):

- the server listens on 127.0.0.1 only (``serve``), and a request whose ``Host`` is not the
  loopback name and our port is refused: a web page of another site that re-points its own name
  at 127.0.0.1 (DNS rebinding) still sends its own name as ``Host``;
- the address printed at start holds a one-time token; ``/login?token=...`` trades it, once, for
  an HttpOnly, SameSite=Strict cookie; without that cookie there is no page data and no action;
- every request that changes anything must come from our own page: ``Sec-Fetch-Site`` is
  ``same-origin`` or ``none``, or (a browser that does not send it) ``Origin`` is exactly our
  origin; a request with neither is refused too (a browser always sends one of them on a POST);
- request bodies are capped (``413`` with a plain message above the cap).

Refusals are small plain pages that carry no data. The token is compared in constant time and is
never logged (the server's access log is off).
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

from ..i18n import _

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "batch_zoom_page"
LOGIN_PATH = "/login"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Static files carry no data: the refusal pages may use them.
PUBLIC_PREFIXES = ("/static/",)


class TooLarge(HTTPException):
    """Raised from the body's reader: Starlette's own handler answers it with 413 and the text,
    even from inside the parsing of a form (where the app would otherwise answer 500)."""

    def __init__(self, text: str) -> None:
        super().__init__(413, text)


class Guard:
    """ASGI middleware in front of the whole page."""

    def __init__(self, app: ASGIApp, *, port: int, token: str, max_body: int) -> None:
        self.app = app
        self.port = port
        self.hosts = frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})
        self._token: str | None = token
        self._sessions: set[str] = set()
        self.max_body = max_body

    # -- the checks -------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await _refuse(send, 403, _("Refused."))
            return
        headers = _headers(scope)
        host = headers.get("host", "")
        if host not in self.hosts:
            await _refuse(send, 403, _("Refused: this page answers only at its own address."))
            return
        path: str = scope["path"]
        method: str = scope["method"]
        if path == LOGIN_PATH and method == "GET":
            await self._login(scope, send)
            return
        if path.startswith(PUBLIC_PREFIXES) and method in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if _cookie(headers, COOKIE) not in self._sessions:
            await _refuse(
                send,
                403,
                _(
                    "This page opens only from the address the command printed. Run "
                    "python -m batch_zoom --ui again and open the address it prints."
                ),
            )
            return
        if method not in SAFE_METHODS and not _same_origin(headers, host):
            await _refuse(send, 403, _("Refused: this request did not come from the page itself."))
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            await _refuse(send, 413, self.too_large())
            return
        await self._capped(scope, receive, send)

    def too_large(self) -> str:
        return _("The file is too large: the page takes files up to {megabytes} MB.").format(
            megabytes=f"{self.max_body / 1_000_000:g}"
        )

    async def _capped(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The body counted as it arrives (a chunked upload has no Content-Length)."""
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise TooLarge(self.too_large())
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except TooLarge:
            if not started:
                await _refuse(send, 413, self.too_large())

    async def _login(self, scope: Scope, send: Send) -> None:
        if _cookie(_headers(scope), COOKIE) in self._sessions:  # the address opened again
            await _redirect(send, [])
            return
        query = scope.get("query_string", b"").decode("latin-1")
        given = ""
        for part in query.split("&"):
            name, _sep, value = part.partition("=")
            if name == "token":
                given = value
        token = self._token
        if token is None or not given or not secrets.compare_digest(given, token):
            await _refuse(
                send,
                403,
                _(
                    "This address has been used already, or is not the one the command printed. "
                    "Run python -m batch_zoom --ui again and open the address it prints."
                ),
            )
            return
        self._token = None  # once: a copied or logged address opens nothing afterwards
        session = secrets.token_urlsafe(32)
        self._sessions.add(session)
        cookie = f"{COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/"
        await _redirect(send, [(b"set-cookie", cookie.encode("latin-1"))])


async def _redirect(send: Send, headers: list[tuple[bytes, bytes]]) -> None:
    """To the page itself, leaving the token's address out of history and referrers."""
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", b"/"),
                *headers,
                (b"cache-control", b"no-store"),
                (b"referrer-policy", b"no-referrer"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})


def _headers(scope: Scope) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        key = name.decode("latin-1").lower()
        if key not in found:  # the first of a repeated header: a second Host is not a way round
            found[key] = value.decode("latin-1")
    return found


def _cookie(headers: dict[str, str], name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        key, _sep, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _same_origin(headers: dict[str, str], host: str) -> bool:
    """Datasette's rule: Sec-Fetch-Site same-origin or none; else Origin equal to ours, exactly
    (a prefix match of an allowed origin was a Jupyter CVE). Neither header: refused."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = headers.get("origin")
    return origin is not None and origin == f"http://{host}"


async def _refuse(send: Send, status: int, text: str) -> None:
    body = (
        "<!doctype html><meta charset=utf-8><title>batch_zoom</title>"
        f"<p style='font:16px sans-serif;margin:2em'>{html.escape(text)}</p>"
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
