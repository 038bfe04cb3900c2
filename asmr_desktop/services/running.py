"""What one run of the app works with: every headless service, built once in app.py.

A plain record, so the window (and tests) receive the running services from the one place
that builds them instead of building their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from asmr_desktop.analysis.cache import AnalysisCache
from asmr_desktop.analysis.queue import AnalysisQueue
from asmr_desktop.audio.engine import Engine
from asmr_desktop.audio.worker import Player
from asmr_desktop.core.context import AppContext
from asmr_desktop.diary.service import Diary
from asmr_desktop.library.playlists import PlaylistStore
from asmr_desktop.services.listening import ListeningService
from asmr_desktop.services.prompts import PromptQueue
from asmr_desktop.services.sessions import SessionService


@dataclass
class Services:
    context: AppContext
    diary: Diary
    prompts: PromptQueue
    sessions: SessionService
    analysis_cache: AnalysisCache
    analysis: AnalysisQueue
    engine: Engine
    player: Player
    playlists: PlaylistStore
    listening: ListeningService

    def close(self) -> None:
        """Stop the threads (audio, analysis); the context is closed by its owner."""
        self.player.close()
        self.analysis.close()
