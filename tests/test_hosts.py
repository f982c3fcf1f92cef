"""Pure host rules, by table: profiles, passcode policy, double bookings, the pool."""

from datetime import UTC, datetime, timedelta

import pytest

from batch_zoom.models import MeetingRequest, Recurrence
from batch_zoom.rows.hosts import (
    HostProfile,
    assign_hosts,
    basic_warning,
    bookings_of,
    bookings_on_zoom,
    double_bookings,
    host_refusal,
    own_meetings,
    passcode_problem,
)

T0 = datetime(2030, 1, 7, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo


def plan(row: int, host: str = "a@x.com", at: int = 0, duration: int = 60, **kw: object):
    return MeetingRequest(
        row=row,
        host=host,
        topic=f"Topic {row}",
        start=T0 + timedelta(minutes=at),
        timezone="Asia/Tokyo",
        duration=duration,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("user", "settings", "refusal"),
    [
        (None, None, "not a user on this Zoom account"),
        ({"email": "a@x.com", "type": 2, "status": "inactive"}, {}, "inactive"),
        ({"email": "a@x.com", "type": 2, "status": "pending"}, {}, "pending"),
        ({"email": "a@x.com", "type": 2, "status": "active"}, {}, None),
        ({"email": "a@x.com", "type": 1, "status": "active"}, None, None),
    ],
)
def test_host_refusal(user, settings, refusal):
    found = host_refusal(HostProfile.from_zoom("a@x.com", user, settings))
    assert (found is None) if refusal is None else (refusal in str(found))


@pytest.mark.parametrize(
    ("passcode", "policy", "rule"),
    [
        ("abc", {"length": 6}, "at least 6 characters"),
        ("abcdef", {"length": 6}, None),
        ("12ab", {"only_allow_numeric": True}, "numbers only"),
        ("1234", {"only_allow_numeric": True}, None),
        ("1234", {"have_letter": True}, "a letter"),
        ("abcd", {"have_number": True}, "a number"),
        ("abc1", {"have_special_character": True}, "a special character"),
        ("ab-1", {"have_special_character": True}, None),
        ("abc1", {"have_upper_and_lower_characters": True}, "upper and lower"),
        ("aBc1", {"have_upper_and_lower_characters": True}, None),
        ("x", {}, None),
    ],
)
def test_passcode_policy(passcode, policy, rule):
    found = passcode_problem(passcode, policy)
    assert (found is None) if rule is None else (rule in str(found))


def test_settings_policy_is_read_from_schedule_meeting():
    settings = {"schedule_meeting": {"meeting_password_requirement": {"length": 8}}}
    profile = HostProfile.from_zoom("a@x.com", {"email": "a@x.com", "type": 2}, settings)
    assert profile.passcode_policy == {"length": 8}


@pytest.mark.parametrize(
    ("licence", "duration", "warned"), [(1, 41, True), (1, 40, False), (2, 90, False)]
)
def test_basic_users_long_meetings_are_warned(licence, duration, warned):
    profile = HostProfile("a@x.com", licence=licence)
    warning = basic_warning(profile, duration)
    assert (warning is not None) == warned
    if warned:
        assert "40 minutes" in str(warning) and "Basic" in str(warning)


def test_overlaps_within_the_sheet_name_the_other_row_and_times():
    notes = double_bookings(
        [plan(2), plan(3, at=30), plan(4, at=90), plan(5, host="b@x.com", at=0)], {}
    )
    assert set(notes) == {2, 3}  # row 4 starts as row 3 ends; row 5: another host
    assert "row 3 (2030-01-07 10:30-11:30 Asia/Tokyo)" in notes[2]
    assert "row 2 (2030-01-07 10:00-11:00 Asia/Tokyo)" in notes[3]


def test_hosts_are_compared_without_case():
    assert set(double_bookings([plan(2, host="A@x.com"), plan(3, host="a@X.com")], {})) == {2, 3}


def test_overlap_with_a_meeting_on_zoom_names_it():
    listing = [{"id": 99, "topic": "Board", "start_time": "2030-01-07T01:45:00Z", "duration": 30}]
    on_zoom = {"a@x.com": bookings_on_zoom(listing, "Asia/Tokyo")}
    notes = double_bookings([plan(2), plan(3, at=120)], on_zoom)
    assert list(notes) == [2]
    assert 'meeting 99 "Board" already on Zoom (2030-01-07 10:45-11:15 Asia/Tokyo)' in notes[2]


def test_a_rows_own_meeting_on_zoom_is_not_a_double_booking():
    rows = [plan(2), plan(3, at=120, meeting_id="77")]
    listing = [
        {"id": 1, "topic": "Topic 2", "start_time": "2030-01-07T01:00:00Z", "duration": 60},
        {"id": 77, "topic": "Old", "start_time": "2030-01-07T03:00:00Z", "duration": 60},
        {"id": 8, "topic": "Other", "start_time": "2030-01-07T03:30:00Z", "duration": 60},
    ]
    others = own_meetings(listing, "a@x.com", rows)
    assert [m["id"] for m in others] == [8]


def test_every_occurrence_of_a_series_is_a_booking():
    weekly = plan(2, recurrence=Recurrence(type=2, weekly_days="2", end_times=3))
    starts = [b.start for b in bookings_of(weekly)]
    assert starts == [T0, T0 + timedelta(days=7), T0 + timedelta(days=14)]
    notes = double_bookings([weekly, plan(3, at=14 * 24 * 60 + 30)], {})
    assert set(notes) == {2, 3}


def test_nine_rows_in_three_slots_spread_over_three_hosts_without_double_booking():
    rows = [plan(n, host="", at=(n % 3) * 60) for n in range(2, 11)]
    chosen = assign_hosts(rows, ["a@x", "b@x", "c@x"], {}, {})
    assert None not in chosen.values()
    per_slot: dict[int, set[str | None]] = {}
    for row in rows:
        per_slot.setdefault(row.row % 3, set()).add(chosen[row.row])
    assert all(len(hosts) == 3 for hosts in per_slot.values())  # each slot: three hosts
    assert sorted(list(chosen.values()).count(h) for h in ("a@x", "b@x", "c@x")) == [3, 3, 3]


def test_the_pool_avoids_meetings_on_zoom_and_spent_hosts():
    busy = {"a@x": [b for b in bookings_of(plan(90, host="a@x"))]}
    chosen = assign_hosts(
        [plan(2, host=""), plan(3, host="", at=300)], ["a@x", "b@x"], busy, {"b@x": 1}
    )
    assert chosen == {2: "b@x", 3: "a@x"}


def test_a_row_no_host_can_take_gets_none():
    chosen = assign_hosts([plan(2, host=""), plan(3, host="")], ["a@x"], {}, {})
    assert chosen == {2: "a@x", 3: None}
