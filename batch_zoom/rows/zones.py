"""Time zones written the way people write them -> the IANA name sent to Zoom. Pure.

Accepted, in this order:

- an IANA name, any case: ``Asia/Tokyo``;
- ``UTC``/``GMT`` alone or with an offset: ``GMT+9``, ``UTC+09:00``, ``UTC-5:30``, ``+09:00``;
- the unambiguous abbreviations JST, KST, HKT, SGT, AEST, CET, CEST, EET, BST, UTC, GMT (and
  日本時間, 日本標準時);
- Zoom's own labels, with or without their offset: ``(GMT+09:00) Osaka, Sapporo, Tokyo``;
- Windows zone names, as Outlook writes them (``Tokyo Standard Time``), through the CLDR mapping
  that tzlocal ships (``tzlocal.windows_tz``) rather than a table of our own.

A fixed offset is sent as a zone Zoom lists that keeps that offset all year (``GMT+9`` is
Asia/Tokyo, ``UTC+0`` is UTC): the instant is the same, and Zoom shows a place it knows. An offset
no such zone keeps becomes ``Etc/GMT-N`` (whole hours only): whether Zoom accepts those ids is a
guess (its list does not name them); the sandbox accepts every IANA id.

An abbreviation that names summer or winter time of a zone (CET, CEST, EET, BST, AEST) must
match the season of the row's start: ``CET`` on a July date is refused, since Central Europe is
on CEST then (``check_season``). Abbreviations that mean several zones (IST, CST, EST, ...) are
refused with the candidates named, even where an old IANA alias of that name exists (EST, MST).

Each parser raises ``ValueError`` with a message in which ``{field}`` stands for the column.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from ..cells import cell_text, quote
from ..i18n import _
from .zoom_timezones import ZOOM_TIMEZONES

#: Abbreviation -> the zone it names. For the seasonal ones, the row's start must fall in the
#: season the abbreviation names (``check_season``).
ABBREVIATIONS: dict[str, str] = {
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "HKT": "Asia/Hong_Kong",
    "SGT": "Asia/Singapore",
    "AEST": "Australia/Sydney",
    "CET": "Europe/Berlin",
    "CEST": "Europe/Berlin",
    "EET": "Europe/Athens",
    "BST": "Europe/London",
    "UTC": "UTC",
    "GMT": "UTC",
    "日本時間": "Asia/Tokyo",
    "日本標準時": "Asia/Tokyo",
}

#: Abbreviations whose zone changes its name with the season: what its start must be called.
SEASONAL: frozenset[str] = frozenset({"AEST", "CET", "CEST", "EET", "BST"})

#: Abbreviations that mean several zones: refused, with these candidates named.
AMBIGUOUS_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "IST": ("Asia/Kolkata (India)", "Asia/Jerusalem (Israel)", "Europe/Dublin (Ireland)"),
    "CST": ("America/Chicago (US Central)", "Asia/Shanghai (China)", "America/Havana (Cuba)"),
    "EST": ("America/New_York (US Eastern, EDT in summer)", "UTC-05:00 (all year)"),
    "PST": ("America/Los_Angeles (US Pacific)", "Asia/Manila (Philippines)"),
    "MST": ("America/Denver (US Mountain)", "America/Phoenix (Arizona)", "UTC-07:00"),
    "AST": ("America/Halifax (Atlantic)", "Asia/Riyadh (Arabia)"),
    "BT": ("Asia/Baghdad", "Asia/Thimphu (Bhutan)"),
    "ECT": ("America/Guayaquil (Ecuador)", "Europe/Paris (Central European)"),
}

_OFFSET = re.compile(
    r"^(?:(?:UTC|GMT)\s*)?(?P<sign>[+-−])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?$", re.IGNORECASE
)
_LABEL = re.compile(
    r"^\(\s*(?:GMT|UTC)\s*(?:(?P<sign>[+-−])\s*(?P<h>\d{1,2})(?::(?P<m>\d{2}))?)?\s*\)\s*(?P<name>.+)$",
    re.IGNORECASE,
)


def parse_timezone(value: Any) -> str:
    """The IANA name a zone cell means; ``ValueError`` when it means none, or several."""
    text = " ".join(unicodedata.normalize("NFKC", cell_text(value)).split())
    upper = text.upper()
    if upper in AMBIGUOUS_ABBREVIATIONS:
        raise ValueError(
            _("{field} {value} could mean several zones: {candidates}; write one of them").format(
                field="{field}",
                value=quote(value),
                candidates=", ".join(AMBIGUOUS_ABBREVIATIONS[upper]),
            )
        )
    names = _zone_names()
    canonical = names.get(text.casefold())
    if canonical is not None:
        return canonical
    if text in ABBREVIATIONS or upper in ABBREVIATIONS:
        return ABBREVIATIONS.get(text) or ABBREVIATIONS[upper]
    offset = _OFFSET.match(text)
    if offset:
        return _zone_for_offset(_minutes(offset), value)
    label = _LABEL.match(text)
    place = (label.group("name") if label else text).casefold()
    zone = _zoom_places().get(place) or _windows_names().get(text.casefold())
    if zone is not None:
        if label and label.group("h") is not None:
            _check_label_offset(_minutes(label), zone, value)
        return zone
    close = difflib.get_close_matches(text.casefold(), list(names), n=1, cutoff=0.75)
    hint = (
        _("did you mean {name}?").format(name=names[close[0]])
        if close
        else _("use a name like Asia/Tokyo")
    )
    raise ValueError(
        _("{field} {value} is not a known time zone ({hint})").format(
            field="{field}", value=quote(value), hint=hint
        )
    )


def check_season(value: Any, start: datetime) -> None:
    """Refuse ``CET`` for a start in summer (and the like): the zone is called otherwise then."""
    text = " ".join(unicodedata.normalize("NFKC", cell_text(value)).split()).upper()
    if text not in SEASONAL:
        return
    actual = start.tzname() or ""
    if actual.upper() == text:
        return
    offset = start.utcoffset() or timedelta(0)
    raise ValueError(
        _(
            "{field} {value} does not hold on {day}: {zone} is on {actual} (UTC{offset}) then; "
            "write {actual}, the UTC offset you mean, or {zone}"
        ).format(
            field="{field}",
            value=quote(value),
            day=f"{start:%Y-%m-%d}",
            zone=getattr(start.tzinfo, "key", None) or ABBREVIATIONS[text],
            actual=actual,
            offset=_shown_offset(int(offset.total_seconds() // 60)),
        )
    )


def _minutes(match: re.Match[str]) -> int:
    hours, minutes = int(match.group("h")), int(match.group("m") or 0)
    if hours > 14 or minutes > 59:
        raise ValueError(_("{field} has an impossible UTC offset").format(field="{field}"))
    sign = -1 if match.group("sign") in ("-", "−") else 1
    return sign * (hours * 60 + minutes)


def _zone_for_offset(minutes: int, value: Any) -> str:
    if minutes == 0:
        return "UTC"
    steady = _steady_zones().get(minutes)
    if steady is not None:
        return steady
    # Etc/GMT-9 is nine hours *ahead* of UTC: the POSIX sign is the other way round. The Etc
    # zones run from UTC-12 to UTC+14; no place on Earth keeps UTC-13 or UTC-14.
    if minutes % 60 == 0 and -12 * 60 <= minutes <= 14 * 60:
        return f"Etc/GMT{-minutes // 60:+d}"
    raise ValueError(
        _(
            "{field} {value}: no time zone keeps UTC{offset} all year; write the place's zone"
        ).format(field="{field}", value=quote(value), offset=_shown_offset(minutes))
    )


def _check_label_offset(minutes: int, zone: str, value: Any) -> None:
    if minutes not in _offsets_of(zone):
        raise ValueError(
            _("{field} {value}: {zone} is never UTC{offset}").format(
                field="{field}", value=quote(value), zone=zone, offset=_shown_offset(minutes)
            )
        )


def _shown_offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _offsets_of(zone: str) -> set[int]:
    """The offsets (minutes) a zone uses in winter and summer of a recent year."""
    tz = ZoneInfo(zone)
    found = set()
    for month in (1, 7):
        offset = datetime(2026, month, 15, 12, tzinfo=tz).utcoffset() or timedelta(0)
        found.add(int(offset.total_seconds() // 60))
    return found


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    """Case-folded IANA name -> its canonical spelling."""
    return {name.casefold(): name for name in sorted(available_timezones())}


@lru_cache(maxsize=1)
def _zoom_places() -> dict[str, str]:
    """Case-folded place names of Zoom's labels -> Zoom's zone id."""
    places: dict[str, str] = {}
    for zone, place in ZOOM_TIMEZONES:
        places.setdefault(" ".join(place.split()).casefold(), zone)
    return places


#: For an offset several steady zones keep, the one most people mean.
_PREFERRED = {
    540: "Asia/Tokyo",
    480: "Asia/Singapore",
    330: "Asia/Kolkata",
    600: "Australia/Brisbane",
}


@lru_cache(maxsize=1)
def _steady_zones() -> dict[int, str]:
    """Offset (minutes) -> a zone of Zoom's list that keeps it all year."""
    steady: dict[int, str] = dict(_PREFERRED)
    for zone, _place in ZOOM_TIMEZONES:
        offsets = _offsets_of(zone)
        if len(offsets) == 1:
            steady.setdefault(offsets.pop(), zone)
    return steady


