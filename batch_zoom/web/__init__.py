"""The local web page: ``python -m batch_zoom --ui``, a second front end over the same engine.

``serve`` binds 127.0.0.1 only, prints the page's one-time address, opens the browser on it and
serves until Ctrl-C (a run in progress is stopped as Ctrl-C stops it on the command line, and
waited for). ``app.create_app`` is the page itself, for tests and for embedding.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TextIO

from ..config import Credentials, endpoints_from
from ..errors import ConfigError
from ..i18n import _
from . import folders
from .app import MAX_UPLOAD, Zoom, create_app
from .guard import Guard

__all__ = ["MAX_UPLOAD", "Zoom", "create_app", "running", "serve"]


def listen(port: int | None) -> socket.socket:
    """A socket listening on 127.0.0.1 only (``port`` None or 0: a free one)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.bind(("127.0.0.1", port or 0))
    except OSError as error:
        listener.close()
        raise ConfigError(
            _("port {port} cannot be used on this computer: {reason}").format(
                port=port, reason=error.strerror or error
            ),
            hint=_("choose another with --port, or leave --port out to take a free one"),
        ) from error
    listener.listen(64)  # the browser may knock before the server has started
    return listener


def _config(app: Guard) -> Any:
    import uvicorn

    # no access log: the first request's URL holds the one-time token
    # at Ctrl-C an open event stream is closed after 5 s; then the lifespan's end stops a run
    # in progress as Ctrl-C would and waits for it (app.create_app)
    return uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=5
    )


@contextlib.contextmanager
def running(make_app: Callable[[int], Guard]) -> Iterator[int]:
    """The page served on a thread of its own, for tests and ``docs/screenshots.py``: yields
    the port; ``make_app(port)`` builds the page for it. Stopped (and its run) on exit."""
    import uvicorn

    listener = listen(None)
    port = int(listener.getsockname()[1])
    server = uvicorn.Server(_config(make_app(port)))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="batch_zoom-page", daemon=True
    )
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the page's server did not start")
            time.sleep(0.01)
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()


def serve(
    *,
    sandbox: bool,
    port: int | None,
    open_browser: bool,
    language: str | None,
    environment: Mapping[str, str],
    out: TextIO | None = None,
) -> int:
    """Run the page until Ctrl-C; returns the exit status (0)."""
    import uvicorn

    out = out or sys.stdout
    listener = listen(port)
    port = int(listener.getsockname()[1])
    token = secrets.token_urlsafe(32)
    data = folders.data_folder(environment)
    with contextlib.ExitStack() as stack:
        if sandbox:
            from ..sandbox import ZoomSandbox

            data.mkdir(parents=True, exist_ok=True, mode=0o700)
            credentials = Credentials(
                "sandbox-account", "sandbox-client", secrets.token_urlsafe(16)
            )
            emulator = stack.enter_context(
                ZoomSandbox(
                    account_id=credentials.account_id,
                    client_id=credentials.client_id,
                    client_secret=credentials.client_secret,
                    state_path=data / "sandbox.json",
                )
            )
            zoom = Zoom(emulator.api_url, emulator.oauth_url, True, credentials)
        else:
            zoom = Zoom(*endpoints_from(environment))
        app = create_app(
            port=port, token=token, zoom=zoom, environment=environment, language=language, data=data
        )
        server = uvicorn.Server(_config(app))
        url = f"http://127.0.0.1:{port}/login?token={token}"
        print(_("batch_zoom page: {url} (Ctrl-C to stop)").format(url=url), file=out, flush=True)
        if open_browser:
            webbrowser.open(url)
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn raises the Ctrl-C it caught again
            server.run(sockets=[listener])
    print(_("batch_zoom page: stopped"), file=out, flush=True)
    return 0
