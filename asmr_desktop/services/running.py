"""What one run of the app works with: every headless service, built once in app.py.

Plain records, so the window (and tests) receive the running services from the one place
that builds them instead of building their own. The start is in two phases (issue 18):
the :class:`Shell` (store, settings, diary, prompts, sessions, the stored playlists) is all
the first frame needs; the :class:`Services` add the engine, the player and the analysis,
whose imports (numpy, soundfile, soxr) come after that frame. Nothing heavy is imported
here at run time, so the shell stays light.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from asmr_desktop.core.context import AppContext
from asmr_desktop.diary.service import Diary
from asmr_desktop.library.listing import Listing
from asmr_desktop.services.prompts import PromptQueue
from asmr_desktop.services.sessions import SessionService

if TYPE_CHECKING:
    from asmr_desktop.analysis.cache import AnalysisCache
    from asmr_desktop.analysis.queue import AnalysisQueue
    from asmr_desktop.audio.engine import Engine
    from asmr_desktop.audio.worker import Player
    from asmr_desktop.library.playlists import PlaylistStore
    from asmr_desktop.services.listening import ListeningService


@dataclass
class Shell:
    """The light services: enough to paint the window and keep the diary."""

    context: AppContext
    diary: Diary
    prompts: PromptQueue
    sessions: SessionService
    #: The stored playlists as the first frame shows them.
    listing: Listing


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
