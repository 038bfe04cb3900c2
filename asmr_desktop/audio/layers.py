"""Layers under the playlist (issue 17): a background bed and up to four soundscapes.

Each layer is a :class:`~asmr_desktop.audio.voice.Voice` of its own (normalised to the
loudness target, its volume and fades in one smooth ramp), summed with the playlist's
voices *before* the one startle guard and limiter, so the ceiling, the fades, the sleep
timer and the 6 dB/s rise bound hold for the sum, not for each part. The engine owns a
:class:`LayerMix` and drives it with the transport: layers fade in on Play, fade out on
pause and stop, and never sound without the playlist.

Normalising the sum. Every voice is first brought to the target on its own. Layers are
different sounds (a bed, rain, a purr: uncorrelated noise-like signals, each generator
with its own seed), so their powers add: two at the target measure +3 dB, four +6 dB, and
the playlist with a bed and four layers at full volume +7.8 dB. So every voice, playlist
included, also takes :func:`sum_share_db`, the same cut of ``10 log10(sum of the relative
powers)`` whenever that sum exceeds one source at the target; the sum then measures the
target (times the main volume), never more. With no layer it is 0 dB: the playlist plays
exactly as before. Correlated layers (the same sound twice with one seed) would add +6 dB
per doubling; the listening service gives each new layer its own seed so they never are.

A layer costs work only while audible (Blanket's habit): a layer at volume 0, a failed one,
and every layer while stopped or paused have no running source; a voice whose volume went to
0 is closed once its ramp reaches silence, and opened afresh (fading in) when it comes back.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.audio.gain import SILENT_DB, volume_to_db
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.resample import ResampledSource
from asmr_desktop.audio.source import Block, Source
from asmr_desktop.audio.voice import LoudnessLookup, RisePart, Voice
from asmr_desktop.core import safety
from asmr_desktop.core.defaults import BEDS_MAX, LAYERS_MAX
from asmr_desktop.core.errors import AudioError, DecodeError

log = logging.getLogger(__name__)

Samples = NDArray[np.float64]

#: The playlist index a layer's voice carries (it is no playlist item).
LAYER_INDEX = -3
#: A bed file on loop: its end is crossfaded into its start over this long.
LOOP_SEAM_S = 0.05


class LayerError(AudioError):
    """A layer cannot be added or changed (the cap is reached, or no such layer)."""


@dataclass(frozen=True)
class LayerInfo:
    """One layer as the front ends show and save it."""

    key: int
    item: PlaylistItem
    #: Its own volume (slider 0-1, on top of the main volume).
    volume: float
    #: The background bed (a soundscape or a file on loop), not one of the four layers.
    bed: bool
    #: A one-line reason once it could not play (it stays listed, silent).
    failed: str | None = None


def sum_share_db(volumes_db: Iterable[float]) -> float:
    """The gain (dB, <= 0) every voice takes so that the playlist (0 dB) plus layers at
    ``volumes_db`` (relative to it), summed as uncorrelated powers, measure no more than one
    source at the target: ``-10 log10(1 + sum(10^(v/10)))`` when that sum is over 1, else 0.
    """
    power = 1.0 + sum(10.0 ** (v / 10.0) for v in volumes_db if v != SILENT_DB)
    return -10.0 * math.log10(power) if power > 1.0 else 0.0


class LoopedSource:
    """A file played over and over (a bed): endless, each end crossfaded into the start.

    The last :data:`LOOP_SEAM_S` of the file is held back until the next pass begins, then
    mixed into that pass's first samples with an equal-power crossfade (the two ends of a
    recording are uncorrelated), so the seam neither clicks nor leaves a gap.
    """

    def __init__(self, open_source: Callable[[], Source], seam_s: float = LOOP_SEAM_S) -> None:
        self._open = open_source
        self._source = open_source()
        self._seam = max(1, round(seam_s * self._source.rate_hz))
        duration = self._source.duration_s
        if duration is not None and duration * self._source.rate_hz < 4 * self._seam:
            self._source.close()
            raise DecodeError("the file is too short to play on loop")
        self._buffer: Block = np.zeros((0, self._source.channels), dtype=np.float32)
        self.loops = 0

    @property
    def rate_hz(self) -> int:
        return self._source.rate_hz

    @property
    def channels(self) -> int:
        return self._source.channels

    @property
    def duration_s(self) -> float | None:
        return None  # endless

    def read(self, frames: int) -> Block:
        while len(self._buffer) < frames + self._seam:
            block = self._source.read(max(frames, 4096))
            if len(block):
                self._buffer = np.concatenate([self._buffer, block.astype(np.float32)])
                continue
            self._start_again()
        out, self._buffer = self._buffer[:frames], self._buffer[frames:]
        return out

    def _start_again(self) -> None:
        self._source.close()
        self._source = self._open()
        seam = self._seam
        head = self._source.read(seam)
        while 0 < len(head) < seam:
            more = self._source.read(seam - len(head))
            if not len(more):
                break
            head = np.concatenate([head, more])
        if len(head) < seam or len(self._buffer) < seam:
            raise DecodeError("the file stopped playing on loop (it reads shorter than before)")
        t = (np.arange(seam, dtype=np.float64) + 0.5) / seam
        out_gain, in_gain = np.cos(0.5 * np.pi * t)[:, None], np.sin(0.5 * np.pi * t)[:, None]
        tail = self._buffer[-seam:].astype(np.float64)
        self._buffer[-seam:] = (tail * out_gain + head * in_gain).astype(np.float32)
        self.loops += 1

    def close(self) -> None:
        self._source.close()


@dataclass
class _Slot:
    key: int
    item: PlaylistItem
    volume: float
    bed: bool
    voice: Voice | None = None
    failed: str | None = None

    def info(self) -> LayerInfo:
        return LayerInfo(self.key, self.item, self.volume, self.bed, self.failed)

    @property
    def wanted(self) -> bool:
        """It should have a running voice while layers sound."""
        return self.volume > 0.0 and self.failed is None


@dataclass
class _Tally:
    item: PlaylistItem
    frames: int = 0


class LayerMix:
    """The layers' voices, summed into blocks (the engine's, under its lock)."""

    def __init__(self, rate_hz: int, channels: int) -> None:
        self.rate_hz = rate_hz
        self.channels = channels
        #: The layers' rises over the last :meth:`render` (see :func:`voice.rises_of`).
        self.rise_parts: list[RisePart] = []
        self._slots: list[_Slot] = []
        self._leaving: list[tuple[int, Voice]] = []  # (key, voice) removed or stopped: fading out
        self._next_key = 1
        #: The playlist plays: wanted layers run (paused or stopped, none opens).
        self._playing = False
        self._heard: dict[int, _Tally] = {}  # by key, in the order first heard
        self._target_lufs = safety.LOUDNESS_TARGET_DEFAULT_LUFS
        self._volume_db = SILENT_DB
        self._lookup: LoudnessLookup | None = None

    # --- what there is ---------------------------------------------------------------------
    def infos(self) -> list[LayerInfo]:
        return [slot.info() for slot in self._slots]

    def share_db(self) -> float:
        """The cut every voice takes for the sum (see :func:`sum_share_db`): only layers
        that sound count, so a stopped or muted layer takes nothing from the playlist."""
        if not self._playing:
            return 0.0
        return sum_share_db(volume_to_db(s.volume) for s in self._slots if s.wanted)

    @property
    def audible(self) -> bool:
        return any(voice.audible for voice in self._voices())

    @property
    def rising(self) -> bool:
        return any(voice.ramp.rising for voice in self._voices() if voice.audible)

    def heard(self, *, reset: bool) -> tuple[tuple[PlaylistItem, float], ...]:
        """(item, seconds audible) of each layer heard since counting began."""
        heard = tuple((t.item, t.frames / self.rate_hz) for t in self._heard.values())
        if reset:
            self._heard = {}
        return heard

    # --- changes ---------------------------------------------------------------------------
    def add(self, item: PlaylistItem, volume: float, *, bed: bool, fade_frames: int) -> int:
        """Add a layer (a bed replaces the bed there was); its key. LayerError past the cap."""
        if bed:  # the new bed takes the place of the oldest
            beds = [s for s in self._slots if s.bed]
            for old in beds[: max(0, len(beds) - BEDS_MAX + 1)]:
                self.remove(old.key, fade_frames)
        elif sum(1 for s in self._slots if not s.bed) >= LAYERS_MAX:
            raise LayerError(
                f"At most {LAYERS_MAX} soundscape layers play together; remove one first."
            )
        slot = _Slot(self._next_key, item, _volume(volume), bed)
        self._next_key += 1
        self._slots.append(slot)
        self._open_if_wanted(slot)
        return slot.key

    def remove(self, key: int, fade_frames: int) -> None:
        slot = self._slot(key)
        self._slots.remove(slot)
        self._let_go(slot, fade_frames)

    def clear(self, fade_frames: int) -> None:
        for slot in list(self._slots):
            self.remove(slot.key, fade_frames)

    def set_volume(self, key: int, volume: float) -> None:
        slot = self._slot(key)
        slot.volume = _volume(volume)
        self._open_if_wanted(slot)

    # --- transport -------------------------------------------------------------------------
    def start(self) -> None:
        """The playlist plays: wanted layers fade in (or turn round from a pause)."""
        self._playing = True
        for slot in self._slots:
            if slot.voice is not None:
                slot.voice.resume()
            self._open_if_wanted(slot)

    def pause(self, fade_frames: int) -> None:
        self._playing = False
        for slot in self._slots:
            if slot.voice is not None:
                slot.voice.fade_out(fade_frames, end=False)

    def stop(self, fade_frames: int) -> None:
        self._playing = False
        for slot in self._slots:
            self._let_go(slot, fade_frames)

    def hold_all(self) -> None:
        """Silent at once, kept for a resume (the output failed); what was leaving goes."""
        self._playing = False
        for _key, voice in self._leaving:
            voice.end()
        self._leaving = []
        for slot in self._slots:
            if slot.voice is not None:
                slot.voice.hold()

    def drop_all(self) -> None:
        """Silent at once, for good (the sleep timer has faded everything out)."""
        self._playing = False
        for slot in self._slots:
            self._let_go(slot, 0)
        for _key, voice in self._leaving:
            voice.end()
        self._leaving = []

    def scale(self, factor: float) -> None:
        """Fold a multiplier into every layer's level (a cancelled sleep fade), no step."""
        for voice in self._voices():
            voice.ramp.scale(factor)

    # --- levels ----------------------------------------------------------------------------
    def aim(self, target_lufs: float, volume_db: float, lookup: LoudnessLookup | None) -> None:
        """Each layer heads for the target, the main volume (with the sum's share) and its
        own volume on top."""
        self._target_lufs, self._volume_db, self._lookup = target_lufs, volume_db, lookup
        for slot in self._slots:
            self._open_if_wanted(slot)
            if slot.voice is not None:
                self._aim(slot)

    def poll_loudness(self) -> None:
        """Look again for the loudness of a bed file still unmeasured."""
        for slot in self._slots:
            if slot.voice is not None and slot.voice.lookup_due():
                self._aim(slot)

    # --- rendering -------------------------------------------------------------------------
    def render(self, frames: int) -> Samples:
        """The sum of the audible layers over the next ``frames`` frames (and in
        :attr:`rise_parts` how they rose, as :meth:`Mix.render`'s)."""
        mix = np.zeros((frames, self.channels))
        self.rise_parts = []
        for slot in self._slots:
            if slot.voice is not None:
                self._render_voice(slot.voice, mix, slot.key, slot)
                if slot.voice.ended or _silent(slot.voice):
                    slot.voice.end()  # silent for good (volume 0): free its source
                    slot.voice = None
        for key, voice in list(self._leaving):
            self._render_voice(voice, mix, key, None)
            if voice.ended or _silent(voice):
                voice.end()
                self._leaving.remove((key, voice))
        return mix

    def _render_voice(self, voice: Voice, mix: Samples, key: int, slot: _Slot | None) -> None:
        pos = 0
        while pos < len(mix) and voice.audible and not _silent(voice):
            n = voice.frames_to_read(len(mix) - pos)
            if n > 0:
                before = voice.audible_frames
                try:
                    block = voice.read(n)
                except AudioError as exc:
                    self._failed(voice, slot, str(exc))
                    return
                self._count(voice, key, voice.audible_frames - before)
                mix[pos : pos + len(block)] += block
                self.rise_parts.append((pos, len(block), voice.rise_db))
                pos += len(block)
                if len(block) < n:  # an endless source ended: a failure of its own kind
                    self._failed(voice, slot, "it stopped playing")
                    return
            if voice.fade is not None and voice.fade.finished:
                voice.fade_finished()
                return

    # --- helpers ---------------------------------------------------------------------------
    def voices(self) -> list[Voice]:
        """The layers' voices sounding or held now."""
        return self._voices()

    def _voices(self) -> list[Voice]:
        return [s.voice for s in self._slots if s.voice is not None] + [
            voice for _key, voice in self._leaving
        ]

    def _slot(self, key: int) -> _Slot:
        for slot in self._slots:
            if slot.key == key:
                return slot
        raise LayerError("That layer is no longer playing.")

    def _let_go(self, slot: _Slot, fade_frames: int) -> None:
        voice, slot.voice = slot.voice, None
        if voice is None:
            return
        voice.fade_out(fade_frames, end=True)
        if voice.ended:
            voice.end()
        else:
            self._leaving.append((slot.key, voice))

    def _open_if_wanted(self, slot: _Slot) -> None:
        if slot.voice is not None or not self._playing or not slot.wanted:
            return
        if self._volume_db == SILENT_DB:
            return  # the main volume is at 0: nothing would be heard
        try:
            if slot.bed and slot.item.path is not None:
                source: Source = LoopedSource(slot.item.open)
            else:
                source = slot.item.open()
            voice = Voice(
                LAYER_INDEX,
                slot.item,
                ResampledSource(source, self.rate_hz, self.channels),
            )
        except AudioError as exc:
            slot.failed = str(exc)
            log.info("cannot play layer %s: %s", slot.item.title, exc)
            return
        voice.layer = True
        slot.voice = voice
        self._aim(slot)

    def _aim(self, slot: _Slot) -> None:
        assert slot.voice is not None
        slot.voice.offset_db = volume_to_db(slot.volume)
        slot.voice.aim(self._target_lufs, self._volume_db, self._lookup)

    def _count(self, voice: Voice, key: int, frames: int) -> None:
        if frames <= 0:
            return
        self._heard.setdefault(key, _Tally(voice.item)).frames += frames

    def _failed(self, voice: Voice, slot: _Slot | None, reason: str) -> None:
        log.info("layer %s failed: %s", voice.item.title, reason)
        voice.end()
        if slot is not None:
            slot.failed = reason


def _volume(volume: float) -> float:
    return max(0.0, min(1.0, volume)) if volume == volume else 0.0


def _silent(voice: Voice) -> bool:
    """Its ramp has reached silence and stays there (volume 0): nothing more to hear."""
    return voice.ramp.current_db == SILENT_DB and voice.ramp.target_db == SILENT_DB
