"""Audio tracks of the containers libsndfile cannot read (M4A/AAC, WebM, MKV, MP4, MOV),
streamed through FFmpeg's libraries in PyAV.

PyAV was chosen over the FFmpeg that PySide6-Addons ships for QtMultimedia (issue 21): it
decoded AAC about twice as fast here, and it works without Qt, so ``render`` and ``analyze``
and the analysis workers read these files as the player does. Only the audio stream is
demuxed and decoded; a video track in the same file costs nothing but reading past its
packets. bench/bench_audio.py measures the speed beside libsndfile.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import av.error
import numpy as np
from numpy.typing import NDArray

from asmr_desktop.audio.channels import MAX_CHANNELS, downmix
from asmr_desktop.audio.source import Block
from asmr_desktop.core.errors import DecodeError

log = logging.getLogger(__name__)

#: Packets in a row that may fail to decode (a damaged stretch is skipped, as players do)
#: before the file counts as undecodable.
MAX_BAD_PACKETS = 50

#: How far before a seek's target decoding starts, so the decoder is settled by then.
PREROLL_S = 1.0

#: Scale of each integer sample format to [-1, 1).
_INT_SCALE = {np.dtype(np.int16): 1 / 32768, np.dtype(np.int32): 1 / 2**31}


class FFmpegSource:
    """A :class:`~asmr_desktop.audio.source.Source` reading a file's first audio stream
    through FFmpeg, at the stream's own rate, in blocks (never the whole file).

    Channel layouts as :class:`~asmr_desktop.audio.decoder.FileSource`: mono and stereo pass
    through, more channels are folded to stereo (FFmpeg's 5.1 order is WAV's), and
    ``fold=False`` keeps them all for the analysis. Raises :class:`DecodeError` naming the
    file when it is missing, not a media file, or holds no audio.
    """

    def __init__(self, path: Path, *, fold: bool = True) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise DecodeError(f"{self.path}: file not found (moved or deleted?)")
        try:
            self._container = av.open(str(self.path), mode="r")
        except (av.error.FFmpegError, OSError, ValueError) as exc:
            log.debug("FFmpeg cannot open %s: %s", self.path, exc)
            raise DecodeError(
                f"{self.path}: not a playable audio file (unknown format, or damaged)"
            ) from exc
        if not self._container.streams.audio:
            self._container.close()
            raise DecodeError(f"{self.path}: the file holds no audio (a video without sound?)")
        self._stream = self._container.streams.audio[0]
        context = self._stream.codec_context
        rate, have = int(context.sample_rate or 0), int(context.channels or 0)
        if rate <= 0 or have <= 0:
            self._container.close()
            raise DecodeError(f"{self.path}: the file holds no audio")
        self._rate_hz = rate
        self._have = have
        self._channels = min(have, MAX_CHANNELS) if fold else have
        self._duration_s = self._probe_duration()
        self._frames: Iterator[tuple[int | None, Block]] | None = None
        self._pending = np.zeros((0, self._channels), dtype=np.float32)
        self._position = 0
        self._closed = False

    def _probe_duration(self) -> float | None:
        stream = self._stream
        if stream.duration is not None and stream.time_base is not None:
            return max(0.0, float(stream.duration * stream.time_base))
        if self._container.duration is not None:  # in AV_TIME_BASE (microsecond) units
            return max(0.0, self._container.duration / av.time_base)
        return None

    @property
    def rate_hz(self) -> int:
        return self._rate_hz

    @property
    def channels(self) -> int:
        return self._channels

    @property
    def duration_s(self) -> float | None:
        return self._duration_s

    @property
    def position_s(self) -> float:
        return self._position / self._rate_hz

    def read(self, frames: int) -> Block:
        """Up to ``frames`` frames as float32 (frames, channels); empty at the end."""
        if self._closed:
            return np.zeros((0, self._channels), dtype=np.float32)
        if self._frames is None:
            self._frames = self._decode()
        parts = [self._pending]
        have = len(self._pending)
        while have < frames:
            decoded = next(self._frames, None)
            if decoded is None:
                break
            parts.append(decoded[1])
            have += len(decoded[1])
        data = np.concatenate(parts) if len(parts) > 1 else self._pending
        out, self._pending = data[:frames], data[frames:]
        self._position += len(out)
        return out

    def _decode(self) -> Iterator[tuple[int | None, Block]]:
        """(first frame's index from its timestamp or None, samples) of each decoded frame
        of the audio stream, damaged packets skipped."""
        bad = 0
        try:
            for packet in self._container.demux(self._stream):
                try:
                    decoded = self._stream.decode(packet)
                except av.error.FFmpegError as exc:
                    bad += 1
                    log.debug("%s: skipped a packet that does not decode: %s", self.path, exc)
                    if bad >= MAX_BAD_PACKETS:
                        raise DecodeError(f"{self.path}: decoding failed ({_reason(exc)})") from exc
                    continue
                bad = 0
                for frame in decoded:
                    block = self._samples(frame)
                    if len(block):
                        yield self._start_of(frame), block
        except av.error.FFmpegError as exc:  # the demuxer itself gave up
            raise DecodeError(f"{self.path}: decoding failed ({_reason(exc)})") from exc

    def _start_of(self, frame: av.AudioFrame) -> int | None:
        if frame.pts is None or frame.time_base is None:
            return None
        return round(float(frame.pts * frame.time_base) * self._rate_hz)

    def _samples(self, frame: av.AudioFrame) -> Block:
        raw = frame.to_ndarray()
        have = len(frame.layout.channels)
        data = raw.T if frame.format.is_planar else raw.reshape(-1, have)
        scale = _INT_SCALE.get(data.dtype)
        if data.dtype == np.uint8:
            block = (data.astype(np.float32) - 128.0) / 128.0
        elif scale is not None:
            block = data.astype(np.float32) * np.float32(scale)
        else:
            block = data.astype(np.float32, copy=False)
        # A damaged stream can decode to NaN or huge values; the chain must never see them.
        block = np.nan_to_num(block, nan=0.0, posinf=0.0, neginf=0.0)
        if have != self._have:  # a stream that changes its layout midway keeps the first
            block = _fit_channels(block, self._have)
        return downmix(np.ascontiguousarray(block), self._channels)

    def seek(self, seconds: float) -> None:
        """Move to ``seconds`` from the start (clamped to the file), to within a
        millisecond (WebM and MKV time stamps are whole milliseconds).

        FFmpeg seeks to a packet at or before a point :data:`PREROLL_S` earlier (further
        back when the container lands late), and what is decoded up to ``seconds`` is
        dropped: a lossy decoder's first frame after a jump lacks its overlap and is not
        heard.
        """
        if self._closed:
            return
        seconds = max(0.0, seconds)
        if self._duration_s is not None:
            seconds = min(seconds, self._duration_s)
        target = round(seconds * self._rate_hz)
        self._position = target
        if self._duration_s is not None and seconds >= self._duration_s:
            self._frames = iter(())  # at the end (a lossy file's last frame may run past it)
            self._pending = np.zeros((0, self._channels), dtype=np.float32)
            return
        back_s = PREROLL_S
        while True:
            start_s = max(0.0, seconds - back_s)
            first = self._restart_at(start_s)
            if first is None or start_s == 0.0:
                break
            start, block = first
            if start is None or start + len(block) <= target:
                break
            back_s *= 4  # landed after the point asked for: go further back
        self._pending = self._drop_until(target, first)

    def _restart_at(self, seconds: float) -> tuple[int | None, Block] | None:
        """Seek the container near ``seconds`` and decode the first frame there. The start
        is a fresh open: after a seek to 0 the demuxers forget the encoder delay (AAC
        priming, Vorbis' first block) and the first frame would shift by its length."""
        try:
            if seconds == 0.0:
                self._container.close()
                self._container = av.open(str(self.path), mode="r")
                self._stream = self._container.streams.audio[0]
            else:
                time_base = self._stream.time_base or Fraction(1, self._rate_hz)
                self._container.seek(int(seconds / time_base), stream=self._stream, backward=True)
                self._stream.codec_context.flush_buffers()
        except (av.error.FFmpegError, OSError) as exc:
            raise DecodeError(f"{self.path}: cannot seek ({_reason(exc)})") from exc
        self._frames = self._decode()
        return next(self._frames, None)

    def _drop_until(self, target: int, first: tuple[int | None, Block] | None) -> Block:
        """The samples from frame ``target`` on, of ``first`` and the frames after it."""
        assert self._frames is not None
        decoded = first
        at = 0
        while decoded is not None:
            start, block = decoded
            at = at if start is None else start  # no time stamp: it follows the last frame
            if at + len(block) > target:
                return block[max(0, target - at) :]
            at += len(block)
            decoded = next(self._frames, None)
        return np.zeros((0, self._channels), dtype=np.float32)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._frames = None
            self._container.close()


def _fit_channels(block: NDArray[np.float32], channels: int) -> NDArray[np.float32]:
    """Cut or pad (with silence) a block to ``channels`` columns."""
    out = np.zeros((len(block), channels), dtype=np.float32)
    keep = min(channels, block.shape[1])
    out[:, :keep] = block[:, :keep]
    return out


def _reason(exc: BaseException) -> str:
    strerror = getattr(exc, "strerror", None)
    text = str(strerror or exc).strip().splitlines()
    return text[-1] if text else type(exc).__name__
