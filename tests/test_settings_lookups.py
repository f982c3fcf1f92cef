"""Templates, tracking fields and sign-in only: read once from the account, refused by row."""

from pathlib import Path

import pytest
from conftest import Sleeps, settings_for, write_csv

from batch_zoom.models import Status
from batch_zoom.rows.settings import (
    authentication_option,
    check_tracking,
    parse_authentication,
    resolve_template,
)
from batch_zoom.run.batch import run_batch
from batch_zoom.sandbox import ZoomSandbox

TEMPLATES = [{"id": "tpl-1", "name": "Lecture"}, {"id": "tpl-2", "name": "Office hours"}]
FIELDS = [
    {"field": "Course code", "required": True, "recommended_values": ["MATH101", "PHYS201"]},
    {"field": "Term", "required": False, "recommended_values": []},
]


@pytest.mark.parametrize(
    ("written", "expected"), [("Lecture", "tpl-1"), ("office  HOURS", "tpl-2"), ("tpl-2", "tpl-2")]
)
def test_a_template_is_found_by_name_or_id(written: str, expected: str) -> None:
    assert resolve_template(written, TEMPLATES) == expected


def test_an_unknown_template_lists_the_names_that_exist() -> None:
    with pytest.raises(ValueError, match='"Seminar" is not a template.*"Lecture", "Office hours"'):
        resolve_template("Seminar", TEMPLATES)


@pytest.mark.parametrize(
    ("given", "sent", "problem"),
    [
        ({"Course code": "math101"}, (("Course code", "MATH101"),), None),
        (
            {"course CODE": "PHYS201", "Term": "Spring"},
            (("Course code", "PHYS201"), ("Term", "Spring")),
            None,
        ),
        ({"Course code": None}, (), 'is required and empty (allowed: "MATH101", "PHYS201")'),
        (
            {"Course code": "CHEM1"},
            (),
            '"CHEM1" is not one of the allowed values: "MATH101", "PHYS201"',
        ),
        (
            {"Colour": "red"},
            (),
            'is not a tracking field of the account; its fields are "Course code", "Term"',
        ),
        ({"Term": None}, (), None),
    ],
)
def test_tracking_values_are_checked_against_the_accounts_fields(
    given: dict[str, str | None], sent: tuple[tuple[str, str], ...], problem: str | None
) -> None:
    values, problems = check_tracking(given, FIELDS)
    assert values == sent
    assert (problems[0] if problems else None) == problem or problem in problems[0]


@pytest.mark.parametrize(
    ("cell", "settings"),
    [
        ("signed-in", {"meeting_authentication": True}),
        ("サインイン", {"meeting_authentication": True}),
        (
            "u-tokyo.ac.jp, @MS.u-tokyo.ac.jp",
            {
                "meeting_authentication": True,
                "authentication_domains": "u-tokyo.ac.jp,ms.u-tokyo.ac.jp",
            },
        ),
        ("", None),
    ],
)
def test_sign_in_only_reads_signed_in_or_domains(cell: str, settings: object) -> None:
    assert parse_authentication(cell) == settings


@pytest.mark.parametrize("cell", ["anyone", "yes", "u-tokyo"])
def test_unknown_sign_in_words_are_refused(cell: str) -> None:
    with pytest.raises(ValueError, match='is not "signed-in" nor a list of domains'):
        parse_authentication(cell)


def test_the_option_is_the_hosts_option_of_that_kind() -> None:
    options = [
        {"id": "a", "type": "enforce_login"},
        {"id": "b", "type": "enforce_login_with_domains"},
    ]
    assert authentication_option({"meeting_authentication": True}, options) == "a"
    assert authentication_option({"authentication_domains": "x.org"}, options) == "b"
    assert authentication_option({"authentication_domains": "x.org"}, options[:1]) is None


HEADER = ["topic", "start_time", "duration", "host", "template", "tracking: Course code", "認証"]


