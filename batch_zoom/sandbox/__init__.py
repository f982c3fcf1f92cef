"""The Zoom sandbox: a local, faithful stand-in for Zoom's Server-to-Server OAuth endpoint and the
meeting API batch_zoom uses (create, list, get, update, delete), with Zoom's validation, errors,
per-second and per-host daily rate limits, and faults a test can plant. Its account's users
(``users.py``: licence type, status, zone, passcode policy) answer ``GET /users/{id}`` and
``/users/{id}/settings``; ``users=None`` takes any well-formed email as an active licensed user
(what ``--sandbox`` does), a list makes it strict (1001 for anyone else). ``schedule_for`` moves
a meeting; ``occurrence_id`` reads, changes (start, duration) or deletes one occurrence (an
update of the whole series makes its occurrences afresh, dropping such changes: a guess).
Webinars (issue 25) are served beside meetings with the same code: ``/users/{id}/webinars``,
``/webinars/{id}``, panelists, registrants, the Webinar add-on per user and its seats, the daily
limit shared with meetings (``webinars.py`` says what is a guess).

It is a separate program: it imports nothing from the rest of batch_zoom, so it cannot share the
client's bugs. Every join_url and start_url it makes points at ``join_host`` (by default
``https://sandbox.zoom.invalid``): they are not real Zoom links.

Layout: ``server.py`` (HTTP, ``ZoomSandbox``), ``state.py`` (account, tokens, meetings, limits),
``users.py`` (the account's users), ``account.py`` (templates, tracking fields, sign-in
options, breakout-room limits: ``ZoomSandbox.account``), ``rules.py`` (what a meeting body may
say, pure), ``schema.py`` + ``meeting_schemas.json`` and ``webinar_schemas.json`` (Zoom's own
request schemas; their origin in ``SOURCE.md``), ``webinars.py`` (panelists, the add-on's
refusal), ``faults.py`` (planted failures), ``habits.py`` (what Zoom does unasked: tidied topics,
starts without seconds, a listing that shows a new meeting late, a series shown at its next
occurrence, refused moves; each a switch, each guess marked), ``__main__.py`` (``python -m``).
"""

from .faults import Fault
from .habits import Habits
from .server import RequestRecord, ZoomSandbox

__all__ = ["Fault", "Habits", "RequestRecord", "ZoomSandbox"]
