"""The Zoom sandbox, over real HTTP with requests: OAuth, meeting calls, limits, faults, state.

Nothing sleeps for real beyond a fraction of a second: the sandbox clock is moved with advance().
Every create body these tests mean to be valid is first checked against Zoom's own meetingCreate
schema with openapi-schema-validator, a validator the sandbox itself does not use.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from openapi_schema_validator import OAS30WriteValidator

from batch_zoom.sandbox import Fault, ZoomSandbox

SCHEMAS = json.loads(
    (Path(__file__).parents[1] / "batch_zoom" / "sandbox" / "meeting_schemas.json").read_text()
)
CREATE_SCHEMA = OAS30WriteValidator(SCHEMAS["meetingCreate"])
UPDATE_SCHEMA = OAS30WriteValidator(SCHEMAS["meetingUpdate"])
ALICE = "alice@example.com"
BOB = "bob@example.com"
VALID = {
    "topic": "Quarterly review",
    "type": 2,
    "start_time": "2031-04-15T14:00:00",
    "timezone": "Asia/Tokyo",
    "duration": 45,
    "agenda": "Numbers",
}


# ---- helpers ----------------------------------------------------------------------------------
def fetch_token(sb: ZoomSandbox, session: requests.Session | None = None) -> str:
    response = (session or requests).post(
        sb.oauth_url,
        auth=("sandbox-client", "sandbox-secret"),
        data={"grant_type": "account_credentials", "account_id": "sandbox-account"},
        timeout=5,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


class Api:
    """A thin authorised session, so tests read as the calls they make."""

    def __init__(self, sb: ZoomSandbox) -> None:
        self.sb = sb
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {fetch_token(sb, self.session)}"

    def create(self, body: dict[str, Any], user: str = "me", **kw: Any) -> requests.Response:
        errors = [e.message for e in CREATE_SCHEMA.iter_errors(body)]
        assert not errors, f"test body breaks meetingCreate: {errors}"
        return self.raw_create(body, user, **kw)

    def raw_create(self, body: Any, user: str = "me", **kw: Any) -> requests.Response:
        kw.setdefault("timeout", 5)
        return self.session.post(f"{self.sb.api_url}/users/{user}/meetings", json=body, **kw)

    def list(self, user: str = "me", **params: Any) -> requests.Response:
        return self.session.get(
            f"{self.sb.api_url}/users/{user}/meetings", params=params, timeout=5
        )

    def get(self, meeting_id: int | str) -> requests.Response:
        return self.session.get(f"{self.sb.api_url}/meetings/{meeting_id}", timeout=5)

    def patch(self, meeting_id: int | str, body: dict[str, Any]) -> requests.Response:
        errors = [e.message for e in UPDATE_SCHEMA.iter_errors(body)]
        assert not errors, f"test body breaks meetingUpdate: {errors}"
        return self.session.patch(f"{self.sb.api_url}/meetings/{meeting_id}", json=body, timeout=5)

    def delete(self, meeting_id: int | str) -> requests.Response:
        return self.session.delete(f"{self.sb.api_url}/meetings/{meeting_id}", timeout=5)


@pytest.fixture
def api(sandbox: ZoomSandbox) -> Api:
    return Api(sandbox)


@pytest.fixture
def make_sandbox() -> Iterator[Any]:
    """Start sandboxes with non-default settings; all stopped after the test."""
    started: list[ZoomSandbox] = []

    def make(**settings: Any) -> ZoomSandbox:
        sb = ZoomSandbox(**settings).start()
        started.append(sb)
        return sb

    yield make
    for sb in started:
        sb.stop()


def refused_fields(response: requests.Response) -> list[str]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == 300
    return [e["field"] for e in body.get("errors", [])]


def seconds_to_next_utc_day(sb: ZoomSandbox) -> float:
    now = sb.now()
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    return (midnight - now).total_seconds() + 1


# ---- OAuth --------------------------------------------------------------------------------------
def test_token_from_form_body(sandbox: ZoomSandbox) -> None:
    response = requests.post(
        sandbox.oauth_url,
        auth=("sandbox-client", "sandbox-secret"),
        data={"grant_type": "account_credentials", "account_id": "sandbox-account"},
        timeout=5,
    )
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3599
    assert "meeting:write:admin" in body["scope"]
    assert body["api_url"] == sandbox.base_url
    assert len(body["access_token"]) >= 32


def test_token_from_query_parameters(sandbox: ZoomSandbox) -> None:
    response = requests.post(
        sandbox.oauth_url,
        params={"grant_type": "account_credentials", "account_id": "sandbox-account"},
        auth=("sandbox-client", "sandbox-secret"),
        timeout=5,
    )
    assert response.status_code == 200
    assert response.json()["access_token"]


@pytest.mark.parametrize(
    ("auth", "form", "reason", "error"),
    [
        (
            ("sandbox-client", "wrong"),
            {"grant_type": "account_credentials", "account_id": "sandbox-account"},
            "Invalid client_id or client_secret",
            "invalid_client",
        ),
        (
            None,
            {"grant_type": "account_credentials", "account_id": "sandbox-account"},
            "Invalid client_id or client_secret",
            "invalid_client",
        ),
        (
            ("sandbox-client", "sandbox-secret"),
            {"grant_type": "client_credentials", "account_id": "sandbox-account"},
            "unsupported grant type",
            "unsupported_grant_type",
        ),
        (
            ("sandbox-client", "sandbox-secret"),
            {"grant_type": "account_credentials", "account_id": "someone-else"},
            None,
            "invalid_request",
        ),
    ],
    ids=["bad-secret", "no-auth", "bad-grant", "bad-account"],
)
def test_token_errors(
    sandbox: ZoomSandbox, auth: Any, form: dict[str, str], reason: str | None, error: str
) -> None:
    response = requests.post(sandbox.oauth_url, auth=auth, data=form, timeout=5)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == error
    assert body["reason"] == (reason or body["reason"])
    assert "access_token" not in body


def test_missing_and_unknown_tokens_are_invalid(sandbox: ZoomSandbox) -> None:
    url = f"{sandbox.api_url}/users/me/meetings"
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic x"}):
        response = requests.get(url, headers=headers, timeout=5)
        assert response.status_code == 401
        assert response.json() == {"code": 124, "message": "Invalid access token."}


def test_token_expires_on_the_sandbox_clock(sandbox: ZoomSandbox, api: Api) -> None:
    assert api.list().status_code == 200
    sandbox.advance(3599 + 1)
    response = api.list()
    assert response.status_code == 401
    assert response.json() == {"code": 124, "message": "Access token is expired."}
    assert Api(sandbox).list().status_code == 200  # a fresh token works


def test_expire_tokens_expires_every_token_so_far(sandbox: ZoomSandbox) -> None:
    first, second = Api(sandbox), Api(sandbox)
    sandbox.expire_tokens()
    for old in (first, second):
        assert old.list().json()["message"] == "Access token is expired."
    assert Api(sandbox).list().status_code == 200


def test_tokens_coexist_by_default(sandbox: ZoomSandbox) -> None:
    first, second = Api(sandbox), Api(sandbox)
    assert first.list().status_code == second.list().status_code == 200


def test_single_token_mode_invalidates_the_previous_token(make_sandbox: Any) -> None:
    sb = make_sandbox(single_token=True)
    first = Api(sb)
    second = Api(sb)
    assert second.list().status_code == 200
    response = first.list()
    assert response.status_code == 401
    assert response.json() == {"code": 124, "message": "Invalid access token."}


# ---- create -----------------------------------------------------------------------------------
def test_create_returns_a_realistic_meeting(sandbox: ZoomSandbox, api: Api) -> None:
    body = {**VALID, "settings": {"waiting_room": True, "join_before_host": True}}
    response = api.create(body, user=ALICE)
    assert response.status_code == 201
    meeting = response.json()
    assert isinstance(meeting["id"], int) and len(str(meeting["id"])) == 11
    assert meeting["topic"] == "Quarterly review"
    assert meeting["type"] == 2
    assert meeting["status"] == "waiting"
    assert meeting["start_time"] == "2031-04-15T05:00:00Z"  # 14:00 in Tokyo, returned in UTC
    assert meeting["timezone"] == "Asia/Tokyo"
    assert meeting["duration"] == 45
    assert meeting["agenda"] == "Numbers"
    assert meeting["host_email"] == ALICE
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", meeting["host_id"])
    assert meeting["uuid"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", meeting["created_at"])
    assert 6 <= len(meeting["password"]) <= 10
    assert meeting["h323_password"] and meeting["pstn_password"] and meeting["encrypted_password"]
    assert meeting["join_url"] == (
        f"https://sandbox.zoom.invalid/j/{meeting['id']}?pwd={meeting['encrypted_password']}"
    )
    assert meeting["start_url"].startswith("https://sandbox.zoom.invalid/s/")
    assert meeting["pre_schedule"] is False
    assert meeting["settings"]["waiting_room"] is True
    assert meeting["settings"]["join_before_host"] is False  # a waiting room turns it off
    assert meeting["settings"]["auto_recording"] == "none"  # defaults kept under given settings
    assert sandbox.meetings(ALICE.upper()) == [meeting]
    assert sandbox.daily_used(ALICE) == 1


def test_create_times_in_utc_given_password_and_past_start(sandbox: ZoomSandbox, api: Api) -> None:
    utc = api.create({"topic": "UTC", "start_time": "2031-01-01T09:30:00Z", "password": "a@1-_*!#"})
    assert utc.json()["start_time"] == "2031-01-01T09:30:00Z"
    assert utc.json()["timezone"] == "UTC"
    assert utc.json()["password"] == "a@1-_*!#"
    no_zone = api.create({"topic": "local", "start_time": "2031-01-01T09:30:00", "duration": 30})
    assert no_zone.json()["start_time"] == "2031-01-01T09:30:00Z"  # the user's zone is UTC here
    # Meetings.json: a past start_time "defaults to the current time".
    past = api.create({"topic": "past", "start_time": "2001-01-01T00:00:00Z"}).json()
    started = datetime.strptime(past["start_time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((started - sandbox.now()).total_seconds()) < 5
    no_pass = api.create({"topic": "open", "default_password": False}).json()
    assert no_pass["password"] == ""
    assert no_pass["join_url"] == f"https://sandbox.zoom.invalid/j/{no_pass['id']}"


def test_recurring_meeting_has_occurrences(sandbox: ZoomSandbox, api: Api) -> None:
    body = {
        "topic": "Standup",
        "type": 8,
        "start_time": "2031-03-01T10:00:00",
        "timezone": "America/New_York",
        "duration": 15,
        "recurrence": {"type": 1, "repeat_interval": 7, "end_times": 3},
    }
    meeting = api.create(body).json()
    assert meeting["recurrence"] == body["recurrence"]
    starts = [o["start_time"] for o in meeting["occurrences"]]
    # Wall-clock 10:00 kept across the DST change of 2031-03-09.
    assert starts == ["2031-03-01T15:00:00Z", "2031-03-08T15:00:00Z", "2031-03-15T14:00:00Z"]
    assert all(o["status"] == "available" and o["duration"] == 15 for o in meeting["occurrences"])
    assert meeting["start_time"] == starts[0]


def test_weekly_days_take_a_comma_separated_list(api: Api) -> None:
    # The schema's enum allows one day, but its own description and Zoom take "2,4".
    body = {
        "topic": "Twice a week",
        "type": 8,
        "start_time": "2031-03-07T10:00:00Z",  # a Friday
        "recurrence": {"type": 2, "weekly_days": "2,4", "end_times": 3},
    }
    meeting = api.raw_create(body).json()
    days = [o["start_time"][:10] for o in meeting["occurrences"]]
    assert days == ["2031-03-10", "2031-03-12", "2031-03-17"]  # Mon, Wed, Mon


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**VALID, "topic": "x" * 201}, "topic"),
        ({**VALID, "agenda": "x" * 2001}, "agenda"),
        ({**VALID, "duration": 0}, "duration"),
        ({**VALID, "duration": 1441}, "duration"),
        ({**VALID, "duration": "30"}, "duration"),
        ({**VALID, "password": "abcdefghijk"}, "password"),
        ({**VALID, "password": "pass word"}, "password"),
        ({**VALID, "password": "pässwört"}, "password"),
        ({**VALID, "timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({**VALID, "start_time": "2031-04-15 14:00"}, "start_time"),
        ({**VALID, "start_time": "2031-04-15T14:00:00+09:00"}, "start_time"),
        ({**VALID, "start_time": "2031-02-30T14:00:00"}, "start_time"),
        ({**VALID, "type": 5}, "type"),
        ({**VALID, "settings": {"jbh_time": 7}}, "settings.jbh_time"),
        (
            {**VALID, "type": 8, "recurrence": {"type": 1, "end_times": 61}},
            "recurrence.end_times",
        ),
        ({**VALID, "type": 8}, "recurrence"),
        ({**VALID, "recurrence": {"type": 1, "end_times": 2}}, "recurrence"),
        (
            {**VALID, "type": 8, "recurrence": {"type": 1, "repeat_interval": 100}},
            "recurrence.repeat_interval",
        ),
        (
            {
                **VALID,
                "type": 8,
                "recurrence": {"type": 1, "end_times": 2, "end_date_time": "2031-05-01T00:00:00Z"},
            },
            "recurrence.end_date_time",
        ),
        (
            {
                **VALID,
                "type": 8,
                "recurrence": {"type": 1, "end_date_time": "2031-12-31T00:00:00Z"},
            },
            "recurrence.end_date_time",  # more than 60 occurrences
        ),
    ],
)
def test_create_refuses_what_zoom_refuses(
    sandbox: ZoomSandbox, api: Api, body: dict[str, Any], field: str
) -> None:
    response = api.raw_create(body)
    assert field in refused_fields(response)
    assert response.json()["message"] == "Validation Failed."
    assert sandbox.meetings() == []
    assert sandbox.daily_used("me") == 0


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b"", b"\xff\xfe"])
def test_create_needs_a_json_object(sandbox: ZoomSandbox, api: Api, raw: bytes) -> None:
    response = api.session.post(
        f"{sandbox.api_url}/users/me/meetings",
        data=raw,
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": 300,
        "message": "Request Body should be a valid JSON object.",
    }


def test_unknown_user_is_1001(make_sandbox: Any) -> None:
    sb = make_sandbox(users=[ALICE])
    api = Api(sb)
    response = api.create(VALID, user=BOB)
    assert response.status_code == 404
    assert response.json() == {"code": 1001, "message": f"User does not exist: {BOB}."}
    assert api.create(VALID, user="Alice@Example.com").status_code == 201
    assert api.create(VALID, user="me").json()["host_email"] == "owner@sandbox.example"
    assert api.list(user=BOB).json()["code"] == 1001


def test_any_email_exists_by_default_but_not_other_ids(api: Api) -> None:
    assert api.create(VALID, user="someone@anywhere.example").status_code == 201
    assert api.create(VALID, user="not-an-email").json()["code"] == 1001
    host_id = api.create(VALID, user=BOB).json()["host_id"]
    assert api.create(VALID, user=host_id).json()["host_email"] == BOB  # a user id works too


# ---- list -------------------------------------------------------------------------------------
def test_list_pages_with_next_page_token(sandbox: ZoomSandbox, api: Api) -> None:
    made = {api.create({**VALID, "topic": f"m{i}"}, user=ALICE).json()["id"] for i in range(5)}
    api.create({**VALID, "topic": "Bob's"}, user=BOB)
    seen: list[int] = []
    pages = 0
    params: dict[str, Any] = {"type": "scheduled", "page_size": 2}
    while True:
        body = api.list(user=ALICE, **params).json()
        pages += 1
        assert body["total_records"] == 5 and body["page_size"] == 2
        seen += [m["id"] for m in body["meetings"]]
        if not body["next_page_token"]:
            break
        params["next_page_token"] = body["next_page_token"]
    assert pages == 3
    assert sorted(seen) == sorted(made)
    item = api.list(user=ALICE).json()["meetings"][0]
    assert set(item) == {
        "uuid", "id", "host_id", "topic", "type", "start_time", "duration", "timezone",
        "agenda", "created_at", "join_url",
    }  # fmt: skip
    assert "start_url" not in item


def test_next_page_token_expires_after_15_minutes(sandbox: ZoomSandbox, api: Api) -> None:
    for i in range(3):
        api.create({**VALID, "topic": f"m{i}"})
    token = api.list(page_size=1).json()["next_page_token"]
    sandbox.advance(timedelta(minutes=14))
    assert api.list(page_size=1, next_page_token=token).status_code == 200
    token = api.list(page_size=1).json()["next_page_token"]
    sandbox.advance(timedelta(minutes=15, seconds=1))
    response = api.list(page_size=1, next_page_token=token)
    assert response.status_code == 400
    assert response.json()["code"] == 300
    assert api.list(page_size=1, next_page_token="made-up").status_code == 400


def test_list_caps_page_size_cuts_agenda_and_hides_ended(sandbox: ZoomSandbox, api: Api) -> None:
    api.create({**VALID, "agenda": "a" * 600})
    body = api.list(page_size=500).json()
    assert body["page_size"] == 300
    assert body["meetings"][0]["agenda"] == "a" * 250
    assert len(api.get(body["meetings"][0]["id"]).json()["agenda"]) == 600
    assert api.list(type="nonsense").status_code == 400
    # After it ends it leaves "upcoming"; "scheduled" keeps it until it expires (30 days).
    assert api.list(type="upcoming").json()["total_records"] == 1
    end = datetime(2031, 4, 15, 5, 45, tzinfo=UTC)
    sandbox.advance(end - sandbox.now() + timedelta(minutes=1))
    api = Api(sandbox)  # years later: the old token has long expired
    assert api.list(type="upcoming").json()["total_records"] == 0
    assert api.list(type="previous_meetings").json()["total_records"] == 1
    assert api.list(type="scheduled").json()["total_records"] == 1
    sandbox.advance(timedelta(days=30))
    assert Api(sandbox).list().json()["total_records"] == 0


def test_recurring_meeting_is_listed_until_its_last_occurrence(
    sandbox: ZoomSandbox, api: Api
) -> None:
    api.create(
        {
            "topic": "Daily",
            "type": 8,
            "start_time": "2031-01-01T10:00:00Z",
            "duration": 60,
            "recurrence": {"type": 1, "end_times": 3},
        }
    )
    sandbox.advance(datetime(2031, 1, 2, 12, tzinfo=UTC) - sandbox.now())
    api = Api(sandbox)
    assert api.list(type="upcoming").json()["total_records"] == 1
    sandbox.advance(timedelta(days=1))  # past the last occurrence (Jan 3, 10:00-11:00)
    assert Api(sandbox).list(type="upcoming").json()["total_records"] == 0


# ---- get / patch / delete -----------------------------------------------------------------------
def test_get_patch_delete(sandbox: ZoomSandbox, api: Api) -> None:
    created = api.create({**VALID, "settings": {"mute_upon_entry": True}}, user=ALICE).json()
    meeting_id = created["id"]
    assert api.get(meeting_id).json() == created

    response = api.patch(
        meeting_id,
        {
            "topic": "Renamed",
            "start_time": "2031-05-01T09:00:00",
            "settings": {"host_video": True},
            "password": "newpass",
        },
    )
    assert response.status_code == 204
    assert response.content == b""
    updated = api.get(meeting_id).json()
    assert updated["topic"] == "Renamed"
    assert updated["start_time"] == "2031-05-01T00:00:00Z"  # the meeting's zone (Tokyo) applies
    assert updated["settings"]["host_video"] is True
    assert updated["settings"]["mute_upon_entry"] is True  # merged, not replaced
    assert updated["password"] == "newpass"
    assert updated["join_url"] != created["join_url"]
    assert updated["agenda"] == created["agenda"]
    assert sandbox.daily_used(ALICE) == 2  # the create and the update

    assert "duration" in refused_fields(
        api.session.patch(f"{sandbox.api_url}/meetings/{meeting_id}", json={"duration": 0})
    )
    assert api.delete(meeting_id).status_code == 204
    for response in (api.get(meeting_id), api.delete(meeting_id), api.patch(meeting_id, {})):
        assert response.status_code == 404
        assert response.json() == {
            "code": 3001,
            "message": f"Meeting does not exist: {meeting_id}.",
        }
    assert api.get("abc").json()["code"] == 3001


def test_unknown_routes_and_methods(sandbox: ZoomSandbox, api: Api) -> None:
    assert api.session.get(f"{sandbox.api_url}/webinars/1", timeout=5).status_code == 404
    assert requests.get(f"{sandbox.base_url}/", timeout=5).status_code == 404
    response = api.session.put(f"{sandbox.api_url}/meetings/1", json={}, timeout=5)
    assert response.status_code == 405
    assert api.session.delete(f"{sandbox.api_url}/users/me/meetings", timeout=5).status_code == 405
    assert requests.get(sandbox.oauth_url, timeout=5).status_code == 405


def test_malformed_requests_do_not_crash_the_server(sandbox: ZoomSandbox, api: Api) -> None:
    garbage = [
        b"\x00\x01garbage\r\n\r\n",
        b"POST /v2/users/me/meetings HTTP/1.1\r\nContent-Length: banana\r\n\r\n",
        b"POST /v2/users/me/meetings HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc",  # then hang up
        b"GET /v2/meetings/%ff%fe HTTP/1.1\r\nAuthorization: Bearer \xff\r\n\r\n",
    ]
    for raw in garbage:
        with socket.create_connection(("127.0.0.1", sandbox.port), timeout=2) as conn:
            conn.sendall(raw)
            conn.shutdown(socket.SHUT_WR)
            with contextlib.suppress(OSError):
                conn.recv(4096)
    assert api.create(VALID).status_code == 201


def test_keep_alive_and_content_length(sandbox: ZoomSandbox, api: Api) -> None:
    authorization = str(api.session.headers["Authorization"])
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=5)
    connection.connect()
    local_port = connection.sock.getsockname()[1]
    body = json.dumps(VALID)
    answers = []
    for method, path in [("POST", "/v2/users/me/meetings"), ("GET", "/v2/users/me/meetings")] * 2:
        connection.request(
            method,
            path,
            body if method == "POST" else None,
            {"Authorization": authorization, "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        content = response.read()
        assert response.getheader("Content-Length") == str(len(content))
        answers.append(response.status)
        assert connection.sock is not None and connection.sock.getsockname()[1] == local_port
    connection.close()
    assert answers == [201, 200, 201, 200]
    meeting_id = sandbox.meetings()[0]["id"]
    deleted = api.delete(meeting_id)
    assert deleted.status_code == 204 and deleted.content == b""
    assert api.list().status_code == 200  # the session's socket survives a 204


# ---- rate limits ------------------------------------------------------------------------------
def test_per_second_limit(make_sandbox: Any) -> None:
    sb = make_sandbox(qps=2)
    api = Api(sb)
    responses = [api.create({**VALID, "topic": f"t{i}"}) for i in range(5)]
    statuses = [r.status_code for r in responses]
    assert statuses == [201, 201, 429, 429, 429]
    ok, refused = responses[0], responses[2]
    assert ok.headers["X-RateLimit-Category"] == "Medium"
    assert ok.headers["X-RateLimit-Limit"] == "2"
    assert ok.headers["X-RateLimit-Remaining"] == "1"
    assert refused.json() == {
        "code": 429,
        "message": "You have reached the maximum per-second rate limit for this API. "
        "Try again later.",
    }
    assert refused.headers["X-RateLimit-Type"] == "QPS"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["X-RateLimit-Category"] == "Medium"
    assert len(sb.meetings()) == 2
    # Light calls have their own window; refusals did not use up the next second.
    assert api.get(ok.json()["id"]).status_code == 200
    sb.advance(1.01)
    assert [api.create(VALID).status_code for _ in range(3)] == [201, 201, 429]
    sb.qps = None
    sb.advance(1.01)
    assert all(api.create(VALID).status_code == 201 for _ in range(4))


def test_rate_limits_per_category(make_sandbox: Any) -> None:
    sb = make_sandbox(rate_limits={"light": 1}, plan=None)
    api = Api(sb)
    meeting_id = api.create(VALID).json()["id"]
    assert "X-RateLimit-Limit" not in api.create(VALID).headers  # medium: unlimited
    assert api.get(meeting_id).headers["X-RateLimit-Category"] == "Light"
    assert api.get(meeting_id).status_code == 429


def test_one_window_counts_every_call_in_one_second(make_sandbox: Any) -> None:
    """Issue 27's emulator: a create (Medium) and a read (Light) share one second of 2."""
    sb = make_sandbox(qps=2, plan=None, one_window=True)
    api = Api(sb)
    meeting_id = api.create(VALID).json()["id"]
    read = api.get(meeting_id)
    assert read.status_code == 200
    assert read.headers["X-RateLimit-Category"] == "Light"  # each call still names its own
    assert read.headers["X-RateLimit-Remaining"] == "0"
    assert api.get(meeting_id).status_code == 429
    assert api.create(VALID).status_code == 429
    sb.advance(1.01)
    assert api.get(meeting_id).status_code == 200


