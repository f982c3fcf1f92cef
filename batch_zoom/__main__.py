"""``python -m batch_zoom``: the only place that exits the process."""

import sys

from .cli import main


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
