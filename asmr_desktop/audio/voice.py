"""Voices and crossfades: each item being played, and the mix of all of them.

A :class:`Voice` is one item: its source at the output rate, its normalisation gain, its
volume and fades (one smooth ramp, one fade). Its life is an explicit state machine
(:class:`VoiceState`); every change goes through :meth:`Voice._to`, which refuses a
transition the design does not have. :class:`Mix` sums the voices block by block and splits
a block where one voice hands over to the next (a crossfade), asking the playlist
(:class:`Successors`) what comes next. The engine decides *when* (a pause, a stop); the
voices know *how* (which fade, which ramp).
"""

from __future__ import annotations

import enum
import logging
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.audio.gain import FLOOR_DB, SILENT_DB, Fade, GainRamp, db_to_gain, gain_to_db
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.resample import ResampledSource
from asmr_desktop.core import safety
from asmr_desktop.core.errors import AudioError
from asmr_desktop.dsp.matrix import scale_frames

log = logging.getLogger(__name__)

Samples = NDArray[np.float64]
LoudnessLookup = Callable[[Path], float | None]

#: Until a track's loudness is known it is assumed this loud (as loud as any content can be,
#: see :data:`safety.UNMEASURED_LOUDNESS_LUFS`), so it can never start above the target and
#: rises gently once measured.
UNKNOWN_LOUDNESS_LUFS = safety.UNMEASURED_LOUDNESS_LUFS
#: A frame counts as heard when its voice's gain is above this (-60 dB): the tail of a fade
#: and a slider at 0 are not listening time.
AUDIBLE_GAIN = 10 ** (-60 / 20)
#: Normalisation never boosts a quiet track by more than this (its noise would come up too).
MAX_NORMALISATION_BOOST_DB = safety.MAX_NORMALISATION_BOOST_DB
#: How often loudness is looked up again for a track still unmeasured.
LOOKUP_EVERY_S = 0.5
#: A resume finds a pause fade still above this loudness: it turns round from there. Below
#: it the fade finishes and a fade in from silence follows, which starts at this very level
#: (a ramp turning round lower would only take longer to come back).
TURN_ROUND_FLOOR_LUFS = safety.FADE_IN_FLOOR_LUFS


class VoiceState(enum.Enum):
    """Where a voice is in its life. Only :data:`TRANSITIONS` lead from one to the next."""

    PLAYING = "playing"  # audible, no fade running (its ramp may still be rising: a fade in)
    PAUSING = "pausing"  # fading out, to be held at the end (a pause)
    DIPPING = "dipping"  # resumed too late in a pause fade: finish it, then fade in afresh
    HELD = "held"  # paused and silent; keeps its position for a resume
    FADING_OUT = "fading_out"  # fading out for good: stop, skip, seek, crossfade, removal
    ENDED = "ended"  # source ended or failed, fade done, or dropped: never plays again


TRANSITIONS: dict[VoiceState, frozenset[VoiceState]] = {
    VoiceState.PLAYING: frozenset(
        {VoiceState.PAUSING, VoiceState.HELD, VoiceState.FADING_OUT, VoiceState.ENDED}
    ),
    VoiceState.PAUSING: frozenset(
        {
            VoiceState.PLAYING,  # resumed while still well audible: turns round, no dip
            VoiceState.DIPPING,
            VoiceState.HELD,
            VoiceState.FADING_OUT,
            VoiceState.ENDED,
        }
    ),
    VoiceState.DIPPING: frozenset(
        {
            VoiceState.PLAYING,  # the dip reached silence: the fade in starts
            VoiceState.PAUSING,
            VoiceState.HELD,
            VoiceState.FADING_OUT,
            VoiceState.ENDED,
        }
    ),
    VoiceState.HELD: frozenset({VoiceState.PLAYING, VoiceState.ENDED}),
    # Fading out for good never turns back: a pause or resume cannot revive it.
    VoiceState.FADING_OUT: frozenset({VoiceState.ENDED}),
    VoiceState.ENDED: frozenset(),
}


