"""What one run of the app works with, built once in app.py and passed down (no singletons).

One process writes a data folder at a time: :class:`DataFolderLock` is an exclusive
``flock`` on a file in the folder, held by the window for its whole life and by a command
for its writes. A command that only reads (``export``) while the window runs gets a
read-only snapshot instead: the window replaces the file atomically, so any moment's file
is whole and consistent.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from asmr_desktop.core.errors import StoreError
from asmr_desktop.core.fileio import FILE_MODE
from asmr_desktop.core.paths import AppPaths
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.core.store import Notice, Store

log = logging.getLogger(__name__)

LOCK_NAME = ".asmr-desktop.lock"


def utc_now() -> datetime:
    return datetime.now(UTC)


class DataFolderBusyError(StoreError):
    """Another ASMR Desktop process holds the data folder."""


class DataFolderLock:
    """An exclusive lock on one data folder (``flock``; released when the process ends)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock at once, or raise DataFolderBusyError naming the holder."""
        if self._fd is not None:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as exc:
            raise StoreError(
                f"Cannot lock the data folder {self.path.parent}: {exc.strerror or exc}. "
                "Check the folder's permissions, or choose another with --data-dir."
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise DataFolderBusyError(
                f"ASMR Desktop is already using the data folder {self.path.parent}"
                f"{f' (process {holder})' if holder.isdigit() else ''}. Use that window, "
                "or close it first; --data-dir chooses another folder."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing the descriptor releases the flock
        self._fd = None


@dataclass
class AppContext:
    """Paths, the data store, settings and the clock of this run."""

    paths: AppPaths
    store: Store
    settings: SettingsStore
    clock: Callable[[], datetime] = field(default=utc_now)
    lock: DataFolderLock | None = None

    @classmethod
    def open(cls, paths: AppPaths, clock: Callable[[], datetime] = utc_now) -> AppContext:
        """The window's context: the folder's lock for its life, then the store.

        Raises DataFolderBusyError when another process holds the folder (the caller hands over
        to the running window), DataDirError or StoreError.
        """
        paths.ensure()
        lock = DataFolderLock(paths.data_dir)
        lock.acquire()
        try:
            return cls._build(paths, clock, lock, read_only=False)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def open_for_command(
        cls, paths: AppPaths, clock: Callable[[], datetime] = utc_now, *, write: bool
    ) -> AppContext:
        """A command's context. ``write``: the lock, or DataFolderBusyError while a window runs;
        otherwise the lock when free, else a read-only snapshot.

        Damage is never silent: when the data file had to be kept aside, this raises a
        StoreError naming the kept file (the command exits non-zero) and the notice waits
        for the next window.
        """
        paths.ensure()
        lock = DataFolderLock(paths.data_dir)
        try:
            lock.acquire()
        except DataFolderBusyError:
            if write:
                raise
            return cls._build(paths, clock, None, read_only=True)
        try:
            context = cls._build(paths, clock, lock, read_only=False)
        except BaseException:
            lock.release()
            raise
        recovered = context.store.recovered
        if recovered is not None:
            context.close()
            raise StoreError(f"{recovered.message()} Nothing else was done; run it again.")
        return context

    @classmethod
    def _build(
        cls,
        paths: AppPaths,
        clock: Callable[[], datetime],
        lock: DataFolderLock | None,
        *,
        read_only: bool,
    ) -> AppContext:
        store = Store(paths.store_file, clock=clock, read_only=read_only)
        return cls(paths=paths, store=store, settings=SettingsStore(store), clock=clock, lock=lock)

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    def unseen_notices(self) -> list[Notice]:
        """What the window must show at start (kept-aside files, set-aside records)."""
        return self.store.unseen_notices()

    def notice_seen(self, notice: Notice) -> None:
        """The person saw ``notice``: it is not shown again."""
        self.store.mark_notice_seen(notice.key)

    def close(self) -> None:
        self.store.close()
        if self.lock is not None:
            self.lock.release()
