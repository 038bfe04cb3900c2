"""The data store every feature uses: tinydb over one JSON file that is never lost.

- Every write is atomic: a temporary file in the same folder, fsync, rename, fsync of the
  folder. A kill at any moment leaves either the old file or the new one.
- The file is readable by its owner only (0600): it holds health data.
- A file that is corrupt, the wrong shape or unreadable is never overwritten: it is moved
  aside with a timestamp, :attr:`Store.recovered` says where, and the store starts empty.
- The file carries a schema version; older files are migrated after a backup is kept.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from asmr_desktop.core.errors import StoreError

log = logging.getLogger(__name__)

#: Version of the data layout this code writes. Bump it and add a migration together.
SCHEMA_VERSION = 1
#: Every record carries the schema version it was written with under this key.
SCHEMA_KEY = "_schema"
#: The table that holds the file's own metadata.
META_TABLE = "_meta"
FILE_MODE = 0o600

Raw = dict[str, dict[str, dict[str, Any]]]
#: A migration turns the raw data of version N into version N + 1.
Migration = Callable[[Raw], Raw]
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CorruptStoreError(StoreError):
    """The data file cannot be used as it is (not JSON, wrong shape, unreadable)."""


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file, whole."""
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (a power cut after it must not bring back the old file)."""
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


def read_raw(path: Path) -> Raw | None:
    """The file's data, None when there is no file; CorruptStoreError when it is unusable."""
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CorruptStoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptStoreError(f"{path} is not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise CorruptStoreError(f"{path} does not hold tables (found {type(data).__name__})")
    for table_name, table in data.items():
        if not isinstance(table, dict) or not all(
            isinstance(doc_id, str) and doc_id.isdigit() and isinstance(doc, dict)
            for doc_id, doc in table.items()
        ):
            raise CorruptStoreError(f"{path}: table {table_name!r} has the wrong shape")
    return data


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class AtomicJSONStorage(Storage):
    """A tinydb storage that reads strictly and writes atomically with mode 0600.

    tinydb reads the whole file before every operation; the parsed data is kept and reused
    while the file's identity (inode, mtime, size) is unchanged, so years of diary data do
    not cost a parse per click. Every write replaces the file (a new inode), so a change
    made by another process is always seen.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._cached: Raw | None = None
        self._cached_identity: tuple[int, int, int] | None = None

    def read(self) -> Raw | None:
        identity = _identity(self._path)
        if identity is not None and identity == self._cached_identity:
            return self._cached
        data = read_raw(self._path)
        self._cached, self._cached_identity = data, identity
        return data

    def write(self, data: Raw) -> None:
        self.invalidate()
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            atomic_write_bytes(self._path, payload)
        except OSError as exc:
            raise StoreError(
                f"Could not save to {self._path}: {exc.strerror or exc}. "
                "Nothing already saved was lost; free some disk space or check the folder."
            ) from exc
        self._cached, self._cached_identity = data, _identity(self._path)

    def invalidate(self) -> None:
        """Forget the parsed data (after a failed operation it may differ from the file)."""
        self._cached = None
        self._cached_identity = None

    def close(self) -> None:
        """Nothing stays open between writes."""


@dataclass(frozen=True)
class Recovery:
    """What happened to an unusable data file, for the person to be told."""

    reason: str
    moved_to: Path

    def message(self) -> str:
        return (
            f"Your data file could not be read ({self.reason}). It was kept unchanged as "
            f"{self.moved_to} and the app started with an empty diary."
        )


class Store:
    """One tinydb database in one JSON file, with recovery and migrations."""

    def __init__(
        self,
        path: Path,
        *,
        migrations: Mapping[int, Migration] | None = None,
        clock: Clock = _utc_now,
    ) -> None:
        self.path = path
        self._clock = clock
        self._migrations: Mapping[int, Migration] = migrations or MIGRATIONS
        self.recovered: Recovery | None = None
        self.migrated_from: int | None = None
        self.backup: Path | None = None
        raw = self._load_or_recover()
        if raw is not None:
            self._migrate(raw)
        self._db = TinyDB(path, storage=AtomicJSONStorage)
        if raw is None:
            self._stamp_new_file()

    # -- opening ---------------------------------------------------------------------------
    def _remove_stale_temp_files(self) -> None:
        """A kill between creating and renaming a temp file leaves it behind; it is never data."""
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()

    def _load_or_recover(self) -> Raw | None:
        self._remove_stale_temp_files()
        try:
            return read_raw(self.path)
        except CorruptStoreError as exc:
            moved = self._move_aside("corrupt")
            self.recovered = Recovery(reason=str(exc), moved_to=moved)
            log.warning("data file unusable, kept as %s: %s", moved, exc)
            return None

    def _timestamp(self) -> str:
        return self._clock().strftime("%Y%m%d-%H%M%S")

    def _move_aside(self, label: str) -> Path:
        target = self.path.with_name(f"{self.path.name}.{label}-{self._timestamp()}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.{label}-{self._timestamp()}-{n}")
        try:
            self.path.rename(target)
        except OSError as exc:
            raise StoreError(
                f"The data file {self.path} cannot be read and cannot be moved aside "
                f"({exc.strerror or exc}). Move it away by hand; nothing was changed."
            ) from exc
        return target

    def _stamp_new_file(self) -> None:
        self._db.table(META_TABLE).insert({"schema_version": SCHEMA_VERSION})

    def _migrate(self, raw: Raw) -> None:
        version = file_schema_version(raw)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer version of ASMR Desktop (data version "
                f"{version}, this app knows {SCHEMA_VERSION}). Update the app; "
                "the file was left untouched."
            )
        if version == SCHEMA_VERSION:
            return
        backup = self.path.with_name(f"{self.path.name}.v{version}-backup-{self._timestamp()}")
        shutil.copy2(self.path, backup)
        backup.chmod(FILE_MODE)
        migrated = raw
        for step in range(version, SCHEMA_VERSION):
            migration = self._migrations.get(step)
            if migration is None:
                raise StoreError(f"No migration from data version {step}; {self.path} untouched.")
            migrated = migration(migrated)
        migrated.setdefault(META_TABLE, {})["1"] = {"schema_version": SCHEMA_VERSION}
        AtomicJSONStorage(self.path).write(migrated)
        self.migrated_from = version
        self.backup = backup
        log.info("migrated %s from version %d (backup %s)", self.path, version, backup)

    # -- use -------------------------------------------------------------------------------
    def table(self, name: str) -> Table:
        """A tinydb table; prefer :meth:`insert` so records carry the schema version."""
        return self._db.table(name)

    def insert(self, table: str, record: Mapping[str, Any]) -> int:
        with self._guard():
            doc_id: int = self._db.table(table).insert({**record, SCHEMA_KEY: SCHEMA_VERSION})
        return doc_id

    def update(self, table: str, doc_id: int, fields: Mapping[str, Any]) -> None:
        with self._guard():
            self._db.table(table).update({**fields, SCHEMA_KEY: SCHEMA_VERSION}, doc_ids=[doc_id])

    def get(self, table: str, doc_id: int) -> Document | None:
        doc: Document | None = self._db.table(table).get(doc_id=doc_id)
        return doc

    def remove(self, table: str, doc_id: int) -> None:
        with self._guard():
            self._db.table(table).remove(doc_ids=[doc_id])

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """A failed change may leave the cached data half-changed: forget it."""
        try:
            yield
        except BaseException:
            storage = self._db.storage
            if isinstance(storage, AtomicJSONStorage):
                storage.invalidate()
            raise

    def all(self, table: str) -> list[Document]:
        docs: list[Document] = self._db.table(table).all()
        return docs

    def __iter__(self) -> Iterator[str]:
        return iter(name for name in self._db.tables() if name != META_TABLE)

    def close(self) -> None:
        self._db.close()


def file_schema_version(raw: Raw) -> int:
    """The version a file was written with; files from before versioning count as 0."""
    meta = raw.get(META_TABLE, {}).get("1", {})
    version = meta.get("schema_version", 0)
    return version if isinstance(version, int) else 0


def _migrate_0_to_1(raw: Raw) -> Raw:
    """Version 0 (no metadata) to 1: every record gains its schema version."""
    return {
        name: {doc_id: {**doc, SCHEMA_KEY: 1} for doc_id, doc in table.items()}
        for name, table in raw.items()
    }


#: Migrations from version N to N + 1, applied in order when a file is opened.
MIGRATIONS: Mapping[int, Migration] = {0: _migrate_0_to_1}
