"""Zoom's habits that a test switches on: ways Zoom answers that its documentation leaves open.

``Habits`` is a frozen set of switches given to ``ZoomSandbox(habits=Habits(...))``; every
switch is off by default, so the sandbox answers as it always did unless a test asks. Each
switch's comment says what Zoom is reported to do and where that is a guess.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Habits:
    """Switches for Zoom's undocumented habits (all off: the sandbox's ordinary answers)."""

    # ---- series, refused moves (issue 23, part B) ------------------------------------------
    #: A recurring meeting (type 8) is shown at its next occurrence: the listing's and
    #: ``GET /meetings/{id}``'s ``start_time`` is the first occurrence that is neither deleted
    #: nor over by the sandbox clock (else the last one), and GET's ``occurrences`` leave out
    #: the occurrences that are over unless ``show_previous_occurrences=true``. Zoom's forum
    #: and client code report the listing at the next occurrence and Meetings.json documents
    #: ``show_previous_occurrences``; that GET's ``start_time`` moves too is a guess (the
    #: harder case for a client). Off: a series is shown at its first occurrence.
    series_at_next_occurrence: bool = False
    #: ``PATCH /meetings/{id}`` with ``schedule_for`` is refused with 400, code 3000 "You
    #: cannot schedule a meeting for {user}" (Meetings.json lists that answer; server-to-server
    #: apps report it for moves between hosts). When Zoom refuses rather than moves is a
    #: guess, so this refuses every move; nothing of the PATCH applies.
    refuse_schedule_for: bool = False
