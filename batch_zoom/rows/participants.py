"""A ``participants`` cell -> the people to register. Pure.

People are separated by ``;``, ``,``, line breaks (and the Japanese 、 ；), each written as an
address alone (``ann@example.org``) or with a name (``Ann Lee <ann@example.org>``,
``"Lee, Ann" <ann@example.org>``). A malformed address is that person's problem, reported with
the address; it never makes the row invalid, so the meeting and the others still go ahead. The
same address twice in one cell is one person.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..cells import cell_text, is_empty, quote
from ..i18n import _
from ..models import Participant

_EMAIL = re.compile(
    r"^[^@\s;,<>()\[\]\"']+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
#: A name with its address in angle brackets; the name may be quoted to hold a comma.
_NAMED = re.compile(r'^\s*(?:"(?P<quoted>[^"]*)"|(?P<name>[^<>"]*?))\s*<(?P<email>[^<>]*)>\s*$')
_QUOTED = re.compile(r'"[^"]*"')
MAX_EMAIL = 128  # Zoom's registrant schema


def parse_participants(value: Any) -> tuple[Participant, ...]:
    """The people of a ``participants`` cell, in the order written, each once."""
    if is_empty(value):
        return ()
    text = unicodedata.normalize("NFKC", cell_text(value))
    people: list[Participant] = []
    seen: set[str] = set()
    for entry in _entries(text):
        person = _person(entry)
        if person.key in seen:
            continue
        seen.add(person.key)
        people.append(person)
    return tuple(people)


def _entries(text: str) -> list[str]:
    """Split on the separators, but not inside a quoted name."""
    quoted = {f"\0{n}\0": match for n, match in enumerate(_QUOTED.findall(text))}
    for placeholder, match in quoted.items():
        text = text.replace(match, placeholder, 1)
    entries = []
    for part in re.split(r"[;,、，；\n\r]+", text):
        for placeholder, match in quoted.items():
            part = part.replace(placeholder, match)
        if part.strip():
            entries.append(part.strip())
    return entries


def _person(entry: str) -> Participant:
    named = _NAMED.match(entry)
    if named:
        name = (named.group("quoted") or named.group("name") or "").strip()
        email = named.group("email").strip()
    else:
        name, email = "", entry.strip()
    if _EMAIL.match(email) and len(email) <= MAX_EMAIL:
        return Participant(email=email, name=name)
    return Participant(
        email=email,
        name=name,
        problem=_("participant {entry} is not an email address").format(entry=quote(entry)),
    )
