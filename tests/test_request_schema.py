"""Every body validate_row can produce fits Zoom's own meetingCreate request schema, and every
value that schema would refuse is refused by validate_row first, before any request is sent.

The schema is read from Zoom's OpenAPI file (Meetings.json beside the checkout), else from the
sandbox's extract of it. Two of its declarations contradict Zoom's own descriptions of the same
fields, and are relaxed here the way the descriptions say (and only those two; a test below checks
that the unrelaxed schema objects to nothing else):

- ``start_time`` is declared ``format: date-time`` (an offset required), but its description
  documents ``yyyy-MM-ddTHH:mm:ss`` without one, together with ``timezone``;
- ``recurrence.weekly_days`` is declared as an enum of one day "1".."7", but its description says
  several days go comma-separated ("1,3").
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from batch_zoom.models import BOOLEAN_OPTIONS, InvalidRow, MeetingRequest, SheetRow
from batch_zoom.rows.validate import RowDefaults, validate_row

MEETINGS_JSON = Path(__file__).resolve().parents[2] / "shared" / "zoom" / "Meetings.json"
SANDBOX_SCHEMAS = (
    Path(__file__).resolve().parents[1] / "batch_zoom" / "sandbox" / "meeting_schemas.json"
)
START_TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z?$"
WEEKLY_DAYS_PATTERN = r"^[1-7](,[1-7])*$"

DEFAULTS = RowDefaults(timezone="Asia/Tokyo")
BASE = {"topic": "Weekly sync", "start_time": "2027-01-05 09:00", "duration": 60}


@cache
def zoom_schema() -> dict[str, Any]:
    """meetingCreate's request body schema, as Zoom publishes it."""
    if MEETINGS_JSON.exists():
        spec = json.loads(MEETINGS_JSON.read_text(encoding="utf-8"))
        operation = spec["paths"]["/users/{userId}/meetings"]["post"]
        schema: dict[str, Any] = operation["requestBody"]["content"]["application/json"]["schema"]
        return schema
    if SANDBOX_SCHEMAS.exists():
        extract: dict[str, Any] = json.loads(SANDBOX_SCHEMAS.read_text(encoding="utf-8"))
        return extract["meetingCreate"]
    pytest.skip(f"Zoom's schema is in neither {MEETINGS_JSON} nor {SANDBOX_SCHEMAS}")


def strict_validator() -> OAS30Validator:
    return OAS30Validator(zoom_schema(), format_checker=oas30_format_checker)


@cache
def validator() -> OAS30Validator:
    schema = copy.deepcopy(zoom_schema())
    start_time = schema["properties"]["start_time"]
    del start_time["format"]
    start_time["pattern"] = START_TIME_PATTERN
    weekly_days = schema["properties"]["recurrence"]["properties"]["weekly_days"]
    del weekly_days["enum"]
    weekly_days["pattern"] = WEEKLY_DAYS_PATTERN
    return OAS30Validator(schema, format_checker=oas30_format_checker)


def schema_errors(body: dict[str, Any]) -> list[str]:
    return [
        f"{list(error.absolute_path)}: {error.message}" for error in validator().iter_errors(body)
    ]


def body_for(**cells: Any) -> dict[str, Any]:
    request = validate_row(SheetRow(2, {**BASE, **cells}), DEFAULTS)
    assert isinstance(request, MeetingRequest), getattr(request, "message", request)
    return request.create_body()


OPTION_ROWS = [
    pytest.param({}, id="plain"),
    pytest.param({"start_time": "2026-12-17T06:00:00Z"}, id="pinned-utc"),
    pytest.param(
        {"start_time": "2026-12-17T15:00:00+09:00", "timezone": "Europe/London"},
        id="pinned-offset",
    ),
    pytest.param({"start_time": 46453.58333333334}, id="excel-serial"),
    pytest.param({"topic": "t" * 200, "duration": 1440}, id="longest-topic-longest-meeting"),
    pytest.param({"duration": 1}, id="shortest-meeting"),
    pytest.param({"agenda": "line\r\n" * 250 + "a" * 250}, id="agenda-2000"),
    pytest.param({"passcode": "aB3!@#$%^*"}, id="passcode-10"),
    pytest.param({"passcode": 123456.0}, id="passcode-number"),
    pytest.param({"host": "taro@example.com", "timezone": "america/new_york"}, id="host-timezone"),
    *[
        pytest.param({name: value}, id=f"{name}-{value}")
        for name in BOOLEAN_OPTIONS
        for value in ("yes", "no")
    ],
    *[
        pytest.param({"auto_recording": value}, id=f"auto_recording-{value}")
        for value in ("none", "local", "cloud")
    ],
    pytest.param({"alternative_hosts": "a@x.com, b@y.jp"}, id="alternative_hosts"),
    pytest.param(
        {**{name: "yes" for name in BOOLEAN_OPTIONS}, "auto_recording": "cloud",
         "alternative_hosts": "a@x.com", "agenda": "x", "passcode": "p"},
        id="everything",
    ),
]  # fmt: skip

