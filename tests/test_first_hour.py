"""Issue 24: the traps of a new user's first hour, each shown as the user meets it."""

from __future__ import annotations

import itertools
import re
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import Sleeps, meeting_rows, settings_for, write_csv

from batch_zoom.cli import main
from batch_zoom.errors import ZoomUnreachable
from batch_zoom.run.batch import run_batch
from batch_zoom.sandbox import ZoomSandbox


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


# -- never silent for long: Zoom's token answers and its API does not, or nothing answers ------


def closed_port_url(path: str) -> str:
    """An address on this computer where nothing listens: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


@pytest.mark.parametrize("unreachable", ["api", "both"])
def test_a_zoom_that_does_not_answer_is_said_within_seconds_and_given_up_in_a_minute(
    sandbox: ZoomSandbox, tmp_path: Path, sleeps: Sleeps, unreachable: str
) -> None:
    api_url = closed_port_url("/v2")
    oauth_url = sandbox.oauth_url if unreachable == "api" else closed_port_url("/oauth/token")
    path = write_csv(tmp_path / "in.csv", meeting_rows(6, hosts=3))
    settings = settings_for(sandbox, path, api_url=api_url, oauth_url=oauth_url)
    heard: list[tuple[float, str]] = []
    began = sleeps.now
    with pytest.raises(ZoomUnreachable) as raised:
        run_batch(
            settings,
            sleep=sleeps,
            clock=sleeps.clock,
            notify=lambda line: heard.append((sleeps.now - began, line)),
        )
    silent_host = urlsplit(api_url if unreachable == "api" else oauth_url).netloc
    assert raised.value.host == silent_host
    assert sleeps.now - began <= 65  # given up within about a minute, not ten
    first_at, first = heard[0]
    assert first_at <= 2  # said within seconds
    assert re.fullmatch(
        rf"waiting for Zoom: no answer from {re.escape(silent_host)}, retrying in \d+ s", first
    )
    times = [at for at, _line in heard]
    assert all(later - earlier >= 5 for earlier, later in itertools.pairwise(times))
    assert not settings.output_path.exists()  # no receipt, no results that were not seen
    assert sandbox.meetings() == []


def test_the_command_line_says_it_waits_and_exits_2_with_a_hint_and_no_receipt(
    zoom_env: ZoomSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ZOOM_API_URL", closed_port_url("/v2"))
    path = write_csv(tmp_path / "in.csv", meeting_rows(3))
    assert main([str(path)], sleep=lambda seconds: None) == 2  # it was 1, after 10 minutes
    out, err = capsys.readouterr()
    assert "waiting for Zoom: no answer from 127.0.0.1:" in err
    assert "gave up and sent nothing more" in err and "\nhint: check that this computer" in err
    assert "verified on Zoom" not in out + err
    assert zoom_env.meetings() == []
