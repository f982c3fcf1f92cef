"""One HTTP request, with transport failures turned into ``ConnectionLost``.

What matters about a transport failure is whether the request can have reached the server: only
a connection that could not be opened is known to have made nothing (NOTES.md). A timeout or a
connection dropped after the request went out leaves the outcome unknown.

Redirects are never followed, for any request: following one would send the meeting body, the
bearer token or the account id and client credentials to whatever host the ``Location`` names,
and requests turns a redirected POST into a GET. A 3xx comes back as it is, for the caller to
report (``client.error_for``, ``auth``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import NewConnectionError

from ..errors import ConnectionLost
from ..i18n import _


def send_request(
    session: requests.Session, method: str, url: str, **kwargs: Any
) -> requests.Response:
    kwargs["allow_redirects"] = False
    try:
        return session.request(method, url, **kwargs)
    except requests.ConnectTimeout as error:
        raise ConnectionLost(
            _("could not connect to {host} (timed out)").format(host=_host(url)),
            sent=False,
            host=_host(url),
        ) from error
    except requests.Timeout as error:
        raise ConnectionLost(
            _("{host} did not answer in time").format(host=_host(url)), sent=True, host=_host(url)
        ) from error
    except requests.ConnectionError as error:
        if _never_connected(error):
            raise ConnectionLost(
                _("could not connect to {host}").format(host=_host(url)),
                sent=False,
                host=_host(url),
            ) from error
        raise ConnectionLost(
            _("the connection to {host} was lost").format(host=_host(url)),
            sent=True,
            host=_host(url),
        ) from error
    except requests.RequestException as error:
        raise ConnectionLost(
            _("the request to {host} failed").format(host=_host(url)), sent=True, host=_host(url)
        ) from error


def _never_connected(error: BaseException) -> bool:
    """True when the chain of causes shows the TCP connection was never opened."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, NewConnectionError | ConnectionRefusedError):
            return True
        pending.extend([current.__cause__, current.__context__, getattr(current, "reason", None)])
        pending.extend(arg for arg in current.args if isinstance(arg, BaseException))
    return False


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def printable(text: str, limit: int = 200) -> str:
    """A header value fit to show (a ``Location``): control characters escaped, cut short."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
