"""The sandbox serves webinars as Zoom's Meetings API file describes them (issue 25), over HTTP:
create, list, get, patch, delete; panelists; registrants (batch for type 5, one a call for a
recurring webinar); the Webinar add-on and its capacity; the daily limit shared with meetings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from openapi_schema_validator import OAS30WriteValidator

from batch_zoom.sandbox import ZoomSandbox

SCHEMAS = json.loads(
    (Path(__file__).parents[1] / "batch_zoom" / "sandbox" / "webinar_schemas.json").read_text()
)
HOST = "trainer@example.com"
NO_ADDON = "plain@example.com"
WEBINAR = {
    "topic": "Onboarding webinar",
    "type": 5,
    "start_time": "2031-04-15T14:00:00",
    "timezone": "Asia/Tokyo",
    "duration": 90,
    "settings": {"approval_type": 0},
}
SERIES = {
    **WEBINAR,
    "topic": "Weekly clinic",
    "type": 9,
    "recurrence": {"type": 2, "repeat_interval": 1, "weekly_days": "3", "end_times": 4},
}


def schema_true(operation: str, body: dict[str, Any]) -> dict[str, Any]:
    errors = [error.message for error in OAS30WriteValidator(SCHEMAS[operation]).iter_errors(body)]
    assert not errors, f"test body breaks {operation}: {errors}"
    return body


class Api:
    def __init__(self, sb: ZoomSandbox) -> None:
        self.url = sb.api_url
        self.session = requests.Session()
        token = self.session.post(
            sb.oauth_url,
            auth=("sandbox-client", "sandbox-secret"),
            data={"grant_type": "account_credentials", "account_id": "sandbox-account"},
            timeout=5,
        ).json()["access_token"]
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> requests.Response:
        return self.session.request(
            method, self.url + path, json=body, params=params or None, timeout=5
        )

    def create(self, body: dict[str, Any], user: str = HOST) -> requests.Response:
        return self.call("POST", f"/users/{user}/webinars", schema_true("webinarCreate", body))


@pytest.fixture
def sb() -> Iterator[ZoomSandbox]:
    users = [
        HOST,
        {"email": NO_ADDON, "webinar": False},
        {"email": "small@example.com", "webinar": 2},
    ]
    with ZoomSandbox(plan=None, users=users) as started:
        yield started


@pytest.fixture
def api(sb: ZoomSandbox) -> Api:
    return Api(sb)


def test_a_webinar_is_created_listed_read_changed_and_deleted_apart_from_meetings(
    sb: ZoomSandbox, api: Api
) -> None:
    made = api.create(WEBINAR)
    assert made.status_code == 201, made.text
    webinar = made.json()
    assert webinar["type"] == 5 and webinar["start_time"] == "2031-04-15T05:00:00Z"
    assert webinar["join_url"] and webinar["start_url"]
    listed = api.call("GET", f"/users/{HOST}/webinars", page_size=300).json()
    assert [item["id"] for item in listed["webinars"]] == [webinar["id"]]
    assert "meetings" not in listed
    assert api.call("GET", f"/users/{HOST}/meetings").json()["meetings"] == []
    assert api.call("GET", f"/meetings/{webinar['id']}").json()["code"] == 3001
    assert api.call("GET", f"/webinars/{webinar['id']}").json()["topic"] == "Onboarding webinar"
    change = schema_true("webinarUpdate", {"start_time": "2031-04-15T15:00:00"})
    assert api.call("PATCH", f"/webinars/{webinar['id']}", change).status_code == 204
    assert sb.webinars()[0]["start_time"] == "2031-04-15T06:00:00Z" and sb.meetings() == []
    assert api.call("DELETE", f"/webinars/{webinar['id']}").status_code == 204
    gone = api.call("GET", f"/webinars/{webinar['id']}")
    assert gone.status_code == 404 and gone.json()["message"].startswith("Webinar does not exist")


def test_a_host_without_the_webinar_addon_is_refused_in_zooms_words(
    sb: ZoomSandbox, api: Api
) -> None:
    refused = api.create(WEBINAR, user=NO_ADDON)
    assert refused.status_code == 400
    assert refused.json()["code"] == 200
    assert refused.json()["message"].startswith("Webinar plan is missing")
    assert sb.webinars() == []
    feature = api.call("GET", f"/users/{NO_ADDON}/settings").json()["feature"]
    assert feature["webinar"] is False and feature["webinar_capacity"] == 0
    assert api.call("GET", f"/users/{HOST}/settings").json()["feature"]["webinar"] is True


def test_a_schema_breaking_webinar_is_refused_with_the_field(api: Api) -> None:
    refused = api.call("POST", f"/users/{HOST}/webinars", {**WEBINAR, "type": 2})
    assert refused.status_code == 400
    assert [error["field"] for error in refused.json()["errors"]] == ["type"]


def test_panelists_are_added_listed_with_their_own_links_and_removed(
    sb: ZoomSandbox, api: Api
) -> None:
    webinar_id = api.create(WEBINAR).json()["id"]
    body = schema_true(
        "webinarPanelistCreate",
        {"panelists": [{"email": "ann@example.org", "name": "Ann Lee"}, {"email": "bo@x.org"}]},
    )
    added = api.call("POST", f"/webinars/{webinar_id}/panelists", body)
    assert added.status_code == 201 and added.json()["id"] == str(webinar_id)
    again = api.call("POST", f"/webinars/{webinar_id}/panelists", body)
    assert again.status_code == 201
    panelists = api.call("GET", f"/webinars/{webinar_id}/panelists").json()["panelists"]
    assert sorted(p["email"] for p in panelists) == ["ann@example.org", "bo@x.org"]
    assert len({p["join_url"] for p in panelists}) == 2
    ann = next(p for p in panelists if p["email"] == "ann@example.org")
    assert ann["name"] == "Ann Lee"
    assert api.call("DELETE", f"/webinars/{webinar_id}/panelists/{ann['id']}").status_code == 204
    assert [p["email"] for p in sb.panelists(webinar_id)] == ["bo@x.org"]
    missing = api.call("DELETE", f"/webinars/{webinar_id}/panelists/{ann['id']}")
    assert missing.status_code == 404


def test_registrants_batch_for_a_scheduled_webinar_one_a_call_for_a_series(
    sb: ZoomSandbox, api: Api
) -> None:
    single = api.create(WEBINAR).json()["id"]
    series = api.create(SERIES).json()["id"]
    people = [{"email": "a@x.org", "first_name": "A"}, {"email": "b@x.org", "first_name": "B"}]
    batch = schema_true("addBatchWebinarRegistrants", {"auto_approve": True, "registrants": people})
    made = api.call("POST", f"/webinars/{single}/batch_registrants", batch)
    assert made.status_code == 201, made.text
    links = [person["join_url"] for person in made.json()["registrants"]]
    assert len(set(links)) == 2
    refused = api.call("POST", f"/webinars/{series}/batch_registrants", batch)
    assert refused.status_code == 400 and "type 5" in refused.json()["message"]
    one = api.call(
        "POST", f"/webinars/{series}/registrants", schema_true("webinarRegistrantCreate", people[0])
    )
    assert one.status_code == 201 and one.json()["join_url"]
    assert [p["email"] for p in sb.registrants(series)] == ["a@x.org"]


def test_more_attendees_than_the_capacity_are_refused(api: Api) -> None:
    webinar_id = api.create(WEBINAR, user="small@example.com").json()["id"]
    people = [{"email": f"p{n}@x.org", "first_name": "P"} for n in range(3)]
    refused = api.call("POST", f"/webinars/{webinar_id}/batch_registrants", {"registrants": people})
    assert refused.status_code == 400 and refused.json()["code"] == 3043
    fits = api.call(
        "POST", f"/webinars/{webinar_id}/batch_registrants", {"registrants": people[:2]}
    )
    assert fits.status_code == 201


def test_webinar_creates_count_against_the_daily_limit_shared_with_meetings() -> None:
    with ZoomSandbox(plan=None, users=[HOST], daily_limit=2) as sb:
        api = Api(sb)
        meeting = {k: v for k, v in WEBINAR.items() if k != "type"} | {"type": 2}
        assert api.call("POST", f"/users/{HOST}/meetings", meeting).status_code == 201
        assert api.create(WEBINAR).status_code == 201
        spent = api.create({**WEBINAR, "topic": "Third"})
        assert spent.status_code == 429 and "daily rate limit" in spent.json()["message"]
        assert sb.daily_used(HOST) == 2
