"""Issue 24: the traps of a new user's first hour, each shown as the user meets it."""

from __future__ import annotations

import pytest

from batch_zoom.cli import main


def test_no_arguments_is_a_short_hint_to_the_sample_the_page_and_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == 2  # as argparse exits for a missing INPUT
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) <= 5
    assert "usage:" not in err and "error:" not in err
    assert "python -m batch_zoom samples/meetings.xlsx --sandbox" in err
    assert "--ui" in err
    assert "python -m batch_zoom --help" in err


def test_no_arguments_reads_japanese(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATCH_ZOOM_LANG", "ja")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "python -m batch_zoom samples/meetings.xlsx --sandbox" in err
    assert "サンプル" in err


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_help_names_every_scope_and_the_batch_zoom_command(
    capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help", "--lang", lang])
    assert exited.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for scope in ("meeting:write:admin", "meeting:read:admin", "user:read:admin"):
        assert scope in text
    assert "batch-zoom december.xlsx" in text
