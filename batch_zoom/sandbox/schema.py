"""Zoom's own request-body schemas (meeting_schemas.json, webinar_schemas.json), checked with
jsonschema. Both are extracts of Zoom's Meetings API OpenAPI file (SOURCE.md beside them).

The schemas are OpenAPI 3.0 Schema Objects, not plain JSON Schema. Differences handled here:
- ``nullable: true`` becomes "or null" (none in the current extract; kept for a future re-extract);
- ``format`` is not enforced: ``start_time`` says ``date-time``, yet Zoom documents and accepts
  ``yyyy-MM-ddTHH:mm:ss`` without an offset, so rules.py checks start times itself;
- ``readOnly``/``writeOnly``/``example``/``x-*`` are annotations only, which jsonschema ignores;
- ``recurrence.weekly_days`` is declared as an enum of one day ("1".."7"), but the same field's
  description (and Zoom) take a comma-separated list such as "1,3": the enum is relaxed to that.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft7Validator

SCHEMA_FILES = ("meeting_schemas.json", "webinar_schemas.json")
WEEKLY_DAYS_PATTERN = r"^[1-7](,[1-7])*$"


def _openapi_to_jsonschema(node: Any) -> Any:
    if isinstance(node, list):
        return [_openapi_to_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _openapi_to_jsonschema(value) for key, value in node.items()}
    if converted.pop("nullable", False) is True:
        declared = converted.get("type")
        if isinstance(declared, str):
            converted["type"] = [declared, "null"]
        if "enum" in converted:
            converted["enum"] = [*converted["enum"], None]
    return converted


def _relax_weekly_days(schema: dict[str, Any]) -> None:
    recurrence = schema.get("properties", {}).get("recurrence", {})
    weekly_days = recurrence.get("properties", {}).get("weekly_days")
    if isinstance(weekly_days, dict) and "enum" in weekly_days:
        del weekly_days["enum"]
        weekly_days["pattern"] = WEEKLY_DAYS_PATTERN


@cache
def raw_schemas() -> dict[str, Any]:
    """The files as shipped, by operation: ``meetingCreate``, ``meetingUpdate``,
    ``webinarCreate``, ``webinarUpdate``, ``webinarPanelistCreate``, ``addBatchWebinarRegistrants``,
    ``webinarRegistrantCreate`` (each file's ``_source`` under ``_source.<file name>``)."""
    loaded: dict[str, Any] = {"_source": {}}
    for name in SCHEMA_FILES:
        text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
        extract: dict[str, Any] = json.loads(text)
        loaded["_source"][name] = extract.pop("_source")
        loaded.update(extract)
    return loaded


@cache
def validator(operation: str) -> Draft7Validator:
    """A validator for one of the operations of ``raw_schemas``."""
    schema = _openapi_to_jsonschema(copy.deepcopy(raw_schemas()[operation]))
    _relax_weekly_days(schema)
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)  # no format_checker: formats are annotations here


def invalid_fields(operation: str, body: Any) -> list[str]:
    """Dotted names of the fields that break the schema, in document order, without repeats."""
    fields: list[str] = []
    for error in sorted(
        validator(operation).iter_errors(body), key=lambda e: [str(p) for p in e.path]
    ):
        parts = [str(part) for part in error.absolute_path if not isinstance(part, int)]
        if error.validator == "required" and isinstance(error.message, str):
            missing = error.message.split("'")[1] if "'" in error.message else ""
            parts.append(missing)
        name = ".".join(p for p in parts if p) or "body"
        if name not in fields:
            fields.append(name)
    return fields
