"""Shared fixtures."""

from collections.abc import Iterator

import pytest

from batch_zoom.sandbox import ZoomSandbox


@pytest.fixture
def sandbox() -> Iterator[ZoomSandbox]:
    """A started Zoom sandbox on a free localhost port (default settings), stopped afterwards."""
    with ZoomSandbox() as started:
        yield started
