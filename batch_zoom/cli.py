"""The command line: argv -> Settings -> run_batch -> summary and exit status.

This is the only module that prints. It translates; the work is done in ``batch``.

Exit status: 0 every row is done (created, exists, updated, cancelled, planned, skipped); 1 some
row needs attention (invalid, failed, deferred, missing, pending); 2 nothing could be attempted
(input, settings or credentials); 3 an internal error (a bug); 130 interrupted with Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import secrets
import sys
import time
import traceback
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import __version__
from .cells import printable
from .config import (
    DEFAULT_RECHECK_SECONDS,
    Credentials,
    Settings,
    credentials_from,
    endpoints_from,
    local_timezone,
    output_path_for,
    read_environment,
)
from .errors import BatchZoomError, ConfigError, OutOfSpace
from .i18n import LANGUAGES, N_, _, argparse_speaks, choose_language, use_language
from .models import RegistrationStatus, Status, row_prefix
from .run.audit import duplicate_message
from .run.batch import BatchReport, UndoPlan, run_batch
from .summary import problem_lines

EXIT_OK, EXIT_ATTENTION, EXIT_UNUSABLE, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
SHOWN_PROBLEMS = 20

#: Batch-wide defaults for the per-row options: flag -> column it stands in for.
OPTION_FLAGS = {
    "--waiting-room": "waiting_room",
    "--join-before-host": "join_before_host",
    "--mute-upon-entry": "mute_upon_entry",
    "--host-video": "host_video",
    "--participant-video": "participant_video",
    "--auto-recording": "auto_recording",
    "--alternative-hosts": "alternative_hosts",
    "--reminder": "reminder",
}

#: Translated in ``build_parser``, once the language is chosen.
EPILOG = N_(
    """\
examples:
  python -m batch_zoom samples/meetings.xlsx --sandbox      try it without a Zoom account
  python -m batch_zoom december.xlsx                        -> december_scheduled.xlsx
  python -m batch_zoom december.csv --timezone Asia/Tokyo --user office@example.com
  python -m batch_zoom december.xlsx --dry-run              check the sheet, send nothing
  python -m batch_zoom december_scheduled.xlsx              apply edits and cancellations
  python -m batch_zoom december_scheduled.xlsx --undo       delete every meeting it lists

credentials: ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET (environment or ./.env),
from a Server-to-Server OAuth app with the scopes meeting:write:admin, meeting:read:admin
and user:read:admin (each host is checked before anything is sent); for webinars, also
webinar:write:admin and webinar:read:admin.
exit status: 0 all done, 1 some rows need attention, 2 nothing could be attempted,
3 internal error (a bug), 130 interrupted.
installed with pip, the same command is also batch-zoom (e.g. batch-zoom december.xlsx).
"""
)

#: What ``python -m batch_zoom`` with nothing after it says, instead of argparse's usage block.
NO_ARGUMENTS = N_(
    """batch_zoom: give it a spreadsheet of meetings, e.g. python -m batch_zoom december.xlsx
  try the sample without a Zoom account:  python -m batch_zoom samples/meetings.xlsx --sandbox
  or work in your browser:                python -m batch_zoom --ui
  every option:                           python -m batch_zoom --help"""
)


#: Japanese punctuation that may not begin a line, and brackets that may not end one.
NO_BREAK_BEFORE = "、。，．）」』】〕：；！？ー…ぁぃぅぇぉっゃゅょァィゥェォッャュョ,.:;!?)]"
NO_BREAK_AFTER = "（「『【〔"


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Wraps Japanese help by the columns it takes on a terminal.

    argparse's wrapping breaks only at spaces and counts characters: a Japanese sentence has few
    spaces and each of its characters takes two columns, so its lines ran far past the terminal.
    A Japanese line may break between any two characters (not before 、。）, not after （「).
    Help without wide characters is wrapped by argparse as before.
    """

    def _split_lines(self, text: str, width: int) -> list[str]:
        text = " ".join(text.split())
        if not any(_columns(character) == 2 for character in text):
            return super()._split_lines(text, width)
        pieces: list[str] = []
        for token in re.findall(r" +|[!-~]+|.", text):
            glued = pieces and (token[0] in NO_BREAK_BEFORE or pieces[-1][-1] in NO_BREAK_AFTER)
            if glued and token[0] != " " and pieces[-1][0] != " ":
                pieces[-1] += token
            else:
                pieces.append(token)
        lines, line = [], ""
        for piece in pieces:
            if line and sum(map(_columns, line + piece.rstrip())) > width:
                lines.append(line.rstrip())
                line = ""
            if line or piece[0] != " ":
                line += piece
        return [*lines, line.rstrip()] if line.strip() else lines


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        message = _("invalid float value: {value}").format(value=repr(text))
        raise argparse.ArgumentTypeError(message) from None


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        message = _("invalid int value: {value}").format(value=repr(text))
        raise argparse.ArgumentTypeError(message) from None


