"""The playlist engine: transport and the playlist, over voices, a sleep timer and one chain.

Headless and synchronous: :meth:`Engine.render` produces the next block of finished,
limited audio. A worker thread (:class:`~asmr_desktop.audio.worker.Player`) calls it;
every other method is a command that may be called from any thread. All state lives under
one lock; callbacks are gathered under it and run after it is released, on the thread of
the call (the render thread for everything playback itself does), so a UI must hand them
to its own thread (a queued Qt signal does exactly that).

Parts: :mod:`~asmr_desktop.audio.voice` (one playing item and its state machine),
:mod:`~asmr_desktop.audio.sleep` (the sleep timer), :mod:`~asmr_desktop.audio.chain` (low-pass,
master gain and limiter after the mix), :mod:`~asmr_desktop.audio.layers` (the bed and the
soundscape layers, summed with the playlist before the chain).
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.audio.chain import MasterChain
from asmr_desktop.audio.gain import volume_to_db
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.layers import LayerInfo, LayerMix
from asmr_desktop.audio.resample import ResampledSource
from asmr_desktop.audio.sleep import SleepCountdown, SleepMode, SleepTimer
from asmr_desktop.audio.voice import Heard, Mix, Successors, Voice, VoiceState, rises_of
from asmr_desktop.audio.voice import LoudnessLookup as LoudnessLookup  # the constructor's type
from asmr_desktop.core import safety
from asmr_desktop.core.defaults import CROSSFADE_DEFAULT_S, LAYER_VOLUME_DEFAULT, VOLUME_DEFAULT
from asmr_desktop.core.errors import AudioError

log = logging.getLogger(__name__)

Samples = NDArray[np.float64]
SkipRule = Callable[[PlaylistItem], bool]

#: A seek fades the old position out this quickly, then fades in at the new one.
SEEK_FADE_OUT_S = 0.25
#: The playlist index a preview voice carries (it is no playlist item).
PREVIEW_INDEX = -2
#: How often the position is reported.
POSITION_EVERY_S = 0.2


class PlayState(enum.Enum):
    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"


class StopReason(enum.Enum):
    """Why playback stopped: the diary records it (a sleep-timer stop is not rated at 3 a.m.)."""

    ASKED = "asked"  # stop, next past the end, the playlist replaced or its item removed
    ENDED = "ended"  # the playlist came to its end
    SLEEP_TIMER = "sleep_timer"  # the sleep timer faded it out


class Repeat(enum.Enum):
    OFF = "off"
    ONE = "one"
    ALL = "all"


@dataclass
class EngineSettings:
    """What a person can set; every level is clamped to the safety bounds when applied."""

    volume: float = VOLUME_DEFAULT
    ceiling_db: float = safety.CEILING_DEFAULT_DB
    loudness_target_lufs: float = safety.LOUDNESS_TARGET_DEFAULT_LUFS
    crossfade_s: float = CROSSFADE_DEFAULT_S
    migraine: bool = False
    repeat: Repeat = Repeat.OFF
    #: The startle guard (DESIGN.md), on unless a test reads the voices' gains through a
    #: DC input (whose steps the guard's K-weighting hears as clicks).
    startle_guard: bool = True


@dataclass
class EngineCallbacks:
    """Set any of these (before playback starts) to hear about changes."""

    state_changed: Callable[[PlayState], None] | None = None
    #: Index of the item now playing (None when nothing is).
    track_changed: Callable[[int | None], None] | None = None
    #: (position_s, duration_s or None) of the current item, a few times a second.
    position: Callable[[float, float | None], None] | None = None
    #: (index, one-line reason) when an item cannot be played; it is skipped.
    item_failed: Callable[[int, str], None] | None = None
    #: Seconds left on the sleep timer, or None when it is off (also when it ran out).
    sleep_timer: Callable[[float | None], None] | None = None
    #: An item passed over by the skip rule (see :meth:`Engine.set_skip`).
    item_skipped: Callable[[int], None] | None = None
    #: Playback stopped, and why (sent right after ``state_changed(STOPPED)``).
    stopped: Callable[[StopReason], None] | None = None
    #: The output failed (device lost); playback is paused and can be retried.
    error: Callable[[AudioError], None] | None = None


@dataclass(frozen=True)
class _Skips:
    """The skip rule's verdicts, judged outside the lock; ``items`` keeps the ids valid."""

    items: tuple[PlaylistItem, ...] = ()
    skipped: frozenset[int] = frozenset()

    def __contains__(self, item: PlaylistItem) -> bool:
        return id(item) in self.skipped