@pytest.mark.parametrize(
    ("settings", "creates_a_second", "category"),
    [
        ({}, 20, "Medium"),  # on by default: a Pro account, create metered as Medium
        ({"create_category": "light"}, 30, "Light"),  # Meetings.json (2026): create is Light
        ({"plan": "business"}, 60, "Medium"),
        ({"plan": "business", "create_category": "light"}, 80, "Light"),
        ({"plan": "free", "create_category": "light"}, 4, "Light"),
        ({"plan": "free"}, 2, "Medium"),
    ],
)
def test_per_second_limits_follow_the_plan(
    make_sandbox: Any, settings: dict[str, Any], creates_a_second: int, category: str
) -> None:
    sb = make_sandbox(**settings)
    api = Api(sb)
    statuses = [api.create(VALID).status_code for _ in range(creates_a_second + 1)]
    assert statuses == [201] * creates_a_second + [429]
    last_ok = api.session.get(f"{sb.api_url}/users/me/meetings", timeout=5)
    assert last_ok.headers["X-RateLimit-Category"] == "Medium"  # list has its own window
    refused = api.create(VALID)
    assert refused.headers["X-RateLimit-Category"] == category
    assert refused.headers["X-RateLimit-Limit"] == str(creates_a_second)
    sb.advance(1.01)  # a sliding second later the window is empty again
    assert api.create(VALID).status_code == 201
    # What the benchmark reads back: the category and limit each request was counted in.
    create, listing, token = (
        next(r for r in sb.requests if r.method == method and r.path.endswith(end))
        for method, end in (("POST", "/meetings"), ("GET", "/meetings"), ("POST", "/token"))
    )
    assert sb.metered(create) == (category.lower(), creates_a_second)
    assert sb.metered(listing) == (
        "medium",
        {"free": 2, "business": 60}.get(settings.get("plan"), 20),
    )
    assert sb.metered(token) is None