def _columns(character: str) -> int:
    return 2 if unicodedata.east_asian_width(character) in "WF" else 1


def build_parser() -> argparse.ArgumentParser:
    argparse_speaks()
    parser = argparse.ArgumentParser(
        prog="python -m batch_zoom",
        description=_(
            "Create the Zoom meetings listed in a spreadsheet and write their join links "
            "into a copy of it."
        ),
        epilog=_(EPILOG),
        formatter_class=_HelpFormatter,
    )
    # type=float and type=int go through these, so that a refused number reads in the language
    parser.register("type", float, _number)
    parser.register("type", int, _whole_number)
    parser.add_argument(
        "input",
        type=Path,
        metavar="INPUT",
        nargs="?",  # required, except with --ui (checked in main)
        help=_("the meetings: .xlsx, .xlsm or .csv (e.g. december.xlsx)"),
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="OUTPUT",
        help=_(
            "where to write the result (default: INPUT_scheduled beside it, e.g. "
            "december_scheduled.xlsx, or INPUT_sandbox with --sandbox; an output given as INPUT "
            "is updated in place)"
        ),
    )
    parser.add_argument(
        "--sheet",
        metavar="NAME",
        help=_("the worksheet to read (default: the first with the needed columns)"),
    )
    parser.add_argument(
        "--timezone",
        metavar="TZ",
        help=_("time zone for rows without one, e.g. Asia/Tokyo (default: this computer's zone)"),
    )
    parser.add_argument(
        "--user",
        metavar="USER",
        default=None,
        help=_(
            "host for rows without one: an email or Zoom user id, e.g. "
            "office@example.com (default: me, the app owner)"
        ),
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help=_("check every row and write the output with planned/invalid; send nothing to Zoom"),
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help=_(
            "read from Zoom what the batch needs (hosts, double bookings, meetings already "
            "there) and write the findings to INPUT_check, e.g. december_check.xlsx; create, "
            "change or delete nothing"
        ),
    )
    parser.add_argument(
        "--hosts",
        metavar="EMAILS",
        help=_(
            "a pool of hosts for rows without one, e.g. a@example.com,b@example.com "
            "(default: the workbook's Hosts sheet, if it has one)"
        ),
    )
    parser.add_argument(
        "--no-double-booking",
        action="store_true",
        help=_(
            "make a row whose host is already booked at that time invalid "
            "(default: create it with a note)"
        ),
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help=_(
            "run against a Zoom emulator on this computer; no account needed, "
            "the links are not real"
        ),
    )
    parser.add_argument(
        "--date-order",
        choices=("dmy", "mdy"),
        metavar="dmy|mdy",
        help=_(
            "how to read a date like 03/04/2027: dmy (3 April) or mdy (March 4); "
            "without it such a date is refused as ambiguous"
        ),
    )
    parser.add_argument(
        "--encoding",
        metavar="NAME",
        help=_(
            "CSV encoding, e.g. cp932 or cp1252 (default: detect UTF-8, UTF-8 with BOM, "
            "Shift_JIS/cp932, cp1252/latin-1 or UTF-16; when unsure, the run asks for this)"
        ),
    )
    parser.add_argument(
        "--rate",
        type=float,
        metavar="N",
        help=_(
            "requests per second at most (default: as fast as the account allows, found "
            "from Zoom's answers); e.g. --rate 10 leaves half a Pro account's quota to other apps"
        ),
    )
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help=_("requests in flight at most (default: what the rate and Zoom's answer time need)"),
    )
    parser.add_argument(
        "--lookup-wait",
        type=float,
        default=DEFAULT_RECHECK_SECONDS,
        metavar="SECONDS",
        help=_(
            "when a create got no clear answer and the meeting is not on Zoom yet, how long to "
            "wait before looking once more (Zoom may still be making it) and only then sending it "
            "again (default {seconds})"
        ).format(seconds=f"{DEFAULT_RECHECK_SECONDS:g}"),
    )
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help=_("no progress bar and only problems in the summary"),
    )
    parser.add_argument(
        "--report",
        type=Path,
        metavar="FILE.html",
        help=_("also write a summary page, e.g. --report december.html"),
    )
    parser.add_argument(
        "--undo", action="store_true", help=_("delete every meeting the file lists (asks first)")
    )
    parser.add_argument(
        "--yes", "-y", action="store_true", help=_("with --undo: do not ask for confirmation")
    )
    parser.add_argument(
        "--recreate-missing",
        action="store_true",
        help=_(
            "schedule again a row whose meeting was deleted in Zoom (default: report it as missing)"
        ),
    )
    parser.add_argument(
        "--remove-duplicates",
        action="store_true",
        help=_(
            "when Zoom holds a second meeting for a row (e.g. a late create), keep the oldest "
            "(the output moves to it) and delete only what this output's own creates made, "
            "if nobody registered (default: report it, exit 1)"
        ),
    )
    options = parser.add_argument_group(
        _("defaults for every row"),
        _("used where a row leaves the column empty; e.g. --waiting-room yes"),
    )
    for flag, column in OPTION_FLAGS.items():
        options.add_argument(
            flag, dest=f"default_{column}", metavar="VALUE", help=_option_help(column)
        )
    parser.add_argument(
        "--registrant-emails",
        choices=("yes", "no"),
        default="no",
        help=_(
            "whether Zoom itself emails each registered participant a confirmation with "
            "their link (default: no; batch_zoom sends no email)"
        ),
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help=_(
            "the language of messages, help, error notes and the summary "
            "(default: BATCH_ZOOM_LANG, else this computer's language; English otherwise)"
        ),
    )
    parser.add_argument(
        "--ui",
        action="store_true",
        help=_(
            "open a page in your web browser to do all of this without the command line "
            "(with --sandbox: try it without a Zoom account)"
        ),
    )
    parser.add_argument(
        "--port",
        type=int,
        metavar="N",
        help=_("with --ui: the port of the page on this computer (default: a free one)"),
    )
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help=_("with --ui: print the page's address but do not open a browser"),
    )
    parser.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--version",
        action="version",
        version=f"batch_zoom {__version__}",
        help=_("show program's version number and exit"),  # argparse's own default is English
    )
    return parser


