"""Habits of Zoom's that a test can switch on: what Zoom does that it was not asked to.

Unlike a fault (``faults.py``), a habit is no failure: every answer is a success, only not quite
the one a naive client expects. Each is off by default, so the sandbox answers as exactly as
before; ``ZoomSandbox(habits=Habits(...))`` switches them on. Where Zoom's documentation is
silent, the habit is a guess drawn from its users' and forum's reports, and says so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Habits:
    """Switches; each field says what Zoom is reported to do.

    listing_lag:
        Seconds of sandbox clock after its create before a meeting appears in
        ``GET /users/{id}/meetings``. ``GET /meetings/{id}``, updates and deletes find it at
        once (when it shows is not kept in a ``state_path`` file). A guess: users report a new
        meeting missing from the listing for "a few seconds"; how long, and whether the GET is
        as late, is not documented.
    tidy_topics:
        The topic is stored with every run of whitespace made one space and surrounding spaces
        trimmed (on create and on update). A guess from users' reports of topics "changed" by
        Zoom; which characters count as whitespace is not documented (here: Python's ``\\s``).
    topic_form:
        A Unicode normalisation form applied to the stored topic ("NFC", "NFKC"), or None.
        A guess: Zoom's documentation says nothing of Unicode forms; full-width letters and
        spaces (``Ｍｅｅｔｉｎｇ``) coming back half-width is NFKC.
    drop_seconds:
        A start time is stored without its seconds (10:00:30 becomes 10:00:00), for the
        meeting and its occurrences. A guess: Zoom's clients schedule to the minute, and its
        answers have been seen with ``:00`` seconds only.
    """

    # -- H1 (issue 23, part A): what Zoom stores, and when the listing shows it ---------------
    listing_lag: float = 0.0
    tidy_topics: bool = False
    topic_form: str | None = None
    drop_seconds: bool = False

    def __post_init__(self) -> None:
        if self.listing_lag < 0:
            raise ValueError("listing_lag must not be negative")
        if self.topic_form not in (None, "NFC", "NFD", "NFKC", "NFKD"):
            raise ValueError("topic_form must be None, NFC, NFD, NFKC or NFKD")

    def stored_topic(self, topic: str) -> str:
        """The topic as this Zoom keeps it."""
        if self.topic_form is not None:
            topic = unicodedata.normalize(self.topic_form, topic)  # type: ignore[arg-type]
        if self.tidy_topics:
            topic = _SPACES.sub(" ", topic).strip()
        return topic

    def stored_start(self, start: datetime) -> datetime:
        """A start instant as this Zoom keeps it."""
        return start.replace(second=0, microsecond=0) if self.drop_seconds else start