@pytest.mark.parametrize(
    ("mode", "on_success", "on_429"),
    [("all", True, True), ("refusals", False, True), ("none", False, False)],
)
def test_rate_limit_headers_on_success_and_on_429(
    make_sandbox: Any, mode: str, on_success: bool, on_429: bool
) -> None:
    sb = make_sandbox(qps=1, rate_headers=mode)
    api = Api(sb)
    ok, refused = api.create(VALID), api.create(VALID)
    assert (ok.status_code, refused.status_code) == (201, 429)
    assert ("X-RateLimit-Limit" in ok.headers) is on_success
    assert ("X-RateLimit-Limit" in refused.headers) is on_429
    assert ("X-RateLimit-Type" in refused.headers) is on_429
    assert refused.json()["message"].startswith("You have reached the maximum per-second")


def test_the_window_slides(make_sandbox: Any) -> None:
    """Counted over a sliding second, not per calendar second: a burst at the end of one second
    still counts at the start of the next."""
    sb = make_sandbox(qps=2)
    api = Api(sb)
    assert api.create(VALID).status_code == 201
    sb.advance(0.6)
    assert api.create(VALID).status_code == 201
    sb.advance(0.6)  # 1.2 s after the first, 0.6 s after the second: one slot is free
    assert [api.create(VALID).status_code for _ in range(2)] == [201, 429]


