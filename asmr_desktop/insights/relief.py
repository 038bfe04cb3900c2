"""Relief (pain before minus pain after) by source and by mode, with 95 % intervals.

A session's sources are the titles it played (it counts for each: "sessions that
included it"), or its playlist name when it has no titles. Only sessions with both a
before and an after rating have a relief. Fewer than ``MIN_RATED`` of them: too few to tell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from asmr_desktop.diary.model import Mode, Session
from asmr_desktop.insights.stats import MeanCI, mean_ci

#: Below this many rated sessions a mean says little: the interval is wider than the scale's
#: useful range and one odd evening moves it a lot.
MIN_RATED = 5
TOO_FEW = "too few to tell"
MODE_NAMES = {Mode.AUDIO: "sound", Mode.VISUAL: "visual only", Mode.REST: "rest, no sound"}


@dataclass(frozen=True)
class ReliefGroup:
    """Relief in one group of sessions."""

    name: str
    stats: MeanCI

    @property
    def n(self) -> int:
        return self.stats.n

    @property
    def enough(self) -> bool:
        return self.stats.n >= MIN_RATED


def sources(session: Session) -> list[str]:
    """What a session played: its item titles (once each), else its playlist name."""
    titles = list(dict.fromkeys(t.strip() for t in session.items if t.strip()))
    if titles:
        return titles
    return [session.playlist.strip()] if session.playlist.strip() else []


def _groups(named: dict[str, list[float]]) -> list[ReliefGroup]:
    groups = [ReliefGroup(name, mean_ci(values)) for name, values in named.items()]
    # Most evidence first, then best relief, then name: a stable, useful order.
    groups.sort(key=lambda g: (-g.n, -(g.stats.mean or 0.0), g.name.casefold()))
    return groups


def relief_by_source(sessions: Iterable[Session]) -> list[ReliefGroup]:
    """ASMR sessions (sound or visual) grouped by what they played; rest has no source."""
    named: dict[str, list[float]] = defaultdict(list)
    for s in sessions:
        relief = s.relief
        if relief is None or s.mode is Mode.REST:
            continue
        for name in sources(s):
            named[name].append(float(relief))
    return _groups(named)


def relief_by_mode(sessions: Iterable[Session]) -> list[ReliefGroup]:
    """Sound, visual only and rest, in that order, for the modes that have ratings."""
    named: dict[str, list[float]] = {MODE_NAMES[m]: [] for m in Mode}
    for s in sessions:
        relief = s.relief
        if relief is not None:
            named[MODE_NAMES[s.mode]].append(float(relief))
    return [ReliefGroup(name, mean_ci(v)) for name, v in named.items() if v]
