"""The built-in soundscapes by name: what each is, its settings, and how to make one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from asmr_desktop.soundscapes.base import Generator, SettingSpec, SoundscapeError, resolve_settings
from asmr_desktop.soundscapes.body import Breathing, Heartbeat, Purr
from asmr_desktop.soundscapes.nature import Fireplace, Ocean, Rain
from asmr_desktop.soundscapes.noise import BrownNoise, PinkNoise
from asmr_desktop.soundscapes.textures import Brushing, Crinkle, Tapping, Whisper

#: factory(settings, seed, duration_s or None for endless) -> a Source (a Generator)
Factory = Callable[[Mapping[str, float] | None, int, float | None], Generator]


@dataclass(frozen=True)
class SoundscapeInfo:
    """What the UI and the CLI show about one soundscape, and how to make it."""

    name: str
    title: str
    description: str
    settings: tuple[SettingSpec, ...]
    factory: Factory

    def defaults(self) -> dict[str, float]:
        return {spec.name: spec.default for spec in self.settings}


def _info(cls: type[Generator]) -> SoundscapeInfo:
    name: str = getattr(cls, "NAME")  # noqa: B009 - class constants every generator defines
    specs: tuple[SettingSpec, ...] = getattr(cls, "SPECS")  # noqa: B009

    def factory(
        settings: Mapping[str, float] | None, seed: int = 0, duration_s: float | None = None
    ) -> Generator:
        return cls(resolve_settings(specs, settings, name), seed, duration_s)

    return SoundscapeInfo(
        name=name,
        title=getattr(cls, "TITLE"),  # noqa: B009
        description=getattr(cls, "DESCRIPTION"),  # noqa: B009
        settings=specs,
        factory=factory,
    )


#: Every built-in soundscape, in the order the UI lists them. Immutable.
SOUNDSCAPES: Mapping[str, SoundscapeInfo] = {
    info.name: info
    for info in map(
        _info,
        (
            Rain,
            BrownNoise,
            PinkNoise,
            Ocean,
            Tapping,
            Brushing,
            Crinkle,
            Whisper,
            Breathing,
            Fireplace,
            Heartbeat,
            Purr,
        ),
    )
}


def names() -> tuple[str, ...]:
    return tuple(SOUNDSCAPES)


def info(name: str) -> SoundscapeInfo:
    """The soundscape called ``name``; SoundscapeError naming the choices if there is none."""
    found = SOUNDSCAPES.get(name.strip().lower())
    if found is None:
        raise SoundscapeError(
            f"no built-in soundscape called {name!r} (choose from: {', '.join(SOUNDSCAPES)})"
        )
    return found


def create(
    name: str,
    settings: Mapping[str, float] | None = None,
    seed: int = 0,
    duration_s: float | None = None,
) -> Generator:
    """A fresh source playing soundscape ``name``; endless when ``duration_s`` is None.

    Settings missing take their defaults; values outside the bounds are clamped (and
    logged); a setting the soundscape does not have raises SoundscapeError.
    """
    return info(name).factory(settings, seed, duration_s)
