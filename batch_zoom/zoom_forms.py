"""A meeting's identity as Zoom keeps it: one pure comparison, for every place that compares.

Zoom does not always store what it was sent. Users and its forum report topics with runs of
spaces collapsed and surrounding spaces trimmed, and starts without their seconds; its topic is
at most 200 characters. A row compared with Zoom's copy as sent would not be recognised: a
re-run would make the meeting again, the receipt would miss it, and the change detector would
PATCH it on every run ("10:00 -> 10:00"). So the journal key, the look-up on Zoom, the receipt
and the change detector (``rows/changes.py``) all compare through the functions below, and only
through them. The rules (the sandbox's ``Habits`` emulate the habits they answer):

- topic: Unicode compatibility form (NFKC: full-width ``Ｍｅｅｔｉｎｇ１`` is ``Meeting1``, a
  full-width space a space), every run of whitespace one space, none at either end, at most
  ``TOPIC_LIMIT`` characters. Case is kept: Zoom is not reported to change it.
- start: the instant, to the minute (Zoom keeps no seconds), in UTC.
- duration: whole minutes. host: trimmed, case-folded (an email's case means nothing to Zoom).

Which forms Zoom really applies is a guess where its documentation is silent (NFC or NFKC; which
whitespace); comparing in the widest form means a row is recognised whichever Zoom applies. The
cost: two rows that differ only in these ways are one meeting, as they would be on Zoom.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

#: Zoom's longest topic (Meetings.json: ``topic`` maxLength 200).
TOPIC_LIMIT = 200

_SPACES = re.compile(r"\s+")


def zoom_topic(topic: str) -> str:
    """``topic`` in the form compared with Zoom's: NFKC, one space per run, trimmed, 200 long."""
    tidy = _SPACES.sub(" ", unicodedata.normalize("NFKC", topic)).strip()
    return tidy[:TOPIC_LIMIT].rstrip()


def zoom_start(start: datetime) -> datetime:
    """The start instant in UTC, without seconds (nor microseconds)."""
    return start.astimezone(UTC).replace(second=0, microsecond=0)


def same_topic(ours: str, theirs: str) -> bool:
    return zoom_topic(ours) == zoom_topic(theirs)


def same_start(ours: datetime | None, theirs: datetime | None) -> bool:
    """Two aware instants are the same start for Zoom (None is never the same as anything)."""
    return ours is not None and theirs is not None and zoom_start(ours) == zoom_start(theirs)


def identity_key(host: str, topic: str, start: datetime, duration: int) -> str:
    """``host|topic|start|duration`` as Zoom keeps them: the key of journal and look-up."""
    moment = zoom_start(start).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{host.strip().casefold()}|{zoom_topic(topic)}|{moment}|{int(duration)}"
