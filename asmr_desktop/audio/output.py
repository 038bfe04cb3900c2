"""Where finished int16 blocks go: pygame.mixer (speakers), a WAV file, or nowhere."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import soundfile as sf
from numpy.typing import NDArray

from asmr_desktop.core.errors import AudioDeviceError, AudioError

log = logging.getLogger(__name__)

Int16Block = NDArray[np.int16]

#: A WAV header counts bytes in 32 bits: past this (less the header) the length it records
#: is wrong (an 8.3-hour render read as 6.2 hours). Longer output is written as RF64.
WAV_MAX_BYTES = 0xFFFFFFFF - 44

#: How often a full pygame queue is checked for room (seconds).
_POLL_S = 0.005


def to_int16(block: NDArray[np.floating[Any]]) -> Int16Block:
    """Float samples to int16, rounding toward zero so no sample grows in magnitude."""
    scaled = np.trunc(np.clip(block, -1.0, 1.0) * 32767.0)
    return np.ascontiguousarray(scaled, dtype=np.int16)


class Output(Protocol):
    """A sink for finished audio. ``write`` may block until the sink has room."""

    @property
    def rate_hz(self) -> int: ...

    @property
    def channels(self) -> int: ...

    def open(self) -> None: ...

    def write(self, block: Int16Block) -> None: ...

    def close(self) -> None: ...


class NullOutput:
    """Discards audio; with ``realtime`` it takes as long as playing would (for tests, demos)."""

    def __init__(self, rate_hz: int = 44100, channels: int = 2, *, realtime: bool = False) -> None:
        self._rate_hz = rate_hz
        self._channels = channels
        self.realtime = realtime
        self.frames_written = 0
        self._deadline = 0.0

    @property
    def rate_hz(self) -> int:
        return self._rate_hz

    @property
    def channels(self) -> int:
        return self._channels

    def open(self) -> None:
        self._deadline = time.monotonic()

    def write(self, block: Int16Block) -> None:
        self.frames_written += len(block)
        if self.realtime:
            self._deadline = max(self._deadline, time.monotonic() - 0.5)
            self._deadline += len(block) / self._rate_hz
            delay = self._deadline - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    def close(self) -> None:
        pass


def wav_format(frames: int, channels: int) -> str:
    """ "WAV", or "RF64" (the same, with 64-bit sizes) when 16-bit ``frames`` will not fit."""
    return "RF64" if frames * channels * 2 > WAV_MAX_BYTES else "WAV"


class WavOutput:
    """Writes 16-bit PCM WAV: exactly the samples that would go to the speakers.

    ``frames``: how long it will be, at most; past 4 GB the file is RF64 (see
    :func:`wav_format`), which libsndfile, ffmpeg and sox read.
    """

    def __init__(
        self, path: Path, rate_hz: int = 44100, channels: int = 2, *, frames: int = 0
    ) -> None:
        self.path = Path(path)
        self.format = wav_format(frames, channels)
        self._rate_hz = rate_hz
        self._channels = channels
        self._file: sf.SoundFile | None = None

    @property
    def rate_hz(self) -> int:
        return self._rate_hz

    @property
    def channels(self) -> int:
        return self._channels

    def open(self) -> None:
        try:
            self._file = sf.SoundFile(
                str(self.path),
                "w",
                self._rate_hz,
                self._channels,
                subtype="PCM_16",
                format=self.format,
            )
        except (sf.LibsndfileError, RuntimeError, OSError) as exc:
            raise AudioError(f"{self.path}: cannot write the WAV file ({exc})") from exc

    def write(self, block: Int16Block) -> None:
        if self._file is None:
            raise AudioError(f"{self.path}: the WAV output is not open")
        try:
            self._file.write(block)
        except (sf.LibsndfileError, RuntimeError, OSError) as exc:
            raise AudioError(f"{self.path}: writing failed ({exc})") from exc

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class PygameOutput:
    """Plays blocks through pygame.mixer: int16 Sounds queued one after another on one Channel.

    pygame's volume stays at 1.0 (its 1/128 steps are too coarse for fades); all gain is
    in the samples. ``open`` raises :class:`AudioDeviceError` when no device can be opened.
    It is the one stream: every sound (a preview too) is mixed in the engine before the
    limiter, and nothing else plays on the mixer.
    """

    def __init__(
        self,
        rate_hz: int = 44100,
        channels: int = 2,
        *,
        buffer_frames: int = 1024,
    ) -> None:
        self._rate_hz = rate_hz
        self._channels = channels
        self.buffer_frames = buffer_frames
        #: A queued block not taken up within this long means the device has stalled.
        self.stall_s = 2.0
        self._pygame: Any = None
        self._channel: Any = None
        self.closing = False

    @property
    def rate_hz(self) -> int:
        return self._rate_hz

    @property
    def channels(self) -> int:
        return self._channels

    def open(self) -> None:
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        try:
            import pygame  # imported only when sound is wanted
        except ImportError as exc:  # pragma: no cover - pygame is a dependency
            raise AudioDeviceError(f"Sound is unavailable: pygame cannot load ({exc}).") from exc
        try:
            # allowedchanges=0: SDL converts to the device's format, we keep ours.
            pygame.mixer.init(
                frequency=self._rate_hz,
                size=-16,
                channels=self._channels,
                buffer=self.buffer_frames,
                allowedchanges=0,
            )
            channel = pygame.mixer.Channel(0)
            channel.set_volume(1.0)
        except pygame.error as exc:
            raise AudioDeviceError(
                f"No sound output could be opened ({exc}). Check that speakers or headphones "
                "are connected and not in use by another program, then try playing again."
            ) from exc
        opened = pygame.mixer.get_init()
        if opened != (self._rate_hz, -16, self._channels):
            # mixer.init is a no-op when something else opened the mixer first.
            raise AudioDeviceError(
                f"The sound output is already open in another format ({opened}); "
                "restart the app to play sound."
            )
        self._pygame = pygame
        self._channel = channel
        self.closing = False
        log.info("pygame mixer opened: %s", pygame.mixer.get_init())

    def write(self, block: Int16Block) -> None:
        pygame, channel = self._pygame, self._channel
        if pygame is None or channel is None:
            raise AudioDeviceError("The sound output is not open; try playing again.")
        try:
            sound = pygame.mixer.Sound(buffer=np.ascontiguousarray(block).tobytes())
            deadline = time.monotonic() + self.stall_s
            while channel.get_queue() is not None and not self.closing:
                if time.monotonic() > deadline:
                    raise AudioDeviceError(
                        "The sound output stopped playing (the device may have been "
                        "unplugged or taken by another program)."
                    )
                time.sleep(_POLL_S)
            if pygame.mixer.get_init() is None:
                raise AudioDeviceError("The sound output was closed; try playing again.")
            channel.queue(sound)
        except pygame.error as exc:
            raise AudioDeviceError(f"The sound output stopped working ({exc}).") from exc

    def drain(self, timeout_s: float = 5.0) -> None:
        """Wait until everything written has been played (or the timeout passes)."""
        channel = self._channel
        deadline = time.monotonic() + timeout_s
        while channel is not None and channel.get_busy() and time.monotonic() < deadline:
            time.sleep(_POLL_S)

    def close(self) -> None:
        self.closing = True
        pygame = self._pygame
        if pygame is None:
            return
        try:
            if self._channel is not None:
                self._channel.stop()
            pygame.mixer.quit()
        except pygame.error:
            log.exception("closing the pygame mixer")
        self._pygame = None
        self._channel = None
