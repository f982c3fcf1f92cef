"""Zoom's time, learned from the ``Date`` header of its first answer.

A computer whose clock is days off refuses valid rows as "in the past" (or lets past ones through,
which Zoom then quietly starts "now") and waits for the wrong midnight after a daily limit. Zoom's
clock is the one that counts: the first answer (the token request) carries it in ``Date``. When
the two differ by more than ``TOLERANCE``, the run warns and uses Zoom's time for both; within it,
the computer's own clock is kept (``Date`` has one-second resolution and rides on network delay).
"""

from __future__ import annotations

import email.utils
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

TOLERANCE = timedelta(minutes=5)


class ZoomClock:
    """``now`` by Zoom's clock once an answer has shown it is far from the computer's."""

    def __init__(self, local: Callable[[], datetime]) -> None:
        self._local = local
        self._lock = threading.Lock()
        self._offset: timedelta | None = None  # Zoom's time minus ours, from the first answer

    def observe(self, headers: Mapping[str, str]) -> None:
        """Read the ``Date`` of an answer; only the first readable one counts."""
        if self._offset is not None:
            return
        zoom_time = parse_http_date(headers.get("Date"))
        if zoom_time is None:
            return
        with self._lock:
            if self._offset is None:
                self._offset = zoom_time - self._local()

    @property
    def skew(self) -> timedelta | None:
        """How far Zoom's clock is ahead of ours (negative: behind); None before any answer."""
        return self._offset

    @property
    def skewed(self) -> bool:
        return self._offset is not None and abs(self._offset) > TOLERANCE

    def now(self) -> datetime:
        local = self._local()
        offset = self._offset
        return local + offset if offset is not None and abs(offset) > TOLERANCE else local


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP ``Date`` (RFC 9110, e.g. ``Tue, 01 Dec 2026 10:00:00 GMT``) as UTC, or None."""
    if not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # "-0000": UTC by RFC 5322
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
