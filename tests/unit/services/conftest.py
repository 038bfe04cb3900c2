"""Services on a real store in a temporary folder, with a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.core.store import Store
from asmr_desktop.diary.service import Diary
from asmr_desktop.services.prompts import Prompt, PromptQueue
from asmr_desktop.services.sessions import SessionService
from tests.helpers.clock import FakeClock


class Screen:
    """Stands in for the window: records each prompt it is asked to show."""

    def __init__(self) -> None:
        self.shown: list[Prompt] = []

    def __call__(self, prompt: Prompt) -> None:
        self.shown.append(prompt)

    @property
    def last(self) -> Prompt:
        return self.shown[-1]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[Store]:
    s = Store(tmp_path / "db.json", clock=clock)
    yield s
    s.close()


@pytest.fixture
def settings(store: Store) -> SettingsStore:
    s = SettingsStore(store)
    s.update(ask_before_session=False)
    return s


@pytest.fixture
def diary(store: Store, clock: FakeClock) -> Diary:
    return Diary(store, clock)


@pytest.fixture
def screen() -> Screen:
    return Screen()


@pytest.fixture
def queue(diary: Diary, screen: Screen) -> PromptQueue:
    return PromptQueue(diary, screen)


@pytest.fixture
def sessions(
    diary: Diary, settings: SettingsStore, queue: PromptQueue, clock: FakeClock
) -> SessionService:
    # The monotonic clock moves with the test's clock (unless a test sets the wall back).
    return SessionService(diary, settings, queue, monotonic=lambda: clock.now.timestamp())
