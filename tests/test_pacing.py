"""The pacer: evenly spaced slots, slower after a 429, capped by Zoom's announced limit."""

from __future__ import annotations

import pytest

from batch_zoom.zoom.pacing import Pacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 6))
        self.now += seconds


def test_slots_are_evenly_spaced_without_a_burst() -> None:
    clock = FakeClock()
    pacer = Pacer(10, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        pacer.wait_turn()
    assert clock.waits == [0.1, 0.1, 0.1, 0.1]  # the first goes at once, then 1/rate apart


def test_a_429_slows_down_and_pushes_the_next_slot_past_retry_after() -> None:
    clock = FakeClock()
    pacer = Pacer(10, clock=clock, sleep=clock.sleep)
    pacer.wait_turn()
    pacer.throttle(retry_after=2.0)
    assert pacer.rate == pytest.approx(8.0) and pacer.throttled == 1
    pacer.wait_turn()
    assert clock.waits == [2.0]


def test_successes_bring_the_rate_back_but_not_past_the_target() -> None:
    pacer = Pacer(10)
    pacer.throttle()
    for _ in range(200):
        pacer.succeeded()
    assert pacer.rate == pytest.approx(10.0)


def test_an_announced_limit_below_our_rate_caps_it() -> None:
    pacer = Pacer(30)
    pacer.succeeded(limit=20)
    assert pacer.rate == pytest.approx(19.0)
    pacer.succeeded(limit=80)  # a higher limit never raises us past what the user asked for
    assert pacer.rate == pytest.approx(19.0)


def test_the_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Pacer(0)