RECURRENCE_FORMS = [
    "daily x10", "daily until 2027-03-05", "every 3 days x5", "every 99 days x2",
    "weekly x6", "weekly on Mon,Wed until 2027-03-31", "every 2 weeks on Fri x6",
    "every 50 weeks x2", "weekly on Sun,Mon,Tue,Wed,Thu,Fri,Sat x60",
    "monthly x6", "monthly on day 15 x6", "monthly on 2nd Tue x12",
    "monthly on last Fri until 2027-06-30", "every 2 months on day 1 x3", "every 10 months x1",
    "monthly on day 31 x3", "monthly on 4th Sat x2",
    "毎日 10回", "毎週 月,水 2027-03-31まで", "隔週 金 6回", "毎月 15日 6回", "毎月 第2火曜 12回",
    "毎月 最終金曜 2027-06-30まで",
]  # fmt: skip


@pytest.mark.parametrize("cells", OPTION_ROWS)
def test_every_option_makes_a_body_zoom_accepts(cells: dict[str, Any]) -> None:
    assert schema_errors(body_for(**cells)) == []


@pytest.mark.parametrize("rule", RECURRENCE_FORMS)
def test_every_recurrence_form_makes_a_body_zoom_accepts(rule: str) -> None:
    body = body_for(recurrence=rule)
    assert body["type"] == 8
    assert schema_errors(body) == []


def test_the_relaxed_schema_differs_from_zooms_only_where_zooms_descriptions_say_so() -> None:
    objections: set[str] = set()
    for rule in RECURRENCE_FORMS:
        for error in strict_validator().iter_errors(body_for(recurrence=rule)):
            objections.add(".".join(str(part) for part in error.absolute_path))
    assert objections == {"start_time", "recurrence.weekly_days"}
    pinned = body_for(start_time="2026-12-17T06:00:00Z", recurrence="weekly on Mon x3")
    assert list(strict_validator().iter_errors(pinned)) == []


@pytest.mark.parametrize(
    "bad",
    [
        {"topic": "t" * 201},
        {"duration": 1441},
        {"duration": 0},
        {"agenda": "a" * 2001},
        {"password": "12345678901"},
        {"settings": {"auto_recording": "tape"}},
        {"settings": {"waiting_room": "yes"}},
        {"recurrence": {"type": 2, "end_times": 61}},
        {"recurrence": {"type": 3, "monthly_week": 5, "monthly_week_day": 2}},
        {"recurrence": {"type": 2, "weekly_days": "8"}},
        {"recurrence": {"type": 1, "end_date_time": "2027-03-31"}},
        {"start_time": "2027/01/05 09:00"},
    ],
)
def test_the_check_is_real_a_bad_body_is_rejected(bad: dict[str, Any]) -> None:
    assert schema_errors({**body_for(), **bad}) != []


# The same bad value, as a cell and as it would reach Zoom if sent unchecked.
REFUSED_BEFORE_SENDING = [
    pytest.param({"topic": "t" * 201}, {"topic": "t" * 201}, id="topic-201"),
    pytest.param({"duration": 1441}, {"duration": 1441}, id="duration-1441"),
    pytest.param({"duration": 0}, {"duration": 0}, id="duration-0"),
    pytest.param({"duration": "90.5"}, {"duration": 90.5}, id="duration-fraction"),
    pytest.param({"agenda": "a" * 2001}, {"agenda": "a" * 2001}, id="agenda-2001"),
    pytest.param({"passcode": "12345678901"}, {"password": "12345678901"}, id="passcode-11"),
    pytest.param(
        {"auto_recording": "tape"}, {"settings": {"auto_recording": "tape"}}, id="auto_recording"
    ),
    pytest.param({"waiting_room": "maybe"}, {"settings": {"waiting_room": "maybe"}}, id="boolean"),
    pytest.param(
        {"recurrence": "daily x61"}, {"recurrence": {"type": 1, "end_times": 61}}, id="end_times-61"
    ),
    pytest.param(
        {"recurrence": "monthly on 5th Mon x2"},
        {"recurrence": {"type": 3, "monthly_week": 5, "monthly_week_day": 2, "end_times": 2}},
        id="monthly_week-5",
    ),
    pytest.param({"start_time": "2027-01-05"}, {"start_time": "2027-01-05"}, id="no-time"),
]  # fmt: skip


@pytest.mark.parametrize(("cells", "sent"), REFUSED_BEFORE_SENDING)
def test_validate_row_refuses_what_the_schema_would(
    cells: dict[str, Any], sent: dict[str, Any]
) -> None:
    assert schema_errors({**body_for(), **sent}) != []
    result = validate_row(SheetRow(2, {**BASE, **cells}), DEFAULTS)
    assert isinstance(result, InvalidRow)