@pytest.mark.parametrize("style", ["headers", "bare", "legacy"])
def test_daily_limit_and_reset(make_sandbox: Any, style: str) -> None:
    sb = make_sandbox(daily_limit=3, daily_limit_style=style)
    api = Api(sb)
    first = api.create(VALID, user=ALICE).json()["id"]
    api.create(VALID, user=ALICE)
    assert api.patch(first, {"topic": "third request"}).status_code == 204
    assert sb.daily_used(ALICE) == 3
    refused = api.create(VALID, user=ALICE)
    assert api.patch(first, {"topic": "refused"}).status_code == refused.status_code
    if style == "legacy":
        assert refused.status_code == 300
        assert refused.json() == {
            "code": 300,
            "message": "A maximum of 3 meetings can be created/updated for a single user "
            "in one day.",
        }
    else:
        assert refused.status_code == 429
        assert refused.json() == {
            "code": 429,
            "message": "You have exceeded the daily rate limit (3) of Meeting Create/Update API "
            "requests permitted for this particular user. You may resume these requests at GMT "
            "00:00:00.",
        }
    if style == "headers":
        tomorrow = (sb.now() + timedelta(days=1)).date().isoformat()
        assert refused.headers["X-RateLimit-Type"] == "Daily-limit"
        assert refused.headers["Retry-After"] == f"{tomorrow}T00:00:00Z"
    else:
        assert "X-RateLimit-Type" not in refused.headers
        assert "Retry-After" not in refused.headers
    assert api.create(VALID, user=BOB).status_code == 201  # per host
    assert api.get(first).status_code == 200  # reads are not counted
    assert len(sb.meetings(ALICE)) == 2

    sb.advance(seconds_to_next_utc_day(sb))
    assert sb.daily_used(ALICE) == 0
    api = Api(sb)
    assert api.create(VALID, user=ALICE).status_code == 201