def _language_flag(argv: Sequence[str]) -> str | None:
    """``--lang`` read ahead of the parser, whose own help must already be in that language."""
    for index, word in enumerate(argv):
        if word == "--":
            return None
        if word == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if word.startswith("--lang="):
            return word.split("=", 1)[1]
    return None


def _option_help(column: str) -> str:
    if column == "auto_recording":
        return _("none, local or cloud")
    if column == "alternative_hosts":
        return _("emails separated by ; or ,")
    if column == "reminder":
        return _("minutes before each event in the .ics: 15m, 1h, 1d")
    return _("yes or no")


def settings_from(args: argparse.Namespace, environment: dict[str, str]) -> Settings:
    timezone = args.timezone or local_timezone(environment)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(
            _("--timezone {value} is not a known time zone").format(value=repr(timezone)),
            hint=_("use an IANA name such as Asia/Tokyo or America/New_York"),
        ) from error
    if (args.rate is not None and args.rate <= 0) or (
        args.workers is not None and args.workers < 1
    ):
        raise ConfigError(_("--rate must be above 0 and --workers at least 1"))
    if not 0 <= args.lookup_wait <= 3600:
        raise ConfigError(_("--lookup-wait must be between 0 and 3600 seconds"))
    if not args.input.exists():
        raise ConfigError(
            _("{path} does not exist").format(path=args.input),
            hint=_("check the file name, or try samples/meetings.xlsx"),
        )
    api_url, oauth_url = endpoints_from(environment)
    needs_zoom = not args.dry_run and not args.sandbox
    credentials = credentials_from(environment) if needs_zoom else None
    output = output_path_for(args.input, args.output, sandbox=args.sandbox)
    schedule = None
    if args.check and not args.dry_run:
        # A check leaves every schedule alone: its findings go beside the input, INPUT_check,
        # and it reads (never writes) the journal of the schedule a real run would write.
        schedule = output
        named = args.output or args.input
        output = named.with_name(f"{named.stem}_check{named.suffix}")
    if (args.dry_run or args.check) and output.resolve() == args.input.resolve():
        # A dry run never overwrites the sheet it checks, not even its own earlier output; it
        # reads that sheet's journal, which knows what earlier runs made and cancelled.
        schedule = schedule or output
        suffix = "_dry_run" if args.dry_run else "_check"
        output = output.with_name(f"{output.stem}{suffix}{output.suffix}")
    hosts = tuple(h.strip() for h in (args.hosts or "").replace(";", ",").split(",") if h.strip())
    if any("@" not in host for host in hosts):
        raise ConfigError(
            _("--hosts {value} must list Zoom user emails").format(value=repr(args.hosts)),
            hint=_("separate them with commas, e.g. --hosts a@example.com,b@example.com"),
        )
    return Settings(
        input_path=args.input,
        output_path=output,
        sheet=args.sheet,
        encoding=args.encoding,
        timezone=timezone,
        timezone_is_the_computers=not args.timezone,
        user=args.user or "me",
        dry_run=args.dry_run,
        sandbox=args.sandbox,
        api_url=api_url,
        oauth_url=oauth_url,
        credentials=credentials,
        rate=args.rate,
        workers=args.workers,
        quiet=args.quiet,
        report_path=args.report,
        option_defaults={
            column: value
            for column in OPTION_FLAGS.values()
            if (value := getattr(args, f"default_{column}")) is not None
        },
        undo=args.undo,
        yes=args.yes,
        recreate_missing=args.recreate_missing,
        remove_duplicates=args.remove_duplicates,
        recheck_seconds=args.lookup_wait,
        check=args.check and not args.dry_run,
        hosts=hosts,
        no_double_booking=args.no_double_booking,
        schedule_path=schedule,
        date_order=args.date_order,
        registrant_emails=args.registrant_emails == "yes",
    )


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    sleep: Callable[[float], None] = time.sleep,
    page: Callable[..., int] | None = None,
) -> int:
    """Run the command; returns the exit status. ``sleep`` is injected by tests.

    ``page`` serves ``--ui`` (``__main__`` passes ``web.serve``: the command line never imports
    the page, its sibling front end); it is called with ``sandbox``, ``port``, ``open_browser``,
    ``language`` (--lang or BATCH_ZOOM_LANG; None lets the browser decide) and ``environment``.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    environment = read_environment()
    use_language(choose_language(_language_flag(argv), environment))
    if not argv:  # a first try: where to begin, not argparse's usage block and error
        print(_(NO_ARGUMENTS), file=sys.stderr)
        return EXIT_UNUSABLE  # what argparse exits with when INPUT is missing
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.ui:
        return _page(args, argv, environment, page)
    if args.input is None:
        parser.error(_("the following arguments are required: %s") % "INPUT")
    stdin = stdin or sys.stdin
    _survive_the_file_size_limit()
    try:
        settings = settings_from(args, environment)
        with _sandbox(settings) as settings:
            report = run_batch(
                settings,
                progress=_progress_bar(settings),
                confirm_undo=None if settings.yes else lambda plan: _confirm(plan, stdin),
                sleep=sleep,
                notify=_notice,
            )
    except BatchZoomError as error:
        _say(f"batch_zoom: {error}", error.hint)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        _say(
            _(
                "batch_zoom: interrupted; run the same command again to finish (the journal "
                "beside the output keeps what was done)"
            )
        )
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug: one line, the traceback only with --debug
        if args.debug:  # a value from a cell may be in it: escaped like every other line
            for line in traceback.format_exc().splitlines():
                print(printable(line), file=sys.stderr)
        _say(
            _("batch_zoom: internal error: {kind}: {error}").format(
                kind=type(error).__name__, error=error
            ),
            _("this is a bug in batch_zoom; re-run with --debug and report what it prints"),
        )
        return EXIT_BUG
    return _summarize(report, settings)


def _page(
    args: argparse.Namespace,
    argv: Sequence[str],
    environment: dict[str, str],
    page: Callable[..., int] | None,
) -> int:
    if page is None:
        _say(_("batch_zoom: the page is not available here; run python -m batch_zoom --ui"))
        return EXIT_UNUSABLE
    language = _language_flag(argv) or environment.get("BATCH_ZOOM_LANG", "").strip() or None
    try:
        return page(
            sandbox=args.sandbox,
            port=args.port,
            open_browser=not args.no_browser,
            language=language,
            environment=environment,
        )
    except BatchZoomError as error:
        _say(f"batch_zoom: {error}", error.hint)
        return EXIT_UNUSABLE


def _summarize(report: BatchReport, settings: Settings) -> int:
    if report.cancelled_by_user:
        print(_("nothing was deleted"))
        return EXIT_OK
    out = _Echo(sys.stdout)
    for warning in report.warnings:
        _say(_("batch_zoom: warning: {warning}").format(warning=warning))
    if settings.dry_run and not settings.quiet:
        print(_("how the columns were read:"), file=out)
        for reading in report.table.readings:
            print(f"  {reading.describe()}", file=out)
        if report.default_zone:
            print(f"  {report.default_zone}", file=out)
    problems = [result for result in report.results if result.status.needs_attention]
    lines = problem_lines(problems)
    for line, _rows in lines[:SHOWN_PROBLEMS]:
        print(line, file=out)
    if len(lines) > SHOWN_PROBLEMS:
        print(
            _(
                "... and {count} more rows that need attention (see the status and error columns)"
            ).format(count=sum(rows for _line, rows in lines[SHOWN_PROBLEMS:])),
            file=out,
        )
    people_problems = [person for person in report.registrations if person.status.needs_attention]
    for person in people_problems[:SHOWN_PROBLEMS]:
        print(
            person.error
            if person.error.startswith(("row ", row_prefix(person.row)))
            else _("row {row}: participant {email}: {status}: {error}").format(
                row=person.row, email=person.email, status=person.status.value, error=person.error
            ),
            file=out,
        )
    counts = report.counts
    parts = [f"{counts[status]} {status.value}" for status in Status if counts[status]]
    if not settings.quiet or problems:
        print(
            _("{count} rows: {tally}").format(
                count=len(report.results), tally=_(", ").join(parts) or _("nothing to do")
            ),
            file=out,
        )
    if report.default_zone and not settings.quiet and not settings.dry_run:
        print(report.default_zone, file=out)
    if report.receipt is not None:
        for duplicate in report.receipt.duplicates:
            print(duplicate_message(duplicate), file=out)
        for line in report.receipt.problems.values():
            print(line, file=out)
        print(report.receipt.line(), file=out)
    if report.registrations and (not settings.quiet or people_problems):
        tally = Counter(person.status for person in report.registrations)
        print(
            _("{count} participants: {tally}").format(
                count=len(report.registrations),
                tally=_(", ").join(
                    f"{tally[status]} {status.value}"
                    for status in RegistrationStatus
                    if tally[status]
                ),
            ),
            file=out,
        )
    if report.output_error is not None:
        _say(f"batch_zoom: {report.output_error}", report.output_error.hint)
    elif report.output_path is not None and not settings.quiet:
        print(_("wrote {path}").format(path=report.output_path), file=out)
    if settings.report_path is not None and not settings.quiet:
        print(_("wrote {path}").format(path=settings.report_path), file=out)
    if report.participants_path is not None and not settings.quiet:
        print(
            _("wrote {path} (each participant's own join link)").format(
                path=report.participants_path
            ),
            file=out,
        )
    if report.calendar_path is not None and not settings.quiet:
        print(
            _("wrote {path} (calendar file for participants)").format(path=report.calendar_path),
            file=out,
        )
    if settings.sandbox:
        print(
            _(
                "sandbox: these meetings exist only in the emulator on this computer; the links "
                "are not real"
            ),
            file=out,
        )
        if not settings.dry_run:
            print(
                _(
                    "sandbox: any well-formed host email is taken as a user here; a run on Zoom "
                    "checks every host first"
                ),
                file=out,
            )
    if report.interrupted:
        _say(_("batch_zoom: interrupted; run the same command again to finish the remaining rows"))
        return EXIT_INTERRUPTED
    if isinstance(report.output_error, OutOfSpace):
        return EXIT_UNUSABLE  # the disk is full: the journal has the results, nothing else does
    if report.output_error is not None:
        return EXIT_ATTENTION
    return EXIT_ATTENTION if report.needs_attention else EXIT_OK


def _confirm(plan: UndoPlan, stdin: TextIO) -> bool:
    print(printable(plan.describe()))
    if not stdin.isatty():  # a script: say so with exit 2 rather than pretend all went well
        raise ConfigError(
            _("--undo needs a yes and there is no terminal to ask at: nothing was deleted"),
            hint=_("add --yes to delete without asking"),
        )
    print(_("Delete them? [y/N] "), end="", flush=True)
    return _is_yes(stdin.readline())


#: What confirms a deletion, whatever the language: a Japanese user may type はい at an English
#: prompt or y at a Japanese one. Anything else (an empty line too) keeps the meetings.
YES_ANSWERS = ("y", "yes", "はい")


def _is_yes(answer: str) -> bool:
    """y, yes or はい; typed full-width (ｙｅｓ, from a Japanese input method) they count too."""
    return unicodedata.normalize("NFKC", answer).strip().casefold() in YES_ANSWERS


@contextlib.contextmanager
def _sandbox(settings: Settings) -> Iterator[Settings]:
    """With --sandbox: start the emulator on a free port and point the run at it."""
    if not settings.sandbox or settings.dry_run:
        yield settings
        return
    from .sandbox import ZoomSandbox

    credentials = Credentials("sandbox-account", "sandbox-client", secrets.token_urlsafe(16))
    # The sandbox the schedule was made in: a --check of it reads that one (its findings go to
    # INPUT_check, whose own sandbox would be empty and call every meeting missing).
    schedule = settings.schedule_path or settings.output_path
    state = schedule.with_name(schedule.name + ".sandbox.json")
    with ZoomSandbox(
        account_id=credentials.account_id,
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
        state_path=state,
    ) as sandbox:
        yield replace(
            settings,
            api_url=sandbox.api_url,
            oauth_url=sandbox.oauth_url,
            credentials=credentials,
            settle_seconds=0.2,
            recheck_seconds=min(settings.recheck_seconds, 0.5),  # it makes meetings at once
        )


class _Bar:
    """The progress bar on a terminal: rows done out of total, the rate and the time left."""

    def __init__(self) -> None:
        self._bar: Any = None

    def start(self, total: int) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=total, unit=_("row"), file=sys.stderr, leave=False)

    def advance(self, rows: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(rows)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _progress_bar(settings: Settings) -> _Bar | None:
    if settings.quiet or not sys.stderr.isatty():
        return None
    return _Bar()


def _notice(line: str) -> None:
    """A line while the run goes on (waiting for Zoom), above the progress bar if there is one."""
    from tqdm import tqdm

    tqdm.write(printable(f"batch_zoom: {line}"), file=sys.stderr)


def _say(line: str, hint: str = "") -> None:
    print(printable(line), file=sys.stderr)
    if hint:
        print(printable(f"hint: {hint}"), file=sys.stderr)


class _Echo:
    """A stream whose every write is ``printable``: a cell can never drive the terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        # print() ends its line with a write of its own; a line break inside a value is escaped.
        end = "\n" if text.endswith("\n") else ""
        return self._stream.write(printable(text.removesuffix("\n")) + end)

    def flush(self) -> None:
        self._stream.flush()


def _survive_the_file_size_limit() -> None:
    """Past ``ulimit -f`` a write fails with EFBIG instead of SIGXFSZ killing the process.

    Then a full file ends the run with one line and the journal intact, like a full disk. The
    python command already ignores SIGXFSZ at start-up; a program embedding Python may not.
    """
    import signal

    if hasattr(signal, "SIGXFSZ"):
        with contextlib.suppress(ValueError):  # not the main thread (an embedding program)
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