@dataclass
class _Events:
    calls: list[tuple[Callable[..., None], tuple[object, ...]]] = field(default_factory=list)

    def add(self, callback: Callable[..., None] | None, *args: object) -> None:
        if callback is not None:
            self.calls.append((callback, args))


class Engine:
    """Plays a playlist through the safety chain of DESIGN.md into blocks of float samples.

    Chain: voices (source -> resample -> loudness gain x volume x fades, one ramp each,
    rising at most 6 dB/s) -> mix -> :class:`~asmr_desktop.audio.chain.MasterChain`.
    """

    def __init__(
        self,
        rate_hz: int = 44100,
        channels: int = 2,
        settings: EngineSettings | None = None,
        *,
        loudness_lookup: LoudnessLookup | None = None,
        callbacks: EngineCallbacks | None = None,
    ) -> None:
        self.rate_hz = rate_hz
        self.channels = channels
        self.callbacks = callbacks or EngineCallbacks()
        self._settings = replace(settings) if settings is not None else EngineSettings()
        self._lookup = loudness_lookup
        self._lock = threading.RLock()
        self._active = threading.Event()
        self._items: list[PlaylistItem] = []
        self._mix = Mix(rate_hz, channels)
        self._successors = Successors(
            self._crossfade_s, self._crossfade_into, self._after_end, self._voice_failed
        )
        self._current: int | None = None  # index of the item playing (or paused, or next)
        self._state = PlayState.STOPPED
        given = self._settings  # the chain is built with them: the first sample obeys them
        self._chain = MasterChain(
            rate_hz,
            channels,
            ceiling_db=given.ceiling_db,
            migraine=given.migraine,
            startle_guard=given.startle_guard,
        )
        self._sleep: SleepCountdown | None = None
        self._skip: SkipRule | None = None
        self._skips = _Skips()
        self._events = _Events()
        self._next_position_frame = 0
        self._rendered_frames = 0
        self._preview_frames = 0  # a preview starts fading out after this many frames
        self._layers = LayerMix(rate_hz, channels)  # the bed and layers (issue 17)
        self._apply_levels()

    # --- queries ---------------------------------------------------------------------------
    @property
    def state(self) -> PlayState:
        with self._lock:
            return self._state

    @property
    def current_index(self) -> int | None:
        with self._lock:
            return self._current

    @property
    def settings(self) -> EngineSettings:
        """A copy of the settings in force (change them through the setters)."""
        with self._lock:
            return replace(self._settings)

    @property
    def effective_ceiling_db(self) -> float:
        """The ceiling the limiter holds, migraine mode included."""
        with self._lock:
            return self._chain.ceiling_db

    @property
    def effective_loudness_target_lufs(self) -> float:
        """The loudness every voice is normalised to, migraine mode included."""
        with self._lock:
            return self._levels()[0]

    @property
    def startle_amount_db(self) -> float | None:
        """The rise the startle guard lets through (dB, stronger in migraine mode; None: off)."""
        with self._lock:
            return self._chain.startle_amount_db

    @property
    def latency_frames(self) -> int:
        """How far the output lags the mix (the guard's and the limiter's look-ahead)."""
        with self._lock:
            return self._chain.latency

    @property
    def limiter_reduction_db(self) -> float:
        """The limiter's gain now (dB: 0 when it rests, negative while it cuts)."""
        with self._lock:
            return self._chain.gain_reduction_db

    @property
    def quiet_lift_db(self) -> float:
        """The quiet-passage lift now (dB: 0 when none; see safety.QUIET_LIFT_BELOW_DB)."""
        with self._lock:
            return self._chain.lift_db

    def heard(self, *, reset: bool = False) -> Heard:
        """What was audible since counting began (per item, seconds); ``reset`` begins
        counting afresh. Play from stopped begins a count; a listening session reads it at
        each heartbeat (so a crash still knows) and resets it when it ends."""
        with self._lock:
            heard = self._mix.heard(reset=reset)
            layers = self._layers.heard(reset=reset)
            return Heard(heard.items + layers, heard.last)

    def items(self) -> list[PlaylistItem]:
        with self._lock:
            return list(self._items)

    def position_s(self) -> float:
        with self._lock:
            voice = self._main_voice()
            return 0.0 if voice is None else voice.position_s

    def duration_s(self) -> float | None:
        with self._lock:
            voice = self._main_voice()
            return None if voice is None else voice.duration_s

    def sleep_remaining_s(self) -> float | None:
        """Seconds until the sleep timer stops playback, or None when it is off.

        ``math.inf`` when it waits for the end of a track whose length is unknown.
        """
        with self._lock:
            return self._sleep_seconds()

    def is_active(self) -> bool:
        """True while anything is audible or about to be: the worker should keep rendering."""
        return self._active.is_set()

    def wait_active(self, timeout_s: float) -> bool:
        return self._active.wait(timeout_s)

    # --- playlist --------------------------------------------------------------------------
    def set_items(self, items: Sequence[PlaylistItem]) -> None:
        """Replace the playlist; whatever plays fades out."""
        with self._command():
            self._fade_all(safety.FADE_OUT_S, end=True)
            self._items = list(items)
            self._current = 0 if self._items else None
            self._set_state(PlayState.STOPPED)

    def add(self, items: Sequence[PlaylistItem]) -> None:
        with self._command():
            self._items.extend(items)
            if self._current is None and self._items:
                self._current = 0

    def remove(self, index: int) -> None:
        """Remove an item; if it is playing, it fades out and the next one starts."""
        with self._command(judge=True):
            del self._items[index]
            playing_it = self._current == index
            for voice in self._mix:
                voice.index = -1 if voice.index == index else voice.index - (voice.index > index)
            if self._current is not None and self._current > index:
                self._current -= 1
            if playing_it:
                self._fade_all(safety.FADE_OUT_S, end=True)
                self._current = min(index, len(self._items) - 1) if self._items else None
                if self._state is PlayState.PLAYING and self._current is not None:
                    self._switch_to(self._current)
                else:
                    self._set_state(PlayState.STOPPED)

    def move(self, src: int, dst: int) -> None:
        """Reorder: the item at ``src`` goes to ``dst``; what plays keeps playing."""
        with self._command():
            self._items.insert(dst, self._items.pop(src))
            order = list(range(len(self._items)))
            order.insert(dst, order.pop(src))
            remap = {old: new for new, old in enumerate(order)}
            for voice in self._mix:
                if voice.index >= 0:
                    voice.index = remap[voice.index]
            if self._current is not None:
                self._current = remap[self._current]

    # --- transport -------------------------------------------------------------------------
    def play(self, index: int | None = None) -> None:
        """Start (fading in), resume when paused, or jump to item ``index``."""
        with self._command(judge=True):
            self._play(index)

    def pause(self) -> None:
        """Fade out over 1.5 s and hold the position."""
        with self._command():
            self._pause()

    def resume(self) -> None:
        with self._command(judge=True):
            if self._state is PlayState.PAUSED:
                self._resume()

    def toggle(self) -> None:
        """Play/pause (the Space key): decided and done under the lock, as one command."""
        with self._command(judge=True):
            if self._state is PlayState.PLAYING:
                self._pause()
            else:
                self._play(None)

    def stop(self) -> None:
        """Fade out over 1.5 s (a preview too), then stop; the next play starts the current
        item again."""
        with self._command():
            self._mix.fade_all(safety.FADE_OUT_S, end=True, layers=True)
            self._set_state(PlayState.STOPPED)

    def next(self) -> None:
        with self._command(judge=True):
            target = self._following(self._current, manual=True, step=1)
            if target is None:
                self._fade_all(safety.FADE_OUT_S, end=True)
                self._set_state(PlayState.STOPPED)
            else:
                self._jump(target)

    def previous(self) -> None:
        with self._command(judge=True):
            target = self._following(self._current, manual=True, step=-1)
            self._jump(0 if target is None else target)

    def seek(self, seconds: float) -> None:
        """Move within the current item: a quick fade out, then a fade in at the new place."""
        with self._command():
            voice = self._main_voice()
            if voice is None or self._current is None:
                return
            if not hasattr(voice.source.inner, "seek"):
                return
            duration = voice.duration_s
            seconds = max(0.0, seconds if duration is None else min(seconds, duration))
            new = self._open_voice(self._current, start_s=seconds)
            if new is None:
                return
            self._mix.fade(voice, SEEK_FADE_OUT_S, end=True)
            for other in self._mix:
                if other.state is VoiceState.HELD:
                    self._mix.drop(other)
            if self._state is PlayState.PAUSED:
                new.hold()
            self._mix.add(new)
            self._update_active()

    # --- preview ---------------------------------------------------------------------------
    def preview(self, item: PlaylistItem, *, seconds: float, offset_db: float = 0.0) -> None:
        """Play ``item`` for ``seconds`` in all (fading in, and out over the last 1.5 s) as a
        layer over whatever plays: in the same mix, through the same limiter, so nothing
        reaches the output past it (issue 15: a second channel summed after two limiters
        went 3.9 dB over the ceiling). ``offset_db`` is added to the volume. A new preview
        replaces the running one. Raises AudioError when the item cannot play."""
        with self._command():
            self._stop_preview(SEEK_FADE_OUT_S)
            source = ResampledSource(item.open(), self.rate_hz, self.channels)
            voice = Voice(PREVIEW_INDEX, item, source)
            voice.layer = True
            voice.offset_db = offset_db
            voice.aim(*self._levels(), self._lookup)
            self._preview_frames = round(max(seconds - safety.FADE_OUT_S, 0.0) * self.rate_hz)
            self._mix.add(voice)
            self._update_active()

    def stop_preview(self) -> None:
        """Fade the preview out (1.5 s)."""
        with self._command():
            self._stop_preview(safety.FADE_OUT_S)

    @property
    def previewing(self) -> bool:
        """A preview sounds (or is fading out)."""
        with self._lock:
            return any(not voice.ended for voice in self._mix.layers())

    def _stop_preview(self, seconds: float) -> None:
        for voice in self._mix.layers():
            self._mix.fade(voice, seconds, end=True)
        self._update_active()

    def _end_preview_in_time(self) -> None:
        for voice in self._mix.layers():
            if voice.fade is None and voice.frames_out >= self._preview_frames:
                self._mix.fade(voice, safety.FADE_OUT_S, end=True)

    # --- layers (issue 17) -----------------------------------------------------------------
    def add_layer(
        self, item: PlaylistItem, *, volume: float = LAYER_VOLUME_DEFAULT, bed: bool = False
    ) -> int:
        """Mix ``item`` under the playlist with its own ``volume`` (slider 0-1 on top of the
        main volume); ``bed``: as the background bed, replacing the one there was. It sounds
        while the playlist plays (fading in now if it does). Returns its key; LayerError
        once four layers play."""
        with self._command():
            key = self._layers.add(item, volume, bed=bed, fade_frames=self._frames(SEEK_FADE_OUT_S))
            self._apply_levels()
            return key

    def remove_layer(self, key: int) -> None:
        """Fade the layer out (1.5 s) and forget it; LayerError if there is none."""
        with self._command():
            self._layers.remove(key, self._frames(safety.FADE_OUT_S))
            self._apply_levels()

    def clear_layers(self) -> None:
        with self._command():
            self._layers.clear(self._frames(safety.FADE_OUT_S))
            self._apply_levels()

    def set_layer_volume(self, key: int, position: float) -> None:
        """A layer's own volume, 0-1: a smooth ramp, rising at most 6 dB/s (the other voices
        make room for it, see :func:`~asmr_desktop.audio.layers.sum_share_db`)."""
        with self._command():
            self._layers.set_volume(key, position)
            self._apply_levels()

    def layers(self) -> list[LayerInfo]:
        with self._lock:
            return self._layers.infos()

    def _frames(self, seconds: float) -> int:
        return max(1, round(seconds * self.rate_hz))

    def _layers_follow(self, state: PlayState) -> None:
        """Layers sound with the playlist: in on Play, out on pause and stop."""
        if state is PlayState.PLAYING:
            self._layers.start()
            self._aim_all()
        elif state is PlayState.PAUSED:
            self._layers.pause(self._frames(safety.FADE_OUT_S))
            self._aim_all()  # fading voices only fall; a preview meanwhile takes no share
        else:
            self._layers.stop(self._frames(safety.FADE_OUT_S))
            self._aim_all()

    # --- settings --------------------------------------------------------------------------
    def set_volume(self, position: float) -> None:
        """Volume slider position 0..1 (see :func:`~asmr_desktop.audio.gain.volume_to_db`)."""
        with self._command():
            self._settings.volume = max(0.0, min(1.0, position)) if position == position else 0.0
            self._apply_levels()

    def set_ceiling_db(self, ceiling_db: float) -> None:
        with self._command():
            self._settings.ceiling_db = safety.clamp_ceiling_db(ceiling_db)
            self._apply_levels()

    def set_loudness_target(self, target_lufs: float) -> None:
        with self._command():
            self._settings.loudness_target_lufs = safety.clamp_loudness_target(target_lufs)
            self._apply_levels()

    def set_crossfade_s(self, seconds: float) -> None:
        with self._command():
            self._settings.crossfade_s = max(0.0, seconds) if seconds == seconds else 0.0

    def set_repeat(self, repeat: Repeat) -> None:
        with self._command():
            self._settings.repeat = repeat

    def set_migraine(self, on: bool) -> None:
        """Migraine mode: ceiling and loudness target 12 dB lower, the 4 kHz low-pass."""
        with self._command():
            self._settings.migraine = on
            self._apply_levels()

    def set_skip(self, rule: SkipRule | None) -> None:
        """Items for which ``rule`` is true are passed over when playback moves on by itself
        (migraine mode skipping tracks that are not gentle); choosing one still plays it.

        The rule runs on the render thread before each block (and on the caller's thread
        before play, toggle, next, previous, resume and remove), for every item, never under
        the engine's lock, so it may call the engine's queries. It must be quick and only
        read immutable snapshots (never wait for another thread or for the UI): a verdict
        is judged at most one block before it is used. A rule that raises skips nothing.
        """
        with self._command():
            self._skip = rule

    def set_sleep_timer(self, timer: SleepTimer) -> None:
        """Stop after some seconds of playback or at the end of this item, fading out over
        the last 60 s (see :class:`~asmr_desktop.audio.sleep.SleepTimer`); off cancels."""
        with self._command():
            if self._sleep is not None:  # carry its fade into the voices: no jump up
                self._fold_sleep()
            self._sleep = None
            if timer.mode is not SleepMode.OFF:
                voice = self._main_voice()
                left = None if voice is None else voice.remaining_frames()
                self._sleep = SleepCountdown(timer, self.rate_hz, left)
            self._report_sleep()

    def device_failed(self, error: AudioError) -> None:
        """The output broke: pause at once (nothing is heard anyway), keep the position."""
        with self._command():
            self._layers.hold_all()
            for voice in self._mix:
                if voice.state is VoiceState.FADING_OUT or voice.layer:
                    self._mix.drop(voice)
                else:
                    voice.hold()
            self._chain.reset()  # its look-ahead holds audio that was never heard
            if self._state is PlayState.PLAYING:
                self._set_state(PlayState.PAUSED)
            self._events.add(self.callbacks.error, error)
            self._update_active()

    # --- rendering -------------------------------------------------------------------------
    def render(self, frames: int) -> NDArray[np.float32]:
        """The next ``frames`` frames of finished audio, float32 (frames, channels)."""
        with self._command(judge=True, only_playing=True):
            playing = self._state is PlayState.PLAYING
            sleep_left = self._sleep_frames()
            self._mix.poll_loudness(*self._levels(), self._lookup)
            self._layers.poll_loudness()
            rising = self._mix.rising or self._layers.rising
            mix = self._mix.render(frames, self._successors)
            mix += self._layers.render(frames)  # before the one guard and limiter
            # One rise at a time: while a voice fades in, the limiter holds its recovery.
            rising = rising or self._mix.rising or self._layers.rising
            gains = None
            if self._sleep is not None:
                gains = self._sleep.gains(frames, sleep_left, counting=playing)
            self._chain.set_lift(*self._lift_levels(gains))
            # The voices' rises (a fade in), divided out by the guard: a fade in is no startle.
            rise = rises_of(frames, self._mix.rise_parts + self._layers.rise_parts)
            out = self._chain.process(mix, master_gain=gains, hold_release=rising, rise_db=rise)
            self._rendered_frames += frames
            if self._sleep is not None and playing and self._sleep_frames() <= 0:
                self._finish_sleep()
            self._end_preview_in_time()
            if self._state is PlayState.PLAYING and not self._mix.playlist():
                self._set_state(PlayState.STOPPED, StopReason.ENDED)
            self._report_position()
            self._update_active()
        return out

    # Successors: what the mix asks while it runs through a block.
    def _crossfade_s(self, voice: Voice) -> float | None:
        """The crossfade out of ``voice``: at most half its length, so short items are heard."""
        xfade_s = self._settings.crossfade_s
        if (
            xfade_s <= 0
            or voice.index != self._current
            or self._state is not PlayState.PLAYING
            or (self._sleep is not None and self._sleep.at_track_end)
            or self._following(voice.index, manual=False, step=1) is None
        ):
            return None
        duration = voice.duration_s
        return xfade_s if duration is None else min(xfade_s, duration / 2)

    def _crossfade_into(self, voice: Voice, xfade_s: float) -> Voice | None:
        return self._advance(voice.index)

    def _after_end(self, voice: Voice) -> Voice | None:
        if voice.index != self._current or not self._mix.is_main(voice):
            return None
        if self._sleep is not None and self._sleep.at_track_end:
            self._finish_sleep()
            return None
        nxt = self._advance(voice.index)
        if nxt is not None:
            nxt.continue_from(voice.level_lufs)  # gapless: from where it ended, no step up
        return nxt

    def _voice_failed(self, voice: Voice, reason: str) -> None:
        self._mark_failed(voice.index, reason)

    # --- playlist flow ---------------------------------------------------------------------
    def _play(self, index: int | None) -> None:
        if self._state is PlayState.STOPPED:
            self._mix.heard(reset=True)  # a new run of listening: count what it plays
            self._layers.heard(reset=True)
        if index is not None:
            if not 0 <= index < len(self._items):
                raise IndexError(f"no playlist item {index}")
            self._switch_to(index)
        elif self._state is PlayState.PAUSED:
            self._resume()
        elif self._state is PlayState.STOPPED and self._items:
            self._switch_to(self._current or 0)

    def _pause(self) -> None:
        if self._state is PlayState.PLAYING:
            self._fade_all(safety.FADE_OUT_S, end=False)
            self._set_state(PlayState.PAUSED)

    def _advance(self, index: int) -> Voice | None:
        """Start the item after ``index`` (repeat rules, skipped and failed items passed)."""
        tried = 0
        target = self._following(index, manual=False, step=1)
        while target is not None and tried < len(self._items):
            tried += 1
            if self._items[target] in self._skips:
                self._events.add(self.callbacks.item_skipped, target)
            else:
                voice = self._open_voice(target)
                if voice is not None:
                    self._mix.add(voice)
                    self._set_current(target)
                    return voice
            if self._settings.repeat is Repeat.ONE:
                break
            target = self._following(target, manual=True, step=1)
        self._set_current(0 if self._items else None)
        if not any(not v.ended for v in self._mix.playlist()):
            self._set_state(PlayState.STOPPED, StopReason.ENDED)
        return None

    def _following(self, index: int | None, *, manual: bool, step: int) -> int | None:
        count = len(self._items)
        if count == 0:
            return None
        if index is None or index < 0:
            return 0
        repeat = self._settings.repeat
        if repeat is Repeat.ONE and not manual:
            return index
        nxt = index + step
        if 0 <= nxt < count:
            return nxt
        if repeat is Repeat.ALL or (repeat is Repeat.ONE and manual):
            return nxt % count
        return None

    def _jump(self, index: int) -> None:
        if self._state is PlayState.PAUSED:
            self._fade_all(0.0, end=True)
            self._set_current(index)
            voice = self._open_voice(index)
            if voice is not None:
                voice.hold()
                self._mix.add(voice)
        elif self._state is PlayState.STOPPED:
            self._set_current(index)
        else:
            self._switch_to(index)

    def _switch_to(self, index: int) -> None:
        """Fade out whatever plays and fade ``index`` in (skipping items that fail)."""
        self._fade_all(safety.FADE_OUT_S, end=True)
        self._set_current(index)
        voice = self._open_voice(index)
        if voice is not None:
            self._mix.add(voice)
        elif self._advance(index) is None:
            self._update_active()
            return
        self._set_state(PlayState.PLAYING)
        self._update_active()

    def _open_voice(self, index: int, *, start_s: float = 0.0) -> Voice | None:
        item = self._items[index]
        if item.failed and item.factory is None and item.path is None:
            self._events.add(self.callbacks.item_failed, index, item.failed)
            return None
        try:
            source = item.open()
            if start_s > 0 and hasattr(source, "seek"):
                source.seek(start_s)
            resampled = ResampledSource(source, self.rate_hz, self.channels)
        except AudioError as exc:
            self._mark_failed(index, str(exc))
            return None
        if item.duration_s is None:
            item.duration_s = source.duration_s
        item.failed = None
        voice = Voice(index, item, resampled, start_s=start_s)
        voice.aim(*self._levels(), self._lookup)
        return voice

    def _mark_failed(self, index: int, reason: str) -> None:
        if 0 <= index < len(self._items):
            self._items[index].failed = reason
            # The listener (the window, render) tells the person; the log keeps a note.
            log.info("cannot play item %d: %s", index + 1, reason)
            self._events.add(self.callbacks.item_failed, index, reason)

    def _fade_all(self, seconds: float, *, end: bool) -> None:
        self._mix.fade_all(seconds, end=end)
        self._update_active()

    def _resume(self) -> None:
        for voice in self._mix:
            voice.resume()
        if not self._mix.playlist() and self._current is not None:
            self._switch_to(self._current)
        self._set_state(PlayState.PLAYING)
        self._update_active()

    def _main_voice(self) -> Voice | None:
        return self._mix.main(self._current)

    # --- levels ----------------------------------------------------------------------------
    def _levels(self) -> tuple[float, float]:
        """(loudness target, volume in dB) that every voice aims at; migraine mode lowers
        the target with the ceiling, so the sound is quieter and the limiter rests."""
        settings = self._settings
        target = safety.effective_loudness_target(settings.loudness_target_lufs, settings.migraine)
        # The layers' share: with layers sounding, every voice makes room so the sum
        # measures the target (0 dB without layers).
        return target, volume_to_db(settings.volume) + self._layers.share_db()

    def _lift_levels(self, sleep_gains: NDArray[np.float64] | None) -> tuple[float | None, float]:
        """(reference, headroom) of the quiet-passage lift: the level a normalised track
        plays at, and what the normalisation boost limit leaves to the most boosted voice
        sounding (0 while one is unmeasured). None while the sleep timer fades out."""
        voices = list(self._mix) + self._layers.voices()
        if not voices or (sleep_gains is not None and float(sleep_gains.min()) < 1.0):
            return None, 0.0
        target = safety.effective_loudness_target(
            self._settings.loudness_target_lufs, self._settings.migraine
        )
        reference = target + volume_to_db(self._settings.volume)
        return reference, min(voice.lift_headroom_db for voice in voices)

    def _apply_levels(self) -> None:
        settings = self._settings
        self._chain.configure(ceiling_db=settings.ceiling_db, migraine=settings.migraine)
        self._aim_all()
        self._update_active()

    def _aim_all(self) -> None:
        levels = self._levels()
        self._mix.aim(*levels, self._lookup)
        self._layers.aim(*levels, self._lookup)

    # --- sleep timer -----------------------------------------------------------------------
    def _fold_sleep(self) -> None:
        """Carry the sleep fade's level into the voices, so cancelling it is no jump up."""
        if self._sleep is not None:
            multiplier = self._sleep.take_multiplier()
            for voice in self._mix:
                voice.ramp.scale(multiplier)
            self._layers.scale(multiplier)

    def _sleep_frames(self) -> float:
        """Frames of playback left on the sleep timer (inf: the track has no known end)."""
        if self._sleep is None:
            return 0
        voice = self._main_voice()
        return self._sleep.remaining_frames(None if voice is None else voice.remaining_frames())

    def _sleep_seconds(self) -> float | None:
        return self._sleep_frames() / self.rate_hz if self._sleep else None

    def _report_sleep(self) -> None:
        """Tell the listener the time left; an unknown end (endless track) is not reported."""
        seconds = self._sleep_seconds()
        if seconds is None or np.isfinite(seconds):
            self._events.add(self.callbacks.sleep_timer, seconds)

    def _finish_sleep(self) -> None:
        self._mix.drop_all()
        self._layers.drop_all()
        self._sleep = None
        self._set_state(PlayState.STOPPED, StopReason.SLEEP_TIMER)
        self._events.add(self.callbacks.sleep_timer, None)

    # --- the lock, the skip rule and reporting ---------------------------------------------
    @contextmanager
    def _command(self, *, judge: bool = False, only_playing: bool = False) -> Iterator[None]:
        """Run a block under the lock, then the callbacks it gathered outside it.

        With ``judge``, the skip rule is asked first, outside the lock (see :meth:`set_skip`);
        ``only_playing`` asks it only when playback plays (the render thread's case).
        """
        skips = self._judge_skips(only_playing) if judge else None
        with self._lock:
            if skips is not None:
                self._skips = skips
            yield
        self._flush()

    def _judge_skips(self, only_playing: bool) -> _Skips | None:
        """The rule's verdicts on every item, or None to keep the last ones."""
        with self._lock:
            rule, items = self._skip, tuple(self._items)
            if rule is None:
                return _Skips()
            if only_playing and self._state is not PlayState.PLAYING:
                return None  # nothing moves on by itself unless playing
        skipped = set()
        for item in items:
            try:
                if rule(item):
                    skipped.add(id(item))
            except Exception:  # a broken rule must not stop playback: it skips nothing
                log.exception("skip rule failed for %s", item.title)
        return _Skips(items, frozenset(skipped))

    def _set_state(self, state: PlayState, reason: StopReason = StopReason.ASKED) -> None:
        if state is not self._state:
            self._state = state
            self._layers_follow(state)
            self._events.add(self.callbacks.state_changed, state)
            if state is PlayState.STOPPED:
                self._events.add(self.callbacks.stopped, reason)

    def _set_current(self, index: int | None) -> None:
        if index != self._current:
            self._current = index
            self._events.add(self.callbacks.track_changed, index)

    def _report_position(self) -> None:
        if self._rendered_frames >= self._next_position_frame:
            self._next_position_frame = self._rendered_frames + round(
                POSITION_EVERY_S * self.rate_hz
            )
            voice = self._main_voice()
            if voice is not None:
                self._events.add(self.callbacks.position, voice.position_s, voice.duration_s)
            if self._sleep is not None:
                self._report_sleep()

    def _update_active(self) -> None:
        """Keep rendering while anything is audible, playback plays or the chain's
        look-ahead still holds sound; at rest, settle."""
        audible = self._mix.audible or self._layers.audible
        if audible or self._state is PlayState.PLAYING or self._chain.holding:
            self._active.set()
        else:
            self._active.clear()
            self._chain.settle()  # a ceiling or migraine change holds from the next sample

    def _flush(self) -> None:
        """Run the callbacks gathered under the lock, now that it is released."""
        with self._lock:
            calls, self._events.calls = self._events.calls, []
        for callback, args in calls:
            try:
                callback(*args)
            except Exception:  # a listener's bug must not stop the audio
                log.exception("engine callback %r failed", callback)
