"""Relief (pain before minus pain after) by source and by mode, with 95 % intervals.

A session credits what was actually heard, each item by the share of the session it
filled; an item heard for less than a minute, or less than a tenth of the session, is not
credited at all (a sound stopped after six seconds did not help or hurt). A session whose
record does not say what was heard (written before that was recorded) credits its playlist
as a whole, never every item in it. Only sessions with both a before and an after rating
have a relief. Fewer than ``MIN_RATED`` of them: too few to tell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from asmr_desktop.diary.model import Mode, Session
from asmr_desktop.insights.stats import MeanCI, mean_ci, weighted_mean_ci

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


#: An item heard for less than this, or less than this share of the session, is not credited.
MIN_HEARD_S = 60.0
MIN_HEARD_SHARE = 0.10
PLAYLIST_SUFFIX = " (playlist)"


def credits(session: Session) -> dict[str, float]:
    """What a session credits, and with what weight (its share of the session, 0-1].

    Unknown stays unknown: without a record of what was heard only the playlist is
    credited (with full weight), not each of its items.
    """
    if session.heard is None:
        name = session.playlist.strip()
        if name:
            return {name + PLAYLIST_SUFFIX: 1.0}
        titles = {t.strip() for t in session.items if t.strip()}
        # One item and nothing else: it is what played, if the session lasted long enough.
        long_enough = (session.duration_s or 0.0) >= MIN_HEARD_S
        return {titles.pop(): 1.0} if len(titles) == 1 and long_enough else {}
    heard: dict[str, float] = defaultdict(float)
    for title, seconds in session.heard:
        if title.strip():
            heard[title.strip()] += seconds
    total = max(session.duration_s or 0.0, sum(heard.values()))
    if total <= 0:
        return {}
    return {
        title: min(1.0, seconds / total)
        for title, seconds in heard.items()
        if seconds >= MIN_HEARD_S and seconds >= MIN_HEARD_SHARE * total
    }


def relief_by_source(sessions: Iterable[Session]) -> list[ReliefGroup]:
    """Sound sessions grouped by what was heard, each weighted by its share; rest and
    visual-only sessions have no sound to credit."""
    values: dict[str, list[float]] = defaultdict(list)
    weights: dict[str, list[float]] = defaultdict(list)
    for s in sessions:
        relief = s.relief
        if relief is None or s.mode is not Mode.AUDIO:
            continue
        for name, share in credits(s).items():
            values[name].append(float(relief))
            weights[name].append(share)
    groups = [ReliefGroup(n, weighted_mean_ci(values[n], weights[n])) for n in values]
    groups.sort(key=lambda g: (-g.n, -(g.stats.mean or 0.0), g.name.casefold()))
    return groups


def relief_by_mode(sessions: Iterable[Session]) -> list[ReliefGroup]:
    """Sound, visual only and rest, in that order, for the modes that have ratings."""
    named: dict[str, list[float]] = {MODE_NAMES[m]: [] for m in Mode}
    for s in sessions:
        relief = s.relief
        if relief is not None:
            named[MODE_NAMES[s.mode]].append(float(relief))
    return [ReliefGroup(name, mean_ci(v)) for name, v in named.items() if v]
