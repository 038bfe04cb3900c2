"""What one run of the app works with, built once in app.py and passed down (no singletons)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from asmr_desktop.core.paths import AppPaths
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.core.store import Store


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class AppContext:
    """Paths, the data store, settings and the clock of this run."""

    paths: AppPaths
    store: Store
    settings: SettingsStore
    clock: Callable[[], datetime] = field(default=utc_now)

    @classmethod
    def open(cls, paths: AppPaths, clock: Callable[[], datetime] = utc_now) -> AppContext:
        """Create the folders and open the store; raises DataDirError or StoreError."""
        paths.ensure()
        store = Store(paths.store_file, clock=clock)
        return cls(paths=paths, store=store, settings=SettingsStore(store), clock=clock)

    def close(self) -> None:
        self.store.close()
