"""How a message names a field: its canonical name in English, its usual header in Japanese.

A message that names the field in its own words (``duration {duration} and end_time {end}
disagree``) is translated whole; this table is for the messages in which the field is a
variable: the ``{field}`` of the cell parsers (``validate._Problems.check`` fills it), the column
readings of a dry run, the changes of an edited meeting. English keeps the canonical names the
column table of docs/columns.md uses (``start_time``), so an English message reads as it always did.
"""

from __future__ import annotations

from .i18n import N_, _

FIELD_LABELS: dict[str, str] = {
    "topic": N_("topic"),
    "date": N_("date"),
    "weekday": N_("weekday"),
    "start_time": N_("start_time"),
    "end_time": N_("end_time"),
    "duration": N_("duration"),
    "timezone": N_("timezone"),
    "host": N_("host"),
    "agenda": N_("agenda"),
    "passcode": N_("passcode"),
    "waiting_room": N_("waiting_room"),
    "join_before_host": N_("join_before_host"),
    "mute_upon_entry": N_("mute_upon_entry"),
    "host_video": N_("host_video"),
    "participant_video": N_("participant_video"),
    "auto_recording": N_("auto_recording"),
    "alternative_hosts": N_("alternative_hosts"),
    "recurrence": N_("recurrence"),
    "action": N_("action"),
    "participants": N_("participants"),
    "meeting_id": N_("meeting_id"),
    "breakout_rooms": N_("breakout_rooms"),
    "template": N_("template"),
    "authentication": N_("authentication"),
    "reminder": N_("reminder"),
    "kind": N_("kind"),
    "panelists": N_("panelists"),
}


def field_label(name: str) -> str:
    """``name`` (a canonical field) as a message in the language in use names it."""
    return _(FIELD_LABELS[name]) if name in FIELD_LABELS else name
