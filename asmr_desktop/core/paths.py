"""Where the app keeps its files: the platform's user folders, or everything under --data-dir."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from asmr_desktop import APP_ID
from asmr_desktop.core.errors import DataDirError

#: Folders hold health data: owner only.
DIR_MODE = 0o700


@dataclass(frozen=True)
class AppPaths:
    """The folders of one run. Created with owner-only permissions by :meth:`ensure`."""

    data_dir: Path
    log_dir: Path
    cache_dir: Path

    @classmethod
    def under(cls, root: Path) -> AppPaths:
        """Everything (data, settings, logs, caches) below one folder, as ``--data-dir`` asks."""
        root = root.expanduser().absolute()
        return cls(data_dir=root, log_dir=root / "logs", cache_dir=root / "cache")

    @classmethod
    def platform_default(cls) -> AppPaths:
        """The platform's user folders (XDG on Linux)."""
        return cls(
            data_dir=Path(platformdirs.user_data_dir(APP_ID, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_ID, appauthor=False)),
            cache_dir=Path(platformdirs.user_cache_dir(APP_ID, appauthor=False)),
        )

    @property
    def store_file(self) -> Path:
        return self.data_dir / "asmr-desktop.json"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "asmr-desktop.log"

    def ensure(self) -> None:
        """Create the folders (owner-only) and check they can be written; raise DataDirError."""
        for folder in (self.data_dir, self.log_dir, self.cache_dir):
            ensure_writable_dir(folder)


def ensure_writable_dir(folder: Path) -> None:
    """Create ``folder`` with mode 0700 if needed and prove it is writable."""
    if folder.exists() and not folder.is_dir():
        raise DataDirError(
            f"{folder} exists but is not a folder. Choose another place with --data-dir."
        )
    try:
        folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(
            f"Cannot create the folder {folder}: {exc.strerror or exc}. "
            "Choose another place with --data-dir, or fix its permissions."
        ) from exc
    # Really write a file: os.access() says yes to root even on a read-only file system.
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-check-", dir=folder)
        os.close(fd)
        Path(probe).unlink()
    except OSError as exc:
        raise DataDirError(
            f"The folder {folder} cannot be written: {exc.strerror or exc}. "
            "Choose another place with --data-dir, or fix its permissions."
        ) from exc
