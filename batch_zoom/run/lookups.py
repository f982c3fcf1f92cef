"""Settings that need the account's answer: template names, tracking fields, sign-in options.

Before the first write, and only for what the rows ask: the templates of each host whose rows
name one (``GET /users/{host}/meeting_templates``), the authentication options of each host
whose rows ask for sign-in only (``GET /users/{host}/settings?option=meeting_authentication``),
and the account's tracking fields once (``GET /tracking_fields``), when the sheet has a
``tracking:`` column or a column that is not ours (its header may be a tracking field's name).
Every read goes through ``Session.call`` and so the shared pacer: no request per row.

The rules are in ``rows/settings.py``; this module fetches and hands over. A row whose template,
tracking value or sign-in option the account refuses becomes ``invalid`` with one line naming
the field. A read that fails (a missing scope, a plan without tracking fields, a Zoom error) is
one warning line for the batch, not an error per row: a template is then sent as written (Zoom
decides), sign-in only without the option id (Zoom applies the host's default option), and
tracking values are not sent (a later run sends them once the account can be read).

Pool rows take the first pool host's templates and options: ``template_id`` takes only account
admin templates (Meetings.json), the same for every host of the account.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from ..cells import is_empty, quote
from ..errors import ConnectionLost, ZoomError
from ..fields import field_label
from ..i18n import _
from ..models import InvalidRow, MeetingRequest
from ..rows.settings import authentication_option, check_tracking, resolve_template
from ..zoom.client import ZoomClient
from ..zoom.retry import Operation

Call = Callable[[Callable[[], Any], Operation], Any]
Runner = Callable[[Sequence[Callable[[], None]]], None]

#: Column header -> {row number: cell} for the sheet's columns that are not ours.
OtherColumns = Mapping[str, Mapping[int, Any]]


@dataclass
class Settled:
    """What the look-ups made of the rows: replaced requests, refusals, batch-wide lines."""

    plans: dict[int, MeetingRequest] = field(default_factory=dict)
    refused: dict[int, str] = field(default_factory=dict)  # row -> its whole message
    warnings: list[str] = field(default_factory=list)


def needs_lookups(plans: Sequence[MeetingRequest], other_columns: OtherColumns) -> bool:
    return bool(other_columns) or any(
        plan.template or plan.tracking or plan.settings.get("meeting_authentication")
        for plan in plans
    )


def settle_settings(
    call: Call,
    zoom: ZoomClient,
    plans: Sequence[MeetingRequest],
    *,
    host_of: Callable[[MeetingRequest], str],
    other_columns: OtherColumns,
    run_tasks: Runner,
) -> Settled:
    """Read what the rows need from Zoom (once per host, once for the account) and apply it."""
    settled = Settled()
    template_hosts = {host_of(plan).casefold(): host_of(plan) for plan in plans if plan.template}
    auth_hosts = {
        host_of(plan).casefold(): host_of(plan)
        for plan in plans
        if plan.settings.get("meeting_authentication")
    }
    wants_tracking = any(plan.tracking for plan in plans)
    templates: dict[str, list[dict[str, Any]] | str] = {}
    options: dict[str, list[dict[str, Any]] | str] = {}
    tracking: list[list[dict[str, Any]] | str] = []

    def read(into: dict[str, Any], key: str, send: Callable[[], Any]) -> None:
        into[key] = _answer(call, send)

    tasks: list[Callable[[], None]] = []
    for key, host in template_hosts.items():
        tasks.append(partial(read, templates, key, partial(zoom.list_templates, host)))
    for key, host in auth_hosts.items():
        tasks.append(partial(read, options, key, partial(zoom.get_authentication_options, host)))
    if wants_tracking or other_columns:
        tasks.append(lambda: tracking.append(_answer(call, zoom.list_tracking_fields)))
    run_tasks(tasks)

    fields: list[dict[str, Any]] | None = None
    if tracking and not isinstance(tracking[0], str):
        fields = tracking[0]
    elif tracking and wants_tracking:  # only a sheet that asks for tracking hears of it
        settled.warnings.append(
            _(
                "the account's tracking fields could not be read ({reason}); the tracking "
                "columns were not sent: add the scope tracking_fields:read:admin (or the "
                "granular tracking_field:read:list_tracking_fields:admin), or check that the "
                "account's plan has tracking fields, and run again"
            ).format(reason=tracking[0])
        )
    exact = _exact_columns(fields or [], other_columns)
    said: set[tuple[str, str]] = set()
    for plan in plans:
        key = host_of(plan).casefold()
        problems: list[str] = []
        changed = plan
        if plan.template:
            found = templates.get(key)
            if isinstance(found, list):
                try:
                    changed = replace(changed, template=resolve_template(plan.template, found))
                except ValueError as error:
                    problems.append(_named("template", str(error)))
            elif isinstance(found, str) and ("template", key) not in said:
                said.add(("template", key))
                settled.warnings.append(
                    _(
                        "the templates of {host} could not be read ({reason}); templates are "
                        "sent as written, as template ids"
                    ).format(host=host_of(plan), reason=found)
                )
        if plan.settings.get("meeting_authentication"):
            listed = options.get(key)
            if isinstance(listed, list):
                option = authentication_option(plan.settings, listed)
                if option is None:
                    problems.append(_no_option(plan, listed))
                else:
                    settings = {**plan.settings, "authentication_option": option}
                    changed = replace(changed, settings=settings)
            elif isinstance(listed, str) and ("auth", key) not in said:
                said.add(("auth", key))
                settled.warnings.append(
                    _(
                        "the sign-in options of {host} could not be read ({reason}); "
                        "sign-in only is sent without one, so Zoom applies the host's default"
                    ).format(host=host_of(plan), reason=listed)
                )
        given: dict[str, str | None] = {name: value or None for name, value in plan.tracking}
        for header, cells in exact.items():
            if header.casefold() not in {name.casefold() for name in given}:
                value = cells.get(plan.row)
                given[header] = None if is_empty(value) else " ".join(str(value).split())
        if fields is not None and given:
            values, wrong = check_tracking(given, fields)
            problems.extend(wrong)
            changed = replace(changed, tracking=values)
        elif fields is None and plan.tracking:
            changed = replace(changed, tracking=())  # not sent: the warning says why
        if problems:
            settled.refused[plan.row] = InvalidRow(plan.row, tuple(problems)).message
        elif changed is not plan:
            settled.plans[plan.row] = changed
    return settled


def _answer(call: Call, send: Callable[[], Any]) -> Any:
    """The answer, or why there is none (in words, for a warning line)."""
    try:
        return call(send, Operation.READ)
    except ZoomError as error:
        return error.describe()
    except ConnectionLost as error:
        return str(error)


def _exact_columns(
    fields: Sequence[Mapping[str, Any]], other_columns: OtherColumns
) -> dict[str, Mapping[int, Any]]:
    """The columns not ours whose header is exactly a tracking field's name."""
    names = {str(item.get("field") or "") for item in fields}
    return {header: cells for header, cells in other_columns.items() if header.strip() in names}


def _named(name: str, message: str) -> str:
    return field_label(name) + message.removeprefix("{field}")


def _no_option(plan: MeetingRequest, options: Sequence[Mapping[str, Any]]) -> str:
    shown = _(", ").join(quote(str(item.get("name") or item.get("type"))) for item in options)
    if plan.settings.get("authentication_domains"):
        return _(
            "{field}: {host} has no sign-in option for specified domains; its options: {names}"
        ).format(field=field_label("authentication"), host=plan.host, names=shown or "-")
    return _("{field}: {host} has no sign-in option; its options: {names}").format(
        field=field_label("authentication"), host=plan.host, names=shown or "-"
    )
