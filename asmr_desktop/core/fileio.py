"""The one way the app writes a file: atomic, durable and readable by its owner only.

Every file the app writes holds health data or is derived from it (the data store, exports,
reports, frames, playlists, the analysis cache), so all of them go through
:func:`atomic_write_bytes`:

- a temporary file in the same folder, unique per writer (its name carries the process
  id), so two processes never share or delete each other's temporary files;
- mode 0600 from the moment it exists (``mkstemp``), whatever the umask;
- fsync of the file, rename over the target, fsync of the folder: a kill or power cut at any
  moment leaves the old file or the new one, whole;
- a symlink is written through: the link's target is replaced, the link stays a link.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import tempfile
from pathlib import Path

from asmr_desktop.core.errors import AsmrError

log = logging.getLogger(__name__)

#: Files hold health data: owner only.
FILE_MODE = 0o600
#: Suffix of every temporary file; with the prefix below, how stale ones are recognised.
TEMP_SUFFIX = ".tmp"


class FileWriteError(AsmrError, OSError):
    """A file could not be written; the old file, if any, is unchanged.

    Also an OSError (with the original ``errno`` and ``strerror``), so code that already
    handled the OSError of a failed write keeps working.
    """

    def __init__(self, path: Path, error: OSError) -> None:
        reason = error.strerror or str(error)
        advice = (
            "free some disk space and try again"
            if error.errno in (errno.ENOSPC, errno.EDQUOT)
            else "check that the folder exists and can be written"
        )
        self.message = f"Could not save {path}: {reason}. Nothing already saved was lost; {advice}."
        super().__init__(self.message)
        self.path = path
        self.errno = error.errno
        self.strerror = error.strerror

    def __str__(self) -> str:
        return self.message


def write_target(path: Path) -> Path:
    """The file really written for ``path``: a symlink's final target, else ``path`` itself."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def temp_prefix(target: Path) -> str:
    """``.NAME.PID.``: the start of this process's temporary files for ``target``."""
    return f".{target.name}.{os.getpid()}."


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` (or a symlink's target) with ``data``; FileWriteError on failure."""
    target = write_target(Path(path))
    folder = target.parent
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(target), suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise FileWriteError(target, exc) from exc
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise FileWriteError(target, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(folder)


def atomic_write_text(path: Path, text: str) -> None:
    """:func:`atomic_write_bytes` of ``text`` in UTF-8."""
    atomic_write_bytes(path, text.encode("utf-8"))


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (a power cut after it must not bring back the old file)."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(dir_fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(dir_fd)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - a process of another user
        return True
    return True


def remove_stale_temp_files(path: Path) -> int:
    """Delete temporary files of ``path`` left by killed writers; returns how many.

    A temporary file whose writer is still running is never touched: deleting it would make
    that writer's save fail (two processes on one folder did exactly that).
    """
    target = write_target(path)
    removed = 0
    for stale in target.parent.glob(f".{target.name}.*{TEMP_SUFFIX}"):
        pid_text = stale.name[len(target.name) + 2 :].split(".", 1)[0]
        if pid_text.isdigit() and _process_alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            stale.unlink()
            removed += 1
    if removed:
        log.info("removed %d stale temporary file(s) of %s", removed, target)
    return removed