# ---- faults -------------------------------------------------------------------------------------
def test_drop_before_makes_nothing(sandbox: ZoomSandbox, api: Api) -> None:
    sandbox.inject(Fault("drop_before", path="/meetings"))
    with pytest.raises(requests.ConnectionError):
        api.create(VALID)
    assert sandbox.meetings() == []
    assert sandbox.requests[-1].status is None
    assert api.create(VALID).status_code == 201  # only once


def test_drop_after_makes_the_meeting_but_no_answer(sandbox: ZoomSandbox, api: Api) -> None:
    sandbox.inject(Fault("drop_after"))
    with pytest.raises(requests.ConnectionError):
        api.create({**VALID, "topic": "Ghost"})
    [ghost] = sandbox.meetings()
    assert ghost["topic"] == "Ghost"
    assert [r.method for r in sandbox.requests if r.status is None] == ["POST"]
    assert sandbox.requests[-1].host == "owner@sandbox.example"
    # Found again the way a client must: by listing the host's meetings.
    assert [m["id"] for m in api.list().json()["meetings"]] == [ghost["id"]]


def test_error_before_and_after(sandbox: ZoomSandbox, api: Api) -> None:
    sandbox.inject(Fault("error_before", status=503))
    response = api.create(VALID)
    assert response.status_code == 503
    assert sandbox.meetings() == []
    sandbox.inject(Fault("error_after", status=502))
    response = api.create(VALID)
    assert response.status_code == 502
    assert len(sandbox.meetings()) == 1


