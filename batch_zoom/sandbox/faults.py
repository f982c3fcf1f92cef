"""Faults a test can plant in the sandbox: dropped connections, 5xx answers, 429s, slow answers,
creates that Zoom makes late, bent bodies, redirects and malformed listing items.

A fault names the requests it hits (method, a substring of the path), how many of them it lets pass
first (``after``) and how many it hits (``times``). The server asks ``FaultBook.take`` once per
request, before doing anything, so two threads never both consume the last hit of a fault.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

FAULT_KINDS = frozenset(
    {
        "drop_before",
        "drop_after",
        "error_before",
        "error_after",
        "rate_limit",
        "delay",
        "late",
        "bent_after",
        "strip_after",
        "junk_items",
        "redirect",
    }
)


@dataclass
class Fault:
    """One planted failure.

    kind:
      ``drop_before``  read the request, do nothing, close the socket without answering
      ``drop_after``   act (create the meeting...), then close the socket without answering
      ``error_before`` answer ``status`` (a 5xx) without acting
      ``error_after``  act, then answer ``status`` anyway
      ``rate_limit``   answer a per-second 429 without acting (``Retry-After`` only if given)
      ``delay``        act normally but wait ``delay`` seconds before answering
      ``late``         accept a create, hold the answer until the client gives up (its read
                       timeout) or 5 s pass, and make the meeting ``delay`` seconds of sandbox
                       clock after the request came. The hold does not move the sandbox clock
                       (tests give the client a tiny read timeout), so ``delay`` stands for the
                       time Zoom took past the client's timeout: with a 30 s read timeout in
                       life, ``delay=5`` is a meeting made 35 s after it was sent.
                       A guess at Zoom: its forum reports creates that answer late or not at all
                       and meetings that appear afterwards; how late is not documented.
      ``bent_after``   act, then answer ``status`` with ``body`` as it is (HTML, ``{not json``,
                       ``[1,2]``, or nothing): what a proxy or a failing Zoom front end may send
      ``strip_after``  act, then answer without the top-level ``fields`` (also removed from every
                       item of a listing's ``meetings``)
      ``junk_items``   act, then add ``items`` (numbers, strings, nulls) to a listing's ``meetings``
      ``redirect``     answer ``status`` (301, 302, 307...) with ``Location: location``, not acting
    method/path: which requests it hits (path is a substring of the request path); None = any.
      With path None only API requests (under /v2) are hit; /oauth/token only when path says so.
    """

    kind: str
    method: str | None = "POST"
    path: str | None = None
    times: int = 1
    status: int = 500
    retry_after: int | str | None = None
    delay: float = 0.0
    after: int = 0
    body: str | None = None  # bent_after: the raw body (None: no body at all)
    content_type: str = "text/html; charset=utf-8"  # bent_after
    fields: tuple[str, ...] = ()  # strip_after
    items: tuple[object, ...] = ()  # junk_items
    location: str = "https://elsewhere.invalid/v2/"  # redirect
    # bookkeeping, not part of the caller's description
    seen: int = field(default=0, compare=False)
    hits: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {sorted(FAULT_KINDS)}")
        if self.times < 0 or self.after < 0:
            raise ValueError("times and after must not be negative")

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.path is None:
            return path.startswith("/v2/") or path == "/v2"
        return self.path in path

    @property
    def spent(self) -> bool:
        return self.hits >= self.times


class FaultBook:
    """The planted faults, consumed in the order they were planted."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The fault that hits this request, if any (counting it as seen by every matching one)."""
        with self._lock:
            chosen: Fault | None = None
            for fault in self._faults:
                if fault.spent or not fault.matches(method, path):
                    continue
                fault.seen += 1
                if chosen is None and fault.seen > fault.after:
                    fault.hits += 1
                    chosen = fault
            self._faults = [f for f in self._faults if not f.spent]
            return chosen
