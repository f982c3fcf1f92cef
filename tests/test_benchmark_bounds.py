"""The bound benchmarks/throughput.py prints beside each case (``least_walls``), worked by hand.

Not a timing test: the function is arithmetic over a case's rows, hosts, limit and latency.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "throughput.py"


@pytest.fixture(scope="module")
def throughput() -> ModuleType:
    spec = importlib.util.spec_from_file_location("throughput_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["throughput_bench"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_one_second_latency_cannot_reach_the_target_even_bursting(throughput: ModuleType) -> None:
    case = next(c for c in throughput.CASES if c.latency == 1.0)
    burst, even = throughput.least_walls(case)
    # token 1 s; 600 creates + 32 listings, all Medium at 20 a second: the last create is request
    # 631 of 632, in the 32nd second (31 s after the first); its answer and its listing: 2 s
    assert burst == pytest.approx(1.0 + 31 + 2.0)
    assert even == pytest.approx(1.0 + 630 / 20 + 2.0)
    assert case.rows / case.limit / burst < throughput.TARGET_FRACTION


def test_creates_metered_as_light_wait_for_their_hosts_listing(throughput: ModuleType) -> None:
    case = next(c for c in throughput.CASES if c.limit == 80)
    burst, even = throughput.least_walls(case)
    # token and listing (2 x 150 ms), 600 Light creates at 80 a second, then answer and listing
    assert burst == pytest.approx(0.3 + 7 + 0.3)
    assert even == pytest.approx(0.3 + 599 / 80 + 0.3)


def test_issue_27s_one_second_case_cannot_reach_its_target_at_our_pace(
    throughput: ModuleType,
) -> None:
    case = next(c for c in throughput.CASES_27 if c.latency == 1.0)
    api = case.rows + 3 * case.hosts  # the creates; a look-up and two listings per host
    floor = (api + 1) / case.limit + case.latency  # the token too, and one latency
    assert floor == pytest.approx(18.45)
    # token 1 s; the last create is call 347 of 348, 346 intervals after the first; its answer
    # and the receipt's listing of its host: 2 s. Evenly at exactly 20 a second, instant start:
    assert throughput.least_wall_27(case, api) == pytest.approx(1 + 346 / 20 + 2)
    assert floor / throughput.least_wall_27(case, api) == pytest.approx(0.909, abs=0.001)
    # at our pace (98.5% of the limit) it is under 0.90 before Python has started
    at_pace = throughput.least_wall_27(case, api, throughput.HEADROOM)
    assert floor / at_pace < throughput.TARGET_FRACTION