def test_rate_limit_fault(sandbox: ZoomSandbox, api: Api) -> None:
    sandbox.inject(Fault("rate_limit", retry_after=2))
    sandbox.inject(Fault("rate_limit"))
    first, second = api.create(VALID), api.create(VALID)
    assert first.status_code == second.status_code == 429
    assert first.headers["Retry-After"] == "2"
    assert "Retry-After" not in second.headers
    assert second.headers["X-RateLimit-Type"] == "QPS"
    assert first.json()["message"].startswith("You have reached the maximum per-second")
    assert sandbox.meetings() == []


def test_delay_lets_a_client_timeout_fire_after_the_create(sandbox: ZoomSandbox, api: Api) -> None:
    sandbox.inject(Fault("delay", delay=0.4))
    started = time.monotonic()
    with pytest.raises(requests.ReadTimeout):
        api.create(VALID, timeout=0.1)
    assert time.monotonic() - started < 0.35
    assert len(sandbox.meetings()) == 1


def test_fault_matching_after_and_times(sandbox: ZoomSandbox, api: Api) -> None:
    sandbox.inject(Fault("error_before", method="GET", path="/users/", after=1, times=2))
    statuses = [api.list().status_code for _ in range(4)]
    assert statuses == [200, 500, 500, 200]
    assert api.create(VALID).status_code == 201  # POST was never matched
    sandbox.inject(Fault("error_before", method=None, times=5))
    sandbox.clear_faults()
    assert api.list().status_code == 200


