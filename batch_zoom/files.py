"""Writing a file so that a reader, or a crash, sees the old one or the new one, never half.

Both the output workbook (``sheet``) and the report (``publish``) are written this way, and the
journal (``run``) says a failed write the same way: a full disk or the file-size limit is
``OutOfSpace``, which stops the run with one line, whatever file it happened to.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from .errors import OutOfSpace, OutputError
from .i18n import _

#: A temporary file older than this was left by a write that was interrupted (a write takes
#: seconds): a later run may remove it.
STALE_AFTER_SECONDS = 15 * 60
#: errno values that mean "no room": disk full, quota spent, file-size limit (RLIMIT_FSIZE).
_NO_ROOM = frozenset(
    code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None), errno.EFBIG) if code
)
# What tempfile.mkstemp puts between our prefix and suffix: 8 of [a-z0-9_].
_TEMPORARY_MIDDLE = r"\.[a-z0-9_]{8}\.tmp"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then move it into place in one step.

    A reader (or a crash) sees the old file or the new one, never half of one. A symlink stays
    a symlink: its target is written. What an earlier write of ``path`` killed midway left
    beside it is removed first. Raises OSError.
    """
    path = resolved(path)
    remove_stale_temporaries(path)
    temporary = durable_temporary(path, data, _file_mode(path))
    try:
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def durable_temporary(path: Path, data: bytes, mode: int) -> str:
    """A temporary file beside ``path`` holding ``data`` on disk, with ``mode``; its name.

    The caller moves it into place or removes it. Named as ``remove_stale_temporaries`` expects,
    so one a kill leaves behind is cleared by a later run. Raises OSError, leaving nothing.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


def resolved(path: Path) -> Path:
    """``path``, or the file it links to when it is a symlink (its target need not exist yet)."""
    path = Path(path)
    return path.resolve() if path.is_symlink() else path


def remove_stale_temporaries(
    path: Path, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> list[Path]:
    """Remove what interrupted writes of ``path`` left beside it; return what was removed.

    Only our own names (``.<name>.<8 characters>.tmp``, as ``write_atomically`` makes them), only
    regular files, only this user's, and only stale ones: a write in progress right now (a dry
    run does not lock the batch) is left alone.
    """
    path = resolved(path)
    pattern = re.compile(re.escape(f".{path.name}") + _TEMPORARY_MIDDLE)
    cutoff = now().timestamp() - STALE_AFTER_SECONDS
    removed: list[Path] = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or info.st_mtime > cutoff:
                continue
            if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def is_out_of_space(error: OSError) -> bool:
    return error.errno in _NO_ROOM


def reason_of(error: OSError) -> str:
    """What went wrong, in the system's words: ``no space left on device``."""
    return error.strerror.lower() if error.strerror else str(error) or type(error).__name__


def write_failure(message: str, error: OSError, *, hint: str) -> OutputError:
    """The error for a write that failed with ``error``; a full disk is its own."""
    if is_out_of_space(error):
        return OutOfSpace(message, hint=out_of_space_hint())
    return OutputError(message, hint=hint)


def out_of_space_hint() -> str:
    return _(
        "make room on the disk (or raise the file-size limit, ulimit -f), then run the same "
        "command again: the journal keeps every result, so nothing is made twice"
    )


def _file_mode(path: Path) -> int:
    # mkstemp makes a private (0600) file; give the output the mode a plain open() would.
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