class VoiceStateError(AudioError):
    """A voice was asked for a change its state machine does not allow (a bug in the engine)."""


class Voice:
    """One item being played: source -> gain ramp (normalisation x volume) -> optional fade."""

    def __init__(
        self,
        index: int,
        item: PlaylistItem,
        source: ResampledSource,
        *,
        start_s: float = 0.0,
    ) -> None:
        self.index = index  # position in the playlist; -1 once the item was removed
        self.item = item
        self.source = source
        self.ramp = GainRamp(source.rate_hz)
        self.start_s = start_s
        self.frames_out = 0
        self.fade: Fade | None = None  # set in PAUSING, DIPPING and FADING_OUT (and kept)
        #: Frames of this voice that reached the mix above AUDIBLE_GAIN (what was heard).
        self.audible_frames = 0
        #: Per frame of the last :meth:`read`, how much its ramp rose into it (dB, >= 0; None:
        #: nowhere): the startle guard divides a fade in out (a fade in is no startle).
        self.rise_db: Samples | None = None
        self._aimed_db = SILENT_DB  # the gain aimed at (normalisation x volume)
        self._normalisation_db = 0.0  # the normalisation part of it (dB)
        #: A layer (a soundscape preview) sounds over the playlist in the same mix and
        #: limiter, but is no playlist item: never the main voice, never counted as heard.
        self.layer = False
        #: Added to the gain aimed at (a preview plays a little under the volume).
        self.offset_db = 0.0
        self.loudness_known = False
        #: The loudness its gain is set for (measured, or assumed while unmeasured).
        self.loudness_lufs = UNKNOWN_LOUDNESS_LUFS
        self._next_lookup_frame = 0
        self._state = VoiceState.PLAYING
        self._ended_from: VoiceState | None = None
        self._closed = False

    # --- state -----------------------------------------------------------------------------
    @property
    def state(self) -> VoiceState:
        return self._state

    def _to(self, state: VoiceState) -> None:
        if state is self._state:
            return
        if state not in TRANSITIONS[self._state]:
            raise VoiceStateError(
                f"Playback hit an internal error: a voice cannot go from {self._state.value} "
                f"to {state.value}. Please report this; playback pauses."
            )
        if state is VoiceState.ENDED:
            self._ended_from = self._state
        self._state = state

    @property
    def audible(self) -> bool:
        """Read and mixed in each block: not held, not ended."""
        return self._state not in (VoiceState.HELD, VoiceState.ENDED)

    @property
    def ended(self) -> bool:
        return self._state is VoiceState.ENDED

    @property
    def ended_naturally(self) -> bool:
        """It ended while playing (its source ran out or failed), not at the end of a fade."""
        return self._ended_from is VoiceState.PLAYING

    # --- transitions -----------------------------------------------------------------------
    def fade_out(self, frames: int, *, end: bool) -> None:
        """Fade to silence over ``frames`` (0: at once), then end (``end``) or be held.

        A fade already running and shorter stays; a new, shorter one starts from where the
        running one has got to, so there is no step. Once fading out for good, a voice stays
        on its way out whatever is asked after.
        """
        end = end or self._state is VoiceState.FADING_OUT
        if self._state is VoiceState.HELD or frames <= 0 or self.ramp.current_db == SILENT_DB:
            if end:
                self._to(VoiceState.ENDED)
            else:
                self.fade = None
                self._to(VoiceState.HELD)
            return
        if self.fade is None or self.fade.frames - self.fade.done_frames > frames:
            if self.fade is not None:
                self.ramp.scale(self.fade.value)
            self.fade = Fade(frames)
        self._to(VoiceState.FADING_OUT if end else VoiceState.PAUSING)
        self._apply_aim()

    def crossfade_out(self, frames: int) -> None:
        """Fade out over ``frames`` while the next item fades in (only from PLAYING)."""
        if self._state is not VoiceState.PLAYING:
            raise VoiceStateError(
                "Playback hit an internal error: only a playing voice can crossfade out."
            )
        self.fade = Fade(frames)
        self._to(VoiceState.FADING_OUT)
        self._apply_aim()

    def fade_finished(self) -> None:
        """The running fade reached silence: end, hold, or (after a dip) fade in afresh."""
        if self._state is VoiceState.FADING_OUT:
            self._to(VoiceState.ENDED)
            return
        self.fade = None
        if self._state is VoiceState.DIPPING:
            self._fade_in_from_silence()
            self._to(VoiceState.PLAYING)
        else:
            self._to(VoiceState.HELD)

    def hold(self) -> None:
        """Silent at once, position kept (opened while paused, or the output failed)."""
        self.fade = None
        self._to(VoiceState.HELD)

    def resume(self) -> None:
        """Play again after a pause; a voice fading out for good or playing is left alone."""
        if self._state is VoiceState.HELD:
            self._fade_in_from_silence()
            self._to(VoiceState.PLAYING)
        elif self._state in (VoiceState.PAUSING, VoiceState.DIPPING) and self.fade is not None:
            if self.level_lufs >= TURN_ROUND_FLOOR_LUFS:
                self.ramp.scale(self.fade.value)  # rise from where the fade has got to
                self.fade = None
                self._apply_aim()
                self._to(VoiceState.PLAYING)
            else:
                self._to(VoiceState.DIPPING)

    def end(self) -> None:
        """Ended for good (dropped, failed); closes the source once."""
        self._to(VoiceState.ENDED)
        if not self._closed:
            self._closed = True
            try:
                self.source.close()
            except Exception:  # closing must never stop playback
                log.exception("closing %s", self.item.title)

    def _fade_in_from_silence(self) -> None:
        self.ramp.current_db = SILENT_DB
        self._apply_aim()

    def _apply_aim(self) -> None:
        """The ramp heads for the gain aimed at; while a fade runs it may fall, never rise:
        a fade out only falls, even if the track was measured quieter meanwhile (issue 15:
        quitting while an unmeasured track still rose made the fade swell first).

        A rise from silence begins where this voice sounds at the fade-in floor
        (:data:`safety.FADE_IN_FLOOR_LUFS`, an absolute level at the output), whatever its
        loudness and target: the assumed loudness of an unmeasured track (the loudest any
        content can be) keeps that true for it too."""
        self.ramp.onset_db = safety.FADE_IN_FLOOR_LUFS - self.loudness_lufs
        if self.fade is None:
            self.ramp.target_db = self._aimed_db
        else:
            self.ramp.target_db = min(self._aimed_db, self.ramp.current_db)

    # --- position --------------------------------------------------------------------------
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

    def frames_to_read(self, frames: int) -> int:
        """How much of ``frames`` to read now: a fade stops reading where it ends (a pause)."""
        if self.fade is None:
            return frames
        return min(frames, self.fade.frames - self.fade.done_frames)

    def read(self, frames: int) -> Samples:
        """Up to ``frames`` gained frames; fewer when the source ended (then ENDED).

        A DecodeError escapes: the caller marks the item failed and calls :meth:`end`.
        """
        block = self.source.read(frames)
        # A generator's bug must not poison filter states. One sum finds any NaN or inf
        # (a sum that overflows only costs a needless pass).
        if not np.isfinite(block.sum()):
            block = np.nan_to_num(block, nan=0.0, posinf=0.0, neginf=0.0)
        n = len(block)
        self.frames_out += n
        if self.fade is None and self.ramp.settled:  # the usual case: one gain throughout
            gain = db_to_gain(self.ramp.current_db)
            self.rise_db = None
            self.audible_frames += n if gain > AUDIBLE_GAIN else 0
            if n < frames:
                self._to(VoiceState.ENDED)
            return np.multiply(block, gain, dtype=np.float64)
        block = block.astype(np.float64)
        rising = self.ramp.rising and self.fade is None
        was_db = self.ramp.current_db
        gains = self.ramp.render(n)
        self.rise_db = None
        if rising and n:  # the steps of the ramp, sample to sample (none into the onset)
            ramp_db = 20.0 * np.log10(np.maximum(gains, db_to_gain(FLOOR_DB)))
            first = ramp_db[0] if was_db == SILENT_DB else was_db
            self.rise_db = np.maximum(np.diff(ramp_db, prepend=first), 0.0)
        if self.fade is not None:
            gains = gains * self.fade.render(n)
        self.audible_frames += int(np.count_nonzero(gains > AUDIBLE_GAIN))
        if n < frames:
            self._to(VoiceState.ENDED)
        return scale_frames(block, gains)

    # --- level -----------------------------------------------------------------------------
    def aim(self, target_lufs: float, volume_db: float, lookup: LoudnessLookup | None) -> None:
        """Set the ramp's target: normalise to ``target_lufs``, then the volume on top."""
        if volume_db == SILENT_DB:
            self._aimed_db = SILENT_DB
            self._apply_aim()
            return
        loudness = self.item.loudness_lufs
        if loudness is None and self.item.path is not None and lookup is not None:
            try:
                loudness = lookup(self.item.path)
            except Exception:  # a broken measurement must not stop playback
                log.exception("loudness lookup for %s", self.item.path)
                loudness = None
        self.loudness_known = loudness is not None and math.isfinite(loudness)
        if not self.loudness_known or loudness is None:
            loudness = UNKNOWN_LOUDNESS_LUFS
        self.loudness_lufs = loudness
        # The engine gives the effective target (migraine mode may put it below the range).
        target = min(target_lufs, safety.LOUDNESS_TARGET_MAX_LUFS)
        self._normalisation_db = min(target - loudness, MAX_NORMALISATION_BOOST_DB)
        self._aimed_db = self._normalisation_db + volume_db + self.offset_db
        self._apply_aim()

    @property
    def lift_headroom_db(self) -> float:
        """How far the quiet-passage lift may raise it before its total gain passes the
        normalisation boost limit (0 while its loudness is unknown, or before it is aimed)."""
        if not self.loudness_known:
            return 0.0
        return max(0.0, MAX_NORMALISATION_BOOST_DB - self._normalisation_db)

    @property
    def level_lufs(self) -> float:
        """The loudness it plays at now: its loudness plus its gain and fade (-inf: silent)."""
        fade_db = gain_to_db(self.fade.value) if self.fade is not None else 0.0
        return self.loudness_lufs + self.ramp.current_db + fade_db

    def continue_from(self, level_lufs: float) -> None:
        """Start no louder than ``level_lufs`` (the voice it follows gaplessly ended there),
        rising from it at the gain-rise bound: a handover is never a step up.

        This is no start from silence (the last track sounded until this sample), so it
        does not drop to the fade-in floor either: it goes on at the level the last one
        ended at, or at its own if that is lower. Without it a quiet track whose boost was
        capped followed by a loud one stepped 12 dB (issue 15, item 4).
        """
        ramp = self.ramp
        if ramp.current_db != SILENT_DB or not math.isfinite(level_lufs):
            return
        start = min(ramp.target_db, level_lufs - self.loudness_lufs)
        if math.isfinite(start):
            ramp.current_db = max(start, FLOOR_DB)

    def lookup_due(self) -> bool:
        """Unmeasured and due for another look (every :data:`LOOKUP_EVERY_S` of playback)."""
        if self.loudness_known or self.frames_out < self._next_lookup_frame:
            return False
        self._next_lookup_frame = self.frames_out + round(LOOKUP_EVERY_S * self.rate_hz)
        return True


