"""The playlist engine: transport, crossfades, sleep timer and the whole processing chain.

Headless and synchronous: :meth:`Engine.render` produces the next block of finished,
limited audio. A worker thread (:class:`~asmr_desktop.audio.worker.Player`) calls it;
every other method is a command that may be called from any thread. Callbacks report
changes and run on the rendering thread, outside the engine's lock, so a UI must hand
them to its own thread (a queued Qt signal does exactly that).
"""

from __future__ import annotations

import enum
import logging
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.audio.gain import SILENT_DB, Fade, GainRamp, fade_shape, volume_to_db
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.limiter import TruePeakLimiter
from asmr_desktop.audio.lowpass import MigraineFilter
from asmr_desktop.audio.resample import ResampledSource
from asmr_desktop.core import safety
from asmr_desktop.core.defaults import CROSSFADE_DEFAULT_S, VOLUME_DEFAULT
from asmr_desktop.core.errors import AudioError

log = logging.getLogger(__name__)

Samples = NDArray[np.float64]
LoudnessLookup = Callable[[Path], float | None]

#: Until a track's loudness is known it is assumed this loud (louder than nearly any master),
#: so it starts too quiet rather than too loud and rises gently once measured.
UNKNOWN_LOUDNESS_LUFS = -6.0
#: Normalisation never boosts a quiet track by more than this (its noise would come up too).
MAX_NORMALISATION_BOOST_DB = 24.0
#: A seek fades the old position out this quickly, then fades in at the new one.
SEEK_FADE_OUT_S = 0.25
#: How often loudness is looked up again for a track still unmeasured, and position reported.
LOOKUP_EVERY_S = 0.5
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


@dataclass
class EngineCallbacks:
    """Set any of these to hear about changes. They run on the rendering thread."""

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


class _Voice:
    """One item being played: source at output rate, its own gain ramp and optional fade."""

    def __init__(
        self,
        index: int,
        item: PlaylistItem,
        source: ResampledSource,
        ramp: GainRamp,
        start_s: float,
    ) -> None:
        self.index = index
        self.item = item
        self.source = source
        self.ramp = ramp
        self.start_s = start_s
        self.frames_out = 0
        self.fade: Fade | None = None
        self.drop_after_fade = True  # False: a pause, keep the voice for resume
        self.restart_after_fade = False  # resumed while the pause fade was still running
        self.held = False  # paused and silent
        self.ended = False
        self.loudness_known = False
        self.next_lookup_frame = 0

    @property
    def rate_hz(self) -> int:
        return self.source.rate_hz

    @property
    def position_s(self) -> float:
        return self.start_s + self.frames_out / self.rate_hz

    @property
    def duration_s(self) -> float | None:
        return self.source.duration_s

    def remaining_frames(self) -> int | None:
        duration = self.duration_s
        if duration is None:
            return None
        return max(0, round((duration - self.position_s) * self.rate_hz))

    def read(self, frames: int) -> Samples:
        """Up to ``frames`` gained frames; fewer when the source ended (DecodeError escapes)."""
        block = self.source.read(frames).astype(np.float64)
        if not np.all(np.isfinite(block)):  # a generator's bug must not poison filter states
            block = np.nan_to_num(block, nan=0.0, posinf=0.0, neginf=0.0)
        n = len(block)
        if n < frames:
            self.ended = True
        self.frames_out += n
        gains = self.ramp.render(n)
        if self.fade is not None:
            gains = gains * self.fade.render(n)
        return block * gains[:, None]

    def close(self) -> None:
        try:
            self.source.close()
        except Exception:  # closing must never stop playback
            log.exception("closing %s", self.item.title)


@dataclass
class _Sleep:
    remaining_frames: int | None  # None: until the end of the current track
    fade_frames: int
    multiplier: float = 1.0


@dataclass
class _Events:
    calls: list[tuple[Callable[..., None], tuple[object, ...]]] = field(default_factory=list)

    def add(self, callback: Callable[..., None] | None, *args: object) -> None:
        if callback is not None:
            self.calls.append((callback, args))


