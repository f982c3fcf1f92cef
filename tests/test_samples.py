"""The committed samples are what ``samples/make_samples.py`` writes, byte for byte.

Only the committed files are compared: the README's first command runs the sample and leaves its
outputs in ``samples/`` (``meetings_sandbox.xlsx``, its ``.ics``, the sandbox's state), and those
are the user's, not the samples'. "Committed" is what git tracks in ``samples/`` when this is a
git checkout; without git (an unpacked archive), every file the script writes is still compared
with the one beside it.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _write_samples(folder: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_samples(folder)


def committed_samples(folder: Path = SAMPLES) -> list[str] | None:
    """The sample files git tracks in ``folder`` (without the script), or None without git."""
    if shutil.which("git") is None:
        return None
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--", "."],
        cwd=folder,
        capture_output=True,
        check=False,
    )
    if listing.returncode != 0:  # not a git checkout
        return None
    names = [name for name in listing.stdout.decode("utf-8").split("\0") if name]
    return sorted(name for name in names if "/" not in name and not name.endswith(".py"))


def test_make_samples_writes_the_committed_files(tmp_path: Path) -> None:
    _write_samples(tmp_path)
    written = sorted(path.name for path in tmp_path.iterdir())
    committed = committed_samples()
    if committed is not None:
        assert written == committed
    missing = [name for name in written if not (SAMPLES / name).is_file()]
    assert not missing, f"regenerate with python samples/make_samples.py: {missing} missing"
    changed = [
        name for name in written if (tmp_path / name).read_bytes() != (SAMPLES / name).read_bytes()
    ]
    if changed:
        pytest.fail(f"regenerate with python samples/make_samples.py: {changed} differ")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_run_s_outputs_beside_the_samples_are_not_samples(tmp_path: Path) -> None:
    """What the README's first command leaves in samples/ does not count as a sample."""
    folder = tmp_path / "samples"
    folder.mkdir()
    _write_samples(folder)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "samples"], cwd=tmp_path, check=True)
    for leftover in (
        "meetings_sandbox.xlsx",
        "meetings_sandbox.ics",
        "meetings_sandbox.xlsx.sandbox.journal",
        "meetings_sandbox.xlsx.sandbox.json",
    ):
        (folder / leftover).write_bytes(b"a user's run")
    written = sorted(path.name for path in tmp_path.joinpath("samples").iterdir())
    assert "meetings_sandbox.xlsx" in written
    committed = committed_samples(folder)
    assert committed is not None
    assert "meetings_sandbox.xlsx" not in committed
    assert "meetings.xlsx" in committed
