"""Habits of Zoom's that a test can switch on: what Zoom does that it was not asked to.

Unlike a fault (``faults.py``), a habit is no failure: every answer is a success, only not quite
the one a naive client expects. Each is off by default, so the sandbox answers exactly as
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
    series_at_next_occurrence:
        A recurring meeting (type 8) is shown at its next occurrence: the listing's and
        ``GET /meetings/{id}``'s ``start_time`` is the first occurrence that is neither deleted
        nor over by the sandbox clock (else the last one), and GET's ``occurrences`` leave out
        the occurrences that are over unless ``show_previous_occurrences=true``. Zoom's forum
        and client code report the listing at the next occurrence and Meetings.json documents
        ``show_previous_occurrences``; that GET's ``start_time`` moves too is a guess (the
        harder case for a client). Off: a series is shown at its first occurrence.
    refuse_schedule_for:
        ``PATCH /meetings/{id}`` with ``schedule_for`` is refused with 400, code 3000 "You
        cannot schedule a meeting for {user}" (Meetings.json lists that answer; server-to-server
        apps report it for moves between hosts). When Zoom refuses rather than moves is a
        guess, so this refuses every move; nothing of the PATCH applies.
    """

    # -- what Zoom stores, and when the listing shows it (issue 23) ----------------------------
    listing_lag: float = 0.0
    tidy_topics: bool = False
    topic_form: str | None = None
    drop_seconds: bool = False
    # -- series and refused moves (issue 23) ---------------------------------------------------
    series_at_next_occurrence: bool = False
    refuse_schedule_for: bool = False

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