def test_bad_templates_tracking_values_and_sign_in_are_refused_with_row_and_field(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    sandbox.account.templates = TEMPLATES
    sandbox.account.tracking_fields = FIELDS
    sandbox.account.auth_options = [{"id": "only-signin", "type": "enforce_login"}]
    rows = [
        ["Good", "2030-06-01 10:00", 30, "a@example.com", "Lecture", "MATH101", "signed-in"],
        ["Bad template", "2030-06-01 11:00", 30, "a@example.com", "Seminar", "MATH101", ""],
        ["Bad value", "2030-06-01 12:00", 30, "b@example.com", "", "CHEM1", ""],
        ["Empty required", "2030-06-01 13:00", 30, "b@example.com", "", "", ""],
        ["Bad domain option", "2030-06-01 14:00", 30, "b@example.com", "", "PHYS201", "x.org"],
        ["Bad word", "2030-06-01 15:00", 30, "b@example.com", "", "PHYS201", "everyone"],
    ]
    report = run_batch(settings_for(sandbox, write_csv(tmp_path / "m.csv", rows, HEADER)))
    statuses = [result.status for result in report.results]
    assert statuses == [Status.CREATED] + [Status.INVALID] * 5, report.results
    errors = [result.error for result in report.results[1:]]
    assert errors[0].startswith('row 3: template "Seminar" is not a template of the host')
    assert '"Lecture", "Office hours"' in errors[0]
    assert errors[1] == (
        'row 4: tracking field "Course code" "CHEM1" is not one of the allowed values: '
        '"MATH101", "PHYS201"'
    )
    assert errors[2] == (
        'row 5: tracking field "Course code" is required and empty (allowed: "MATH101", "PHYS201")'
    )
    assert errors[3].startswith(
        "row 6: authentication: b@example.com has no sign-in option for specified domains"
    )
    assert errors[4].startswith('row 7: authentication "everyone" is not "signed-in"')
    # read once per host (templates, sign-in options) and once for the account (tracking)
    assert sandbox.count("GET", "/meeting_templates") == 1  # only a@ names a template
    assert sandbox.count("GET", "/settings") == 2  # a@ and b@ ask for sign-in only
    assert sandbox.count("GET", "/tracking_fields") == 1
    assert len(sandbox.meetings()) == 1


def test_an_account_without_tracking_fields_is_one_line_not_an_error_per_row(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    sandbox.account.tracking_fields = None  # the plan has none
    rows = [[f"M{n}", f"2030-06-0{n + 1} 10:00", 30, "MATH101"] for n in range(3)]
    header = ["topic", "start_time", "duration", "トラッキング: Course code"]
    report = run_batch(settings_for(sandbox, write_csv(tmp_path / "m.csv", rows, header)))
    assert [result.status for result in report.results] == [Status.CREATED] * 3
    lines = [line for line in report.warnings if "tracking fields could not be read" in line]
    assert len(lines) == 1, report.warnings
    assert all("tracking_fields" not in meeting for meeting in sandbox.meetings())


def test_a_sheet_without_tracking_hears_nothing_of_an_account_without_it(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    sandbox.account.tracking_fields = None
    rows = [["M", "2030-06-01 10:00", 30, "my own note"]]
    header = ["topic", "start_time", "duration", "Notes"]
    report = run_batch(settings_for(sandbox, write_csv(tmp_path / "m.csv", rows, header)))
    assert report.results[0].status is Status.CREATED
    assert report.warnings == []


def test_an_unknown_template_id_is_refused_before_any_write(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    sandbox.account.templates = TEMPLATES
    rows = [["M", "2030-06-01 10:00", 30, "tpl-9"], ["N", "2030-06-01 11:00", 30, "tpl-1"]]
    header = ["topic", "start_time", "duration", "テンプレート"]
    report = run_batch(settings_for(sandbox, write_csv(tmp_path / "m.csv", rows, header)))
    assert [result.status for result in report.results] == [Status.INVALID, Status.CREATED]
    assert '"tpl-9" is not a template of the host' in report.results[0].error
    assert sandbox.count("POST") == 1 + 1  # the token and the one create


def test_the_sandbox_refuses_a_template_the_account_lacks_as_zoom_would(
    sandbox: ZoomSandbox, tmp_path: Path
) -> None:
    """Templates unreadable (a Zoom error on the listing): sent as written, and Zoom's refusal
    of an unknown id comes back as the row's failure; one line says the templates were not read."""
    from batch_zoom.sandbox import Fault

    sandbox.account.templates = TEMPLATES
    sandbox.inject(
        Fault(
            "bent_after",
            method="GET",
            path="/meeting_templates",
            status=400,
            body='{"code": 300, "message": "Templates are not available."}',
            content_type="application/json",
        )
    )
    rows = [["M", "2030-06-01 10:00", 30, "tpl-9"], ["N", "2030-06-01 11:00", 30, "tpl-1"]]
    header = ["topic", "start_time", "duration", "template"]
    report = run_batch(settings_for(sandbox, write_csv(tmp_path / "m.csv", rows, header)))
    assert [result.status for result in report.results] == [Status.FAILED, Status.CREATED]
    assert "template_id" in report.results[0].error
    assert sum("templates of me could not be read" in line for line in report.warnings) == 1


def test_a_lookup_refused_for_the_rate_is_paced_and_asked_again(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps
) -> None:
    """The look-ups go through the shared pacer and the retry policy like every other call."""
    from batch_zoom.sandbox import Fault

    sandbox.account.templates = TEMPLATES
    sandbox.inject(Fault("rate_limit", method="GET", path="/meeting_templates", retry_after=2))
    rows = [["M", "2030-06-01 10:00", 30, "Lecture"]]
    header = ["topic", "start_time", "duration", "template"]
    report = run_batch(
        settings_for(sandbox, write_csv(tmp_path / "m.csv", rows, header)),
        sleep=sleeps,
        clock=sleeps.clock,
    )
    assert report.results[0].status is Status.CREATED
    assert sandbox.count("GET", "/meeting_templates", status=429) == 1
    assert sandbox.count("GET", "/meeting_templates", status=200) == 1
    assert any(wait >= 2 for wait in sleeps.waits), sleeps.waits
    assert report.warnings == []