def test_faults_reach_oauth_only_when_asked(sandbox: ZoomSandbox) -> None:
    sandbox.inject(Fault("error_before", status=503))  # path None: API calls only
    api = Api(sandbox)  # the token request is not hit
    assert api.create(VALID).status_code == 503
    sandbox.inject(Fault("drop_before", path="/oauth/token"))
    with pytest.raises(requests.ConnectionError):
        fetch_token(sandbox)
    assert fetch_token(sandbox)


# ---- log, latency, persistence ---------------------------------------------------------------
def test_request_log(sandbox: ZoomSandbox, api: Api) -> None:
    meeting_id = api.create(VALID, user=ALICE).json()["id"]
    api.list(user=ALICE, page_size=5)
    api.get(meeting_id)
    records = sandbox.requests
    assert [r.method for r in records] == ["POST", "POST", "GET", "GET"]
    assert records[0].path == "/oauth/token" and records[0].host is None
    assert records[0].body is None  # form bodies are not kept
    assert records[1].body == VALID and records[1].host == ALICE and records[1].status == 201
    assert records[2].query == {"page_size": "5"}
    assert records[3].host == ALICE
    assert sandbox.count(method="GET", path_contains="/meetings") == 2
    assert sandbox.count(status=201) == 1


def test_latency_is_added_to_each_answer(sandbox: ZoomSandbox, api: Api) -> None:
    sandbox.latency = 0.15
    started = time.monotonic()
    api.list()
    assert time.monotonic() - started >= 0.15
    sandbox.latency = 0.0