@lru_cache(maxsize=1)
def _windows_names() -> dict[str, str]:
    """Case-folded Windows zone name -> IANA name (CLDR's mapping, as tzlocal ships it)."""
    from tzlocal.windows_tz import win_tz

    known = available_timezones()
    return {name.casefold(): zone for name, zone in win_tz.items() if zone in known}


#: Kana and kanji: a header or a date written with them is written in Japanese.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
#: A Japanese era date abbreviated (R9.5.17, H31/4/30): Latin letters, Japanese all the same.
_ERA_ABBREVIATION = re.compile(r"^[MTSHR]\d{1,2}[./]\d{1,2}[./]\d{1,2}", re.IGNORECASE)
#: The zones of Japan, by the names a computer may have for them.
JAPAN_ZONES = frozenset({"Asia/Tokyo", "Japan"})


def written_in_japanese(headers: list[str], dates: list[Any]) -> bool:
    """Whether a sheet is written in Japanese: a header in Japanese (件名, 開始日時), or a date
    written the Japanese way (令和9年5月10日, 2027年5月11日, R9.5.17). A Japanese timetable
    read on a computer set to another zone would put every class at the wrong hour."""
    if any(_JAPANESE.search(header) for header in headers):
        return True
    for value in dates:
        if isinstance(value, str):
            text = unicodedata.normalize("NFKC", value).strip()
            if _JAPANESE.search(text) or _ERA_ABBREVIATION.match(text):
                return True
    return False
