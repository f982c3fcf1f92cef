"""``python -m batch_zoom``: the only place that exits the process."""

import os
import sys

from .cli import main


def serve_page(**options: object) -> int:
    """``--ui``: the page, imported only when asked for (the command line starts faster)."""
    from .web import serve

    return serve(**options)  # type: ignore[arg-type]


def run() -> None:
    try:
        status = main(page=serve_page)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader of our output went away (``| head -1``): the batch itself is done and its
        # files are written, so say nothing more. Python's advice: point stdout at devnull so
        # the flush at exit cannot raise again. 141 is what a shell reports for SIGPIPE.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = 128 + 13
    sys.exit(status)


if __name__ == "__main__":
    run()
