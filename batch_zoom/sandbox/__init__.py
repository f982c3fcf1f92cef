"""The Zoom sandbox: a local, faithful stand-in for Zoom's Server-to-Server OAuth endpoint and the
meeting API batch_zoom uses (create, list, get, update, delete), with Zoom's validation, errors,
per-second and per-host daily rate limits, and faults a test can plant.

It is a separate program: it imports nothing from the rest of batch_zoom, so it cannot share the
client's bugs. Every join_url and start_url it makes points at ``join_host`` (by default
``https://sandbox.zoom.invalid``): they are not real Zoom links.

Layout: ``server.py`` (HTTP, ``ZoomSandbox``), ``state.py`` (account, tokens, meetings, limits),
``rules.py`` (what a meeting body may say, pure), ``schema.py`` + ``meeting_schemas.json`` (Zoom's
own request schemas), ``faults.py`` (planted failures), ``__main__.py`` (``python -m``).
"""

from .faults import Fault
from .server import RequestRecord, ZoomSandbox

__all__ = ["Fault", "RequestRecord", "ZoomSandbox"]