#: (position, frames, the voice's rise per frame or None) of each read of a block.
RisePart = tuple[int, int, Samples | None]


def rises_of(frames: int, parts: Sequence[RisePart]) -> Samples | None:
    """How much the sum of the voices read in ``parts`` rose into each of ``frames`` frames
    (dB, >= 0; None: nowhere): the least of the voices sounding there. A sum rises no less
    than its least rising part, so the guard, which divides this out, never takes more of
    a rise in the mix for a fade than there was."""
    if all(rise is None for _, _, rise in parts):
        return None
    out = np.full(frames, np.inf)
    for pos, n, rise in parts:
        part = out[pos : pos + n]
        np.minimum(part, 0.0 if rise is None else rise[:n], out=part)
    out[np.isinf(out)] = 0.0  # nothing sounded there
    return out


@dataclass(frozen=True)
class Successors:
    """What the playlist answers while a block is mixed (the engine's, under its lock)."""

    #: Seconds of crossfade out of this voice into the next item; None: it hands over
    #: gaplessly at its end, or nothing follows it.
    crossfade_s: Callable[[Voice], float | None]
    #: The voice has begun fading out over that crossfade: start the next item with that
    #: fade in (added to the mix), or None.
    crossfade_into: Callable[[Voice, float], Voice | None]
    #: The voice ran out while playing: start what follows (added to the mix), or None.
    after_end: Callable[[Voice], Voice | None]
    #: Reading the voice failed with this one-line reason (it ends).
    failed: Callable[[Voice, str], None]