class Engine:
    """Plays a playlist through the safety chain of DESIGN.md into blocks of float samples.

    Chain: source -> resample -> loudness gain x volume x fades (one ramp per voice, rises at
    most 6 dB/s) -> mix -> migraine low-pass -> sleep fade -> true-peak limiter.
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
        self._settings = settings or EngineSettings()
        self._lookup = loudness_lookup
        self._lock = threading.RLock()
        self._active = threading.Event()
        self._items: list[PlaylistItem] = []
        self._voices: list[_Voice] = []
        self._current: int | None = None  # index of the item playing (or paused, or next)
        self._state = PlayState.STOPPED
        self._filter = MigraineFilter(rate_hz, channels, enabled=self._settings.migraine)
        self._limiter = TruePeakLimiter(rate_hz, channels, self._effective_ceiling_db())
        self._sleep: _Sleep | None = None
        self._skip: Callable[[PlaylistItem], bool] | None = None
        self._events = _Events()
        self._next_position_frame = 0
        self._rendered_frames = 0
        self._apply_levels()

    # --- queries ---------------------------------------------------------------------------
    @property
    def state(self) -> PlayState:
        return self._state

    @property
    def current_index(self) -> int | None:
        return self._current

    @property
    def settings(self) -> EngineSettings:
        """A copy of the settings in force (change them through the setters)."""
        with self._lock:
            return EngineSettings(**vars(self._settings))

    @property
    def effective_ceiling_db(self) -> float:
        """The ceiling the limiter holds now, migraine mode included."""
        return self._limiter.ceiling_db

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
            return self._sleep_remaining_frames() / self.rate_hz if self._sleep else None

    def is_active(self) -> bool:
        """True while anything is audible or about to be: the worker should keep rendering."""
        return self._active.is_set()

    def wait_active(self, timeout_s: float) -> bool:
        return self._active.wait(timeout_s)

    # --- playlist --------------------------------------------------------------------------
    def set_items(self, items: Sequence[PlaylistItem]) -> None:
        """Replace the playlist; whatever plays fades out."""
        with self._lock:
            self._fade_all(safety.FADE_OUT_S, drop=True)
            self._items = list(items)
            self._current = 0 if self._items else None
            if self._state is not PlayState.STOPPED:
                self._set_state(PlayState.STOPPED)
        self._flush()

    def add(self, items: Sequence[PlaylistItem]) -> None:
        with self._lock:
            self._items.extend(items)
            if self._current is None and self._items:
                self._current = 0

    def remove(self, index: int) -> None:
        """Remove an item; if it is playing, it fades out and the next one starts."""
        with self._lock:
            del self._items[index]
            playing_it = self._current == index
            for voice in self._voices:
                if voice.index == index:
                    voice.index = -1
                elif voice.index > index:
                    voice.index -= 1
            if self._current is not None and self._current > index:
                self._current -= 1
            if playing_it:
                self._fade_all(safety.FADE_OUT_S, drop=True)
                self._current = min(index, len(self._items) - 1) if self._items else None
                if self._state is PlayState.PLAYING and self._current is not None:
                    self._switch_to(self._current, safety.FADE_OUT_S, safety.FADE_IN_S)
                else:
                    self._set_state(PlayState.STOPPED)
        self._flush()

    def move(self, src: int, dst: int) -> None:
        """Reorder: the item at ``src`` goes to ``dst``; what plays keeps playing."""
        with self._lock:
            item = self._items.pop(src)
            self._items.insert(dst, item)
            order = list(range(len(self._items)))
            moved = order.pop(src)
            order.insert(dst, moved)
            remap = {old: new for new, old in enumerate(order)}
            for voice in self._voices:
                if voice.index >= 0:
                    voice.index = remap[voice.index]
            if self._current is not None:
                self._current = remap[self._current]

    # --- transport -------------------------------------------------------------------------
    def play(self, index: int | None = None) -> None:
        """Start (fading in), resume when paused, or jump to item ``index``."""
        with self._lock:
            if index is not None:
                if not 0 <= index < len(self._items):
                    raise IndexError(f"no playlist item {index}")
                self._switch_to(index, safety.FADE_OUT_S, safety.FADE_IN_S)
            elif self._state is PlayState.PAUSED:
                self._resume()
            elif self._state is PlayState.STOPPED and self._items:
                self._switch_to(self._current or 0, safety.FADE_OUT_S, safety.FADE_IN_S)
        self._flush()

    def pause(self) -> None:
        """Fade out over 1.5 s and hold the position."""
        with self._lock:
            if self._state is PlayState.PLAYING:
                self._fade_all(safety.FADE_OUT_S, drop=False)
                self._set_state(PlayState.PAUSED)
        self._flush()

    def resume(self) -> None:
        with self._lock:
            if self._state is PlayState.PAUSED:
                self._resume()
        self._flush()

    def toggle(self) -> None:
        """Play/pause (the Space key)."""
        if self._state is PlayState.PLAYING:
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        """Fade out over 1.5 s, then stop; the next play starts the current item again."""
        with self._lock:
            self._fade_all(safety.FADE_OUT_S, drop=True)
            if self._state is not PlayState.STOPPED:
                self._set_state(PlayState.STOPPED)
        self._flush()

    def next(self) -> None:
        with self._lock:
            target = self._following(self._current, manual=True, step=1)
            if target is None:
                self._fade_all(safety.FADE_OUT_S, drop=True)
                self._set_state(PlayState.STOPPED)
            else:
                self._jump(target)
        self._flush()

    def previous(self) -> None:
        with self._lock:
            target = self._following(self._current, manual=True, step=-1)
            self._jump(0 if target is None else target)
        self._flush()

    def seek(self, seconds: float) -> None:
        """Move within the current item: a quick fade out, then a fade in at the new place."""
        with self._lock:
            voice = self._main_voice()
            if voice is None or self._current is None:
                return
            if not hasattr(voice.source.inner, "seek"):
                return
            duration = voice.duration_s
            seconds = max(0.0, seconds if duration is None else min(seconds, duration))
            paused = self._state is PlayState.PAUSED
            new = self._open_voice(self._current, onset_fade_s=safety.FADE_IN_S, start_s=seconds)
            if new is None:
                return
            self._fade_voice(voice, SEEK_FADE_OUT_S, drop=True)
            for other in list(self._voices):
                if other.held:
                    self._drop(other)
            if paused:
                new.held = True
                new.drop_after_fade = False
            self._voices.append(new)
            self._update_active()
        self._flush()

    # --- settings --------------------------------------------------------------------------
    def set_volume(self, position: float) -> None:
        """Volume slider position 0..1 (see :func:`~asmr_desktop.audio.gain.volume_to_db`)."""
        with self._lock:
            self._settings.volume = max(0.0, min(1.0, position)) if position == position else 0.0
            self._apply_levels()

    def set_ceiling_db(self, ceiling_db: float) -> None:
        with self._lock:
            self._settings.ceiling_db = safety.clamp_ceiling_db(ceiling_db)
            self._apply_levels()

    def set_loudness_target(self, target_lufs: float) -> None:
        with self._lock:
            self._settings.loudness_target_lufs = safety.clamp_loudness_target(target_lufs)
            self._apply_levels()

    def set_crossfade_s(self, seconds: float) -> None:
        with self._lock:
            self._settings.crossfade_s = max(0.0, seconds) if seconds == seconds else 0.0

    def set_repeat(self, repeat: Repeat) -> None:
        with self._lock:
            self._settings.repeat = repeat

    def set_migraine(self, on: bool) -> None:
        """Migraine mode: ceiling 12 dB lower and the 4 kHz low-pass, switched smoothly."""
        with self._lock:
            self._settings.migraine = on
            self._filter.enabled = on
            self._apply_levels()

    def set_skip(self, rule: Callable[[PlaylistItem], bool] | None) -> None:
        """Items for which ``rule`` is true are passed over when playback moves on by itself
        (migraine mode skipping tracks that are not gentle); choosing one still plays it."""
        with self._lock:
            self._skip = rule

    def set_sleep_timer(self, seconds: float | None) -> None:
        """Stop after ``seconds`` of playback, fading out over the last 60 s; None cancels."""
        with self._lock:
            if seconds is None:
                self._cancel_sleep()
            else:
                frames = max(0, round(seconds * self.rate_hz))
                self._start_sleep(frames)
            self._report_sleep()
        self._flush()

    def set_sleep_at_track_end(self) -> None:
        """Stop at the end of the current item, fading out over its last 60 s."""
        with self._lock:
            voice = self._main_voice()
            remaining = None if voice is None else voice.remaining_frames()
            self._start_sleep(None, fade_frames=remaining)
            self._report_sleep()
        self._flush()

    def device_failed(self, error: AudioError) -> None:
        """The output broke: pause at once (nothing is heard anyway), keep the position."""
        with self._lock:
            for voice in list(self._voices):
                if voice.drop_after_fade and voice.fade is not None:
                    self._drop(voice)
                    continue
                voice.fade = None
                voice.held = True
                voice.drop_after_fade = False
            self._limiter.reset()  # its look-ahead holds audio that was never heard
            if self._state is PlayState.PLAYING:
                self._set_state(PlayState.PAUSED)
            self._events.add(self.callbacks.error, error)
            self._update_active()
        self._flush()

    # --- rendering -------------------------------------------------------------------------
    def render(self, frames: int) -> NDArray[np.float32]:
        """The next ``frames`` frames of finished audio, float32 (frames, channels)."""
        with self._lock:
            out = self._render_locked(frames)
        self._flush()
        return out

    def _render_locked(self, frames: int) -> NDArray[np.float32]:
        mix = np.zeros((frames, self.channels))
        playing = self._state is PlayState.PLAYING
        sleep_left = self._sleep_remaining_frames()
        self._poll_loudness()
        rising = any(v.ramp.rising for v in self._voices if not v.held)
        self._fill(mix, frames)
        rising = rising or any(v.ramp.rising for v in self._voices if not v.held)
        mix = self._filter.process(mix)
        if self._sleep is not None:
            mix *= self._sleep_gains(frames, sleep_left, counting=playing)[:, None]
        # One rise at a time: while a voice fades in (or the highs return after migraine
        # mode), the limiter holds rather than recovering on top of it.
        self._limiter.release_allowed = not (rising or self._filter.rising)
        out = self._limiter.process(mix)
        self._rendered_frames += frames
        if self._sleep is not None and playing and self._sleep_remaining_frames() <= 0:
            self._finish_sleep()
        if self._state is PlayState.PLAYING and not self._voices:
            self._set_state(PlayState.STOPPED, StopReason.ENDED)
        self._report_position()
        self._update_active()
        return out.astype(np.float32)

    def _fill(self, mix: Samples, frames: int) -> None:
        jobs: list[tuple[_Voice, int]] = [(v, 0) for v in self._voices if not v.held]
        i = 0
        while i < len(jobs):
            voice, start = jobs[i]
            i += 1
            pos = start
            while pos < frames and not voice.ended and not voice.held:
                n = frames - pos
                if voice.fade is not None:  # stop reading where the fade ends (a pause point)
                    n = min(n, voice.fade.frames - voice.fade.done_frames)
                split = self._crossfade_point(voice)
                if split is not None and split < n:
                    n = max(split, 0)
                if n > 0:
                    try:
                        block = voice.read(n)
                    except AudioError as exc:
                        self._mark_failed(voice.index, str(exc))
                        voice.ended = True
                        block = np.zeros((0, self.channels))
                    mix[pos : pos + len(block)] += block
                    pos += len(block)
                if voice.fade is not None and voice.fade.finished:
                    self._fade_finished(voice)
                    break
                if split is not None and split <= n and not voice.ended:
                    nxt = self._start_crossfade(voice)
                    if nxt is not None:
                        jobs.append((nxt, pos))
            if voice.ended:
                natural = voice.fade is None and voice.index == self._current
                self._drop(voice)
                if natural and self._is_main(voice):
                    nxt = self._track_ended(voice)
                    if nxt is not None:
                        jobs.append((nxt, pos))

    def _is_main(self, voice: _Voice) -> bool:
        """No other live, non-fading voice of the playlist took over from this one."""
        return not any(v.fade is None and not v.ended for v in self._voices if v is not voice)

    def _crossfade_point(self, voice: _Voice) -> int | None:
        """Frames until ``voice`` should start crossfading into the next item, if it should."""
        xfade_s = self._settings.crossfade_s
        if (
            xfade_s <= 0
            or voice.fade is not None
            or voice.index != self._current
            or self._state is not PlayState.PLAYING
            or (self._sleep is not None and self._sleep.remaining_frames is None)
            or self._following(voice.index, manual=False, step=1) is None
        ):
            return None
        remaining = voice.remaining_frames()
        if remaining is None:
            return None
        return remaining - round(self._crossfade_s(voice) * self.rate_hz)

    def _crossfade_s(self, voice: _Voice) -> float:
        """The crossfade out of ``voice``: at most half its length, so short items are heard."""
        duration = voice.duration_s
        xfade_s = self._settings.crossfade_s
        return xfade_s if duration is None else min(xfade_s, duration / 2)

    def _start_crossfade(self, voice: _Voice) -> _Voice | None:
        remaining = voice.remaining_frames() or 0
        xfade_s = self._crossfade_s(voice)
        voice.fade = Fade(min(remaining, round(xfade_s * self.rate_hz)))
        voice.drop_after_fade = True
        return self._advance(voice.index, onset_fade_s=xfade_s)

    def _track_ended(self, voice: _Voice) -> _Voice | None:
        if self._sleep is not None and self._sleep.remaining_frames is None:
            self._finish_sleep()
            return None
        return self._advance(voice.index, onset_fade_s=self._settings.crossfade_s)

    def _advance(self, index: int, onset_fade_s: float) -> _Voice | None:
        """Start the item after ``index`` (repeat rules, failed items skipped)."""
        tried = 0
        target = self._following(index, manual=False, step=1)
        while target is not None and tried < len(self._items):
            tried += 1
            if self._skip is not None and self._skip(self._items[target]):
                self._events.add(self.callbacks.item_skipped, target)
                if self._settings.repeat is Repeat.ONE:
                    break
                target = self._following(target, manual=True, step=1)
                continue
            voice = self._open_voice(target, onset_fade_s=onset_fade_s)
            if voice is not None:
                self._voices.append(voice)
                self._set_current(target)
                return voice
            if self._settings.repeat is Repeat.ONE:
                break
            target = self._following(target, manual=True, step=1)
        self._set_current(0 if self._items else None)
        if not any(not v.ended for v in self._voices):
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
            self._fade_all(0.0, drop=True)
            self._set_current(index)
            voice = self._open_voice(index, onset_fade_s=safety.FADE_IN_S)
            if voice is not None:
                voice.held = True
                voice.drop_after_fade = False
                self._voices.append(voice)
            return
        if self._state is PlayState.STOPPED:
            self._set_current(index)
            return
        self._switch_to(index, safety.FADE_OUT_S, safety.FADE_IN_S)

    def _switch_to(self, index: int, out_s: float, in_s: float) -> None:
        """Fade out whatever plays and fade ``index`` in (skipping items that fail)."""
        self._fade_all(out_s, drop=True)
        self._set_current(index)
        voice = self._open_voice(index, onset_fade_s=in_s)
        if voice is None:
            voice = self._advance(index, onset_fade_s=in_s)
            if voice is None:
                self._update_active()
                return
        else:
            self._voices.append(voice)
        self._set_state(PlayState.PLAYING)
        self._update_active()

    def _open_voice(
        self, index: int, *, onset_fade_s: float, start_s: float = 0.0
    ) -> _Voice | None:
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
        ramp = GainRamp(self.rate_hz, onset_fade_s=onset_fade_s)
        voice = _Voice(index, item, resampled, ramp, start_s)
        ramp.target_db = self._voice_target_db(voice)
        return voice

    def _mark_failed(self, index: int, reason: str) -> None:
        if 0 <= index < len(self._items):
            self._items[index].failed = reason
            log.warning("cannot play item %d: %s", index, reason)
            self._events.add(self.callbacks.item_failed, index, reason)

    def _drop(self, voice: _Voice) -> None:
        voice.ended = True
        if voice in self._voices:
            self._voices.remove(voice)
        voice.close()

    def _fade_voice(self, voice: _Voice, seconds: float, *, drop: bool) -> None:
        """Fade ``voice`` out (dropping it after, or holding it for resume)."""
        if voice.held or seconds <= 0 or voice.ramp.current_db == SILENT_DB:
            if drop:
                self._drop(voice)
            else:
                voice.held = True
                voice.fade = None
                voice.drop_after_fade = False
            return
        frames = max(1, round(seconds * self.rate_hz))
        already_dropping = voice.fade is not None and voice.drop_after_fade
        if voice.fade is None or voice.fade.frames - voice.fade.done_frames > frames:
            # A new, shorter fade starts from where a running one has got to (no step).
            if voice.fade is not None:
                voice.ramp.scale(voice.fade.value)
            voice.fade = Fade(frames)
        voice.drop_after_fade = drop or already_dropping
        voice.restart_after_fade = False

    def _fade_all(self, seconds: float, *, drop: bool) -> None:
        for voice in list(self._voices):
            self._fade_voice(voice, seconds, drop=drop)
        self._update_active()

    def _fade_finished(self, voice: _Voice) -> None:
        if voice.drop_after_fade:
            voice.ended = True
            return
        voice.fade = None
        if voice.restart_after_fade:
            voice.restart_after_fade = False
            voice.ramp.current_db = SILENT_DB
            voice.ramp.onset_fade_s = safety.FADE_IN_S
        else:
            voice.held = True

    def _resume(self) -> None:
        floor = 10 ** (-(safety.FADE_IN_S * safety.MAX_GAIN_RISE_DB_PER_S) / 20)
        for voice in self._voices:
            if voice.drop_after_fade:
                continue
            if voice.held:
                voice.held = False
                voice.ramp.current_db = SILENT_DB
                voice.ramp.onset_fade_s = safety.FADE_IN_S
            elif voice.fade is not None:
                if voice.fade.value >= floor:
                    voice.ramp.scale(voice.fade.value)
                    voice.fade = None
                else:  # nearly silent: finish the fade, then fade in from silence
                    voice.restart_after_fade = True
        if not self._voices and self._current is not None:
            self._switch_to(self._current, safety.FADE_OUT_S, safety.FADE_IN_S)
        self._set_state(PlayState.PLAYING)
        self._update_active()

    def _main_voice(self) -> _Voice | None:
        for voice in reversed(self._voices):
            if voice.index == self._current and not voice.ended:
                return voice
        return None

    # --- levels ----------------------------------------------------------------------------
    def _effective_ceiling_db(self) -> float:
        ceiling = safety.clamp_ceiling_db(self._settings.ceiling_db)
        if self._settings.migraine:
            ceiling -= safety.MIGRAINE_CEILING_DROP_DB
        return ceiling

    def _apply_levels(self) -> None:
        self._limiter.ceiling_db = self._effective_ceiling_db()
        for voice in self._voices:
            voice.ramp.target_db = self._voice_target_db(voice)

    def _voice_target_db(self, voice: _Voice) -> float:
        volume_db = volume_to_db(self._settings.volume)
        if volume_db == SILENT_DB:
            return SILENT_DB
        loudness = voice.item.loudness_lufs
        if loudness is None and voice.item.path is not None and self._lookup is not None:
            try:
                loudness = self._lookup(voice.item.path)
            except Exception:  # a broken measurement must not stop playback
                log.exception("loudness lookup for %s", voice.item.path)
                loudness = None
        voice.loudness_known = loudness is not None and math.isfinite(loudness)
        if not voice.loudness_known or loudness is None:
            loudness = UNKNOWN_LOUDNESS_LUFS
        target = safety.clamp_loudness_target(self._settings.loudness_target_lufs)
        return min(target - loudness, MAX_NORMALISATION_BOOST_DB) + volume_db

    def _poll_loudness(self) -> None:
        for voice in self._voices:
            if not voice.loudness_known and voice.frames_out >= voice.next_lookup_frame:
                voice.next_lookup_frame = voice.frames_out + round(LOOKUP_EVERY_S * self.rate_hz)
                voice.ramp.target_db = self._voice_target_db(voice)

    # --- sleep timer -----------------------------------------------------------------------
    def _start_sleep(self, frames: int | None, fade_frames: int | None = None) -> None:
        full = round(safety.SLEEP_FADE_S * self.rate_hz)
        left = frames if frames is not None else fade_frames
        fade = full if left is None else max(1, min(full, left))
        if self._sleep is not None and self._sleep.multiplier < 1.0:
            self._fold_sleep()
        self._sleep = _Sleep(frames, fade)

    def _cancel_sleep(self) -> None:
        if self._sleep is not None:
            self._fold_sleep()
        self._sleep = None

    def _fold_sleep(self) -> None:
        """Carry the sleep fade's level into the voices, so cancelling it is no jump up."""
        if self._sleep is None:
            return
        for voice in self._voices:
            voice.ramp.scale(self._sleep.multiplier)
        self._sleep.multiplier = 1.0

    def _sleep_remaining_frames(self) -> float:
        """Frames of playback left on the sleep timer (inf: the track has no known end)."""
        if self._sleep is None:
            return 0
        if self._sleep.remaining_frames is not None:
            return self._sleep.remaining_frames
        voice = self._main_voice()
        remaining = None if voice is None else voice.remaining_frames()
        return math.inf if remaining is None else remaining

    def _sleep_seconds(self) -> float | None:
        return self._sleep_remaining_frames() / self.rate_hz if self._sleep else None

    def _report_sleep(self) -> None:
        """Tell the listener the time left; an unknown end (endless track) is not reported."""
        seconds = self._sleep_seconds()
        if seconds is None or math.isfinite(seconds):
            self._events.add(self.callbacks.sleep_timer, seconds)

    def _sleep_gains(self, frames: int, left: float, *, counting: bool) -> Samples:
        """The sleep fade over the next block; it only moves on while playing."""
        assert self._sleep is not None
        sleep = self._sleep
        if not counting:
            return np.full(frames, sleep.multiplier)
        if sleep.remaining_frames is not None:
            sleep.remaining_frames = max(0, sleep.remaining_frames - frames)
        # Frames still to go at each sample of this block, as a fraction of the fade.
        to_go = (left - np.arange(1, frames + 1)) / sleep.fade_frames
        gains = fade_shape(to_go)
        sleep.multiplier = float(gains[-1])
        return gains

    def _finish_sleep(self) -> None:
        for voice in self._voices:
            voice.close()
        self._voices = []
        self._sleep = None
        self._set_state(PlayState.STOPPED, StopReason.SLEEP_TIMER)
        self._events.add(self.callbacks.sleep_timer, None)

    # --- reporting -------------------------------------------------------------------------
    def _set_state(self, state: PlayState, reason: StopReason = StopReason.ASKED) -> None:
        if state is not self._state:
            self._state = state
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
        audible = any(not v.held and not v.ended for v in self._voices)
        if audible or self._state is PlayState.PLAYING:
            self._active.set()
        else:
            self._active.clear()

    def _flush(self) -> None:
        """Run the callbacks gathered under the lock, now that it is released."""
        with self._lock:
            calls, self._events.calls = self._events.calls, []
        for callback, args in calls:
            try:
                callback(*args)
            except Exception:  # a listener's bug must not stop the audio
                log.exception("engine callback %r failed", callback)
