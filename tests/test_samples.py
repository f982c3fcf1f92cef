"""The committed samples are what ``samples/make_samples.py`` writes, byte for byte."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_make_samples_writes_the_committed_files(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_samples(tmp_path)
    written = sorted(path.name for path in tmp_path.iterdir())
    committed = sorted(
        path.name for path in SAMPLES.iterdir() if path.is_file() and path.suffix != ".py"
    )
    assert written == committed
    changed = [
        name for name in written if (tmp_path / name).read_bytes() != (SAMPLES / name).read_bytes()
    ]
    if changed:
        pytest.fail(f"regenerate with python samples/make_samples.py: {changed} differ")