@dataclass
class _Tally:
    item: PlaylistItem
    frames: int = 0


@dataclass(frozen=True)
class Heard:
    """What reached the mix audibly since the last count: (item, seconds) in the order each
    was first heard (a crossfade counts for both), and the item heard last."""

    items: tuple[tuple[PlaylistItem, float], ...] = ()
    last: PlaylistItem | None = None


class Mix:
    """The voices sounding now (and held ones), summed into blocks."""

    def __init__(self, rate_hz: int, channels: int) -> None:
        self.rate_hz = rate_hz
        self.channels = channels
        self._voices: list[Voice] = []
        # Keyed by id(item): items are dataclasses (unhashable), and two equal entries of a
        # playlist are still two things heard.
        self._heard: dict[int, _Tally] = {}
        self._last_heard: PlaylistItem | None = None
        #: The voices' rises over the last :meth:`render` (see :func:`rises_of`).
        self.rise_parts: list[RisePart] = []

    def heard(self, *, reset: bool) -> Heard:
        """What was heard since counting began; with ``reset`` counting begins afresh."""
        items = tuple((t.item, t.frames / self.rate_hz) for t in self._heard.values())
        heard = Heard(items, self._last_heard)
        if reset:
            self._heard = {}
            self._last_heard = None
        return heard

    def _count(self, voice: Voice, before: int) -> None:
        frames = voice.audible_frames - before
        if frames <= 0 or voice.layer:
            return
        self._heard.setdefault(id(voice.item), _Tally(voice.item)).frames += frames
        self._last_heard = voice.item

    def __iter__(self) -> Iterator[Voice]:
        return iter(list(self._voices))

    def __len__(self) -> int:
        return len(self._voices)

    def add(self, voice: Voice) -> None:
        self._voices.append(voice)

    def drop(self, voice: Voice) -> None:
        voice.end()
        if voice in self._voices:
            self._voices.remove(voice)

    def drop_all(self) -> None:
        for voice in self:
            self.drop(voice)

    def fade(self, voice: Voice, seconds: float, *, end: bool) -> None:
        """Fade ``voice`` out over ``seconds`` (0: at once), ending or holding it after."""
        voice.fade_out(max(1, round(seconds * self.rate_hz)) if seconds > 0 else 0, end=end)
        if voice.ended:
            self.drop(voice)

    def fade_all(self, seconds: float, *, end: bool, layers: bool = False) -> None:
        """Fade the playlist's voices (and with ``layers`` the previews too)."""
        for voice in self:
            if layers or not voice.layer:
                self.fade(voice, seconds, end=end)

    def playlist(self) -> list[Voice]:
        """The voices of playlist items (no layers)."""
        return [voice for voice in self._voices if not voice.layer]

    def layers(self) -> list[Voice]:
        """The layers sounding over the playlist (a preview)."""
        return [voice for voice in self._voices if voice.layer]

    @property
    def audible(self) -> bool:
        return any(voice.audible for voice in self._voices)

    @property
    def rising(self) -> bool:
        """Some audible voice's gain is going up (a fade in, a volume move)."""
        return any(voice.ramp.rising for voice in self._voices if voice.audible)

    def main(self, index: int | None) -> Voice | None:
        """The newest live voice of item ``index``."""
        for voice in reversed(self._voices):
            if voice.index == index and not voice.ended and not voice.layer:
                return voice
        return None

    def is_main(self, voice: Voice) -> bool:
        """No other voice is playing or held: none took over from this one."""
        steady = (VoiceState.PLAYING, VoiceState.HELD)
        return not any(v.state in steady for v in self._voices if v is not voice and not v.layer)

    def aim(self, target_lufs: float, volume_db: float, lookup: LoudnessLookup | None) -> None:
        for voice in self._voices:
            voice.aim(target_lufs, volume_db, lookup)

    def poll_loudness(
        self, target_lufs: float, volume_db: float, lookup: LoudnessLookup | None
    ) -> None:
        """Look again for the loudness of voices still unmeasured (it may have landed)."""
        for voice in self._voices:
            if voice.lookup_due():
                voice.aim(target_lufs, volume_db, lookup)

    def render(self, frames: int, successors: Successors) -> Samples:
        """The sum of all audible voices over the next ``frames`` frames (and in
        :attr:`rise_parts` how the voices rose: see :func:`rises_of`)."""
        mix = np.zeros((frames, self.channels))
        self.rise_parts = []
        jobs = [(voice, 0) for voice in self._voices if voice.audible]
        i = 0
        while i < len(jobs):
            voice, pos = jobs[i]
            i += 1
            while pos < frames and voice.audible:
                n = voice.frames_to_read(frames - pos)
                split = self._handover_point(voice, successors)
                if split is not None and split < n:
                    n = max(split, 0)
                if n > 0:
                    before = voice.audible_frames
                    try:
                        block = voice.read(n)
                    except AudioError as exc:
                        successors.failed(voice, str(exc))
                        voice.end()
                        block = np.zeros((0, self.channels))
                    self._count(voice, before)
                    mix[pos : pos + len(block)] += block
                    self.rise_parts.append((pos, len(block), voice.rise_db))
                    pos += len(block)
                if voice.fade is not None and voice.fade.finished:
                    voice.fade_finished()
                    break
                if split is not None and split <= n and not voice.ended:
                    nxt = self._hand_over(voice, successors)
                    if nxt is not None:
                        jobs.append((nxt, pos))
            if voice.ended:
                natural = voice.ended_naturally
                self.drop(voice)
                if natural:
                    nxt = successors.after_end(voice)
                    if nxt is not None:
                        jobs.append((nxt, pos))
        return mix

    def _handover_point(self, voice: Voice, successors: Successors) -> int | None:
        """Frames until ``voice`` starts crossfading into the next item, if it does."""
        if voice.state is not VoiceState.PLAYING:
            return None
        xfade_s = successors.crossfade_s(voice)
        remaining = voice.remaining_frames()
        if xfade_s is None or remaining is None:
            return None
        return remaining - round(xfade_s * self.rate_hz)

    def _hand_over(self, voice: Voice, successors: Successors) -> Voice | None:
        xfade_s = successors.crossfade_s(voice)
        assert xfade_s is not None  # it was a handover point a moment ago
        remaining = voice.remaining_frames() or 0
        voice.crossfade_out(min(remaining, round(xfade_s * self.rate_hz)))
        return successors.crossfade_into(voice, xfade_s)