def test_state_persists_across_instances(tmp_path: Path) -> None:
    state = tmp_path / "state" / "sandbox.json"
    with ZoomSandbox(state_path=state) as first:
        api = Api(first)
        meeting = api.create(VALID, user=ALICE).json()
        kept_token = str(api.session.headers["Authorization"])
    saved = json.loads(state.read_text())
    assert kept_token.split()[1] not in state.read_text()  # tokens are kept hashed
    assert [m["id"] for m in saved["meetings"]] == [meeting["id"]]
    assert list(state.parent.iterdir()) == [state]  # no temporary file left behind
    with ZoomSandbox(state_path=state) as second:
        assert second.meetings() == [meeting]
        assert second.daily_used(ALICE) == 1
        again = requests.Session()
        again.headers["Authorization"] = kept_token
        assert again.get(f"{second.api_url}/meetings/{meeting['id']}", timeout=5).json() == meeting
        assert Api(second).delete(meeting["id"]).status_code == 204
    with ZoomSandbox(state_path=state) as third:
        assert third.meetings() == []


def test_command_line_prints_what_to_export() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "batch_zoom.sandbox", "--port", "0", "--qps", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(4)]
        export = next(line for line in lines if line.startswith("export "))
        values = dict(part.split("=", 1) for part in export.split()[1:])
        assert values["ZOOM_ACCOUNT_ID"] == "sandbox-account"
        assert values["ZOOM_OAUTH_URL"].endswith("/oauth/token")
        assert any("not real" in line for line in lines)
        token = requests.post(
            values["ZOOM_OAUTH_URL"],
            auth=(values["ZOOM_CLIENT_ID"], values["ZOOM_CLIENT_SECRET"]),
            data={"grant_type": "account_credentials", "account_id": values["ZOOM_ACCOUNT_ID"]},
            timeout=5,
        ).json()["access_token"]
        response = requests.get(
            f"{values['ZOOM_API_URL']}/users/me/meetings",
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Limit"] == "5"
    finally:
        server.send_signal(signal.SIGINT)
        _, stderr = server.communicate(timeout=5)
    assert server.returncode == 0
    assert stderr == ""


def test_clock_and_attributes(sandbox: ZoomSandbox) -> None:
    before = sandbox.now()
    assert before.tzinfo is not None
    sandbox.advance(timedelta(hours=2))
    assert sandbox.now() - before >= timedelta(hours=2)
    assert sandbox.api_url == sandbox.base_url + "/v2"
    assert sandbox.oauth_url == sandbox.base_url + "/oauth/token"
    with pytest.raises(ValueError):
        Fault("explode")
