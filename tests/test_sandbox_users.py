"""The sandbox's users over real HTTP: profiles, settings, 1001, schedule_for, occurrences."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from batch_zoom.sandbox import ZoomSandbox
from batch_zoom.sandbox.users import load_users
from tests.test_sandbox import Api

TOKYO = {"email": "tanaka@example.com", "timezone": "Asia/Tokyo", "first_name": "Taro"}
STRICT = {"email": "strict@example.com", "passcode_policy": {"length": 8, "have_number": True}}
USERS: list[Any] = [
    TOKYO,
    STRICT,
    {"email": "basic@example.com", "type": 1},
    {"email": "gone@example.com", "status": "inactive"},
    {"email": "invited@example.com", "status": "pending"},
    "plain@example.com",
]
WEEKLY = {
    "topic": "Weekly",
    "type": 8,
    "start_time": "2031-04-07T10:00:00",
    "timezone": "Asia/Tokyo",
    "duration": 30,
    "recurrence": {"type": 2, "repeat_interval": 1, "weekly_days": "2", "end_times": 4},
}


@pytest.fixture
def users_sandbox() -> Iterator[ZoomSandbox]:
    with ZoomSandbox(users=USERS) as started:
        yield started


@pytest.fixture
def api(users_sandbox: ZoomSandbox) -> Api:
    return Api(users_sandbox)


def user(api: Api, who: str, tail: str = "") -> Any:
    return api.session.get(f"{api.sb.api_url}/users/{who}{tail}", timeout=5)


def test_a_user_has_a_profile_with_licence_status_and_zone(api: Api) -> None:
    profile = user(api, "Tanaka@example.com").json()
    assert (profile["email"], profile["type"], profile["status"]) == (
        "tanaka@example.com",
        2,
        "active",
    )
    assert profile["timezone"] == "Asia/Tokyo" and profile["first_name"] == "Taro"
    assert user(api, "basic@example.com").json()["type"] == 1
    assert user(api, "gone@example.com").json()["status"] == "inactive"
    assert user(api, profile["id"]).json()["email"] == "tanaka@example.com"  # by user id too


def test_an_unknown_user_is_1001_on_every_users_call(api: Api) -> None:
    for tail in ("", "/settings", "/meetings"):
        answer = user(api, "nobody@example.com", tail)
        assert answer.status_code == 404
        assert answer.json() == {
            "code": 1001,
            "message": "User does not exist: nobody@example.com.",
        }


def test_settings_carry_the_passcode_policy_and_creates_obey_it(api: Api) -> None:
    settings = user(api, "strict@example.com", "/settings").json()
    rules = settings["schedule_meeting"]["meeting_password_requirement"]
    assert rules["length"] == 8 and rules["have_number"] is True
    body = {"topic": "T", "type": 2, "start_time": "2031-04-07T10:00:00Z", "duration": 30}
    refused = api.create({**body, "password": "abcdefgh"}, user="strict@example.com")
    assert refused.status_code == 400 and refused.json()["code"] == 300
    assert "number" in refused.json()["message"]
    assert (
        api.create({**body, "password": "abcd1234"}, user="strict@example.com").status_code == 201
    )


def test_inactive_and_pending_users_cannot_schedule(api: Api) -> None:
    body = {"topic": "T", "type": 2, "start_time": "2031-04-07T10:00:00Z", "duration": 30}
    for who in ("gone@example.com", "invited@example.com"):
        answer = api.create(body, user=who)
        assert answer.status_code == 400 and answer.json()["code"] == 3161
    assert api.sb.meetings() == []


def test_a_local_start_without_timezone_is_in_the_users_zone(api: Api) -> None:
    body = {"topic": "T", "type": 2, "start_time": "2031-04-07T10:00:00", "duration": 30}
    made = api.create(body, user="tanaka@example.com").json()
    assert made["start_time"] == "2031-04-07T01:00:00Z"
    assert made["timezone"] == "Asia/Tokyo"
    assert api.create(body, user="plain@example.com").json()["start_time"] == "2031-04-07T10:00:00Z"


def test_missing_user_scope_is_4711_naming_the_scope(api: Api, users_sandbox: ZoomSandbox) -> None:
    users_sandbox.scopes = "meeting:read:admin meeting:write:admin"
    narrow = Api(users_sandbox)
    answer = user(narrow, "tanaka@example.com")
    assert answer.status_code == 400 and answer.json()["code"] == 4711
    assert "user:read:admin" in answer.json()["message"]


def test_schedule_for_moves_a_meeting_keeping_id_passcode_and_link(api: Api) -> None:
    body = {"topic": "T", "type": 2, "start_time": "2031-04-07T10:00:00Z", "duration": 30}
    made = api.create(body, user="plain@example.com").json()
    assert api.patch(made["id"], {"schedule_for": "tanaka@example.com"}).status_code == 204
    moved = api.get(made["id"]).json()
    assert moved["host_email"] == "tanaka@example.com"
    assert (moved["id"], moved["join_url"], moved["password"]) == (
        made["id"],
        made["join_url"],
        made["password"],
    )
    assert [m["id"] for m in api.list("tanaka@example.com").json()["meetings"]] == [made["id"]]
    assert api.list("plain@example.com").json()["meetings"] == []
    for who, code in (("nobody@example.com", 1001), ("gone@example.com", 3161)):
        refused = api.patch(made["id"], {"schedule_for": who})
        assert refused.json()["code"] == code
    assert api.get(made["id"]).json()["host_email"] == "tanaka@example.com"


def test_occurrence_id_touches_one_occurrence_only(api: Api) -> None:
    made = api.create(WEEKLY, user="tanaka@example.com").json()
    first, second = (o["occurrence_id"] for o in made["occurrences"][:2])
    url = f"{api.sb.api_url}/meetings/{made['id']}"
    one = api.session.get(url, params={"occurrence_id": second}, timeout=5).json()
    assert one["start_time"] == made["occurrences"][1]["start_time"]
    assert [o["occurrence_id"] for o in one["occurrences"]] == [second]
    changed = api.session.patch(
        url, params={"occurrence_id": second}, json={"duration": 90}, timeout=5
    )
    assert changed.status_code == 204
    after = api.get(made["id"]).json()
    assert [o["duration"] for o in after["occurrences"]] == [30, 90, 30, 30]
    assert after["duration"] == 30
    gone = api.session.delete(url, params={"occurrence_id": first}, timeout=5)
    assert gone.status_code == 204
    assert [o["occurrence_id"] for o in api.get(made["id"]).json()["occurrences"]][0] == second
    for call in (api.session.get, api.session.delete):
        bad = call(url, params={"occurrence_id": "123"}, timeout=5)
        assert (bad.status_code, bad.json()["code"]) == (400, 300)


def test_listing_honours_from_and_to(api: Api) -> None:
    for day in (5, 7, 9):
        body = {"topic": f"D{day}", "type": 2, "start_time": f"2031-04-0{day}T10:00:00Z"}
        api.create({**body, "duration": 30}, user="plain@example.com")
    listed = api.list("plain@example.com", **{"from": "2031-04-06", "to": "2031-04-07"}).json()
    assert [m["topic"] for m in listed["meetings"]] == ["D7"]
    assert len(api.list("plain@example.com", to="2031-04-07").json()["meetings"]) == 2


def test_without_a_user_list_any_well_formed_email_is_a_user(sandbox: ZoomSandbox) -> None:
    assert not sandbox.strict_users
    answer = user(Api(sandbox), "anyone@example.com")
    assert answer.status_code == 200 and answer.json()["status"] == "active"
    assert user(Api(sandbox), "not-an-email").status_code == 404


def test_the_daily_limit_answer_is_as_captured_from_zoom_by_default() -> None:
    """Body with the limit, no rate-limit headers: what a real daily-limit 429 looked like."""
    with ZoomSandbox(daily_limit=1) as sandbox:
        api = Api(sandbox)
        body = {"topic": "T", "type": 2, "start_time": "2031-04-07T10:00:00Z", "duration": 30}
        assert api.create(body).status_code == 201
        refused = api.create(body)
    assert refused.status_code == 429
    assert "daily rate limit (1)" in refused.json()["message"]
    assert "X-RateLimit-Type" not in refused.headers and "Retry-After" not in refused.headers


def test_a_users_file_makes_a_strict_list(tmp_path: Path) -> None:
    listed = tmp_path / "users.json"
    listed.write_text(json.dumps(["ann@example.com", {"email": "bob@example.com", "type": 1}]))
    with ZoomSandbox(users=load_users(listed)) as sandbox:
        api = Api(sandbox)
        assert user(api, "bob@example.com").json()["type"] == 1
        assert user(api, "ann@example.com").status_code == 200
        assert user(api, "carol@example.com").json()["code"] == 1001
