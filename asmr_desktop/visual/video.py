"""A person's own video in visual-only mode: muted, slowed, dimmed, tinted, then guarded.

Decoding (PyAV, FFmpeg inside the wheel): only the video stream is demuxed into the
decoder, so no audio is ever decoded. FFmpeg's scaler turns each picture into RGB at the
working width: at most DECODE_WIDTHS[0] px (or the widget's width, or the video's own),
and a step narrower each time the work per shown frame takes more than BUSY_SHARE of the
frame interval (the person's laptop is not to be kept busy by a calm picture).

Slow motion: frames are planned on a clock of VIDEO_TICK_FPS ticks, each shown for a
whole number of ticks (at least 2: VIDEO_FPS a second); the video's time advances by
speed x ticks / VIDEO_TICK_FPS per frame, and a shown frame is the linear cross-blend of
the two decoded frames around that time, weighted by the fraction between them: 0.25x of
a 24 fps video gets one and a half blended frames between each pair of decoded ones, so
it glides instead of stepping. A slow video is shown for more ticks a frame: its motion
is measured between shown frames (:mod:`asmr_desktop.visual.motion`) and the scenes'
rule applied (no step over MAX_STEP_PX on the screen, at least MIN_FPS frames a second);
the guard counts a frame held for n ticks as n equal frames, so every bound holds as at
the full rate. Decoded pictures that no shown frame needs are never scaled or tinted.

Colour: in linear light, each pixel moves PALETTE_SHARE of the way towards the palette's
highlight hue at the same luminance, and luminance is mapped onto the palette's ramp from
its background up to brightness x its cap. Then :class:`asmr_desktop.visual.guard.FrameGuard`
checks every frame; nothing else reaches the screen.

:class:`VideoPlayer` runs all of that on a worker thread and hands finished frames to the
window through a small queue; the window only paints. No Qt.

Measured here (bench/bench_visual.py --video-only, 2 shared cores, load average 1.8-2.1,
three runs each, alternated with the code before in the same minutes): a 1920x1080 H.264
video at 0.5x settles at 320 px wide; its light drifts 30 px/s on the screen, so it is
shown at 10-11 frames a second instead of 15, for 19.8-21.2 % of one core for the whole
process (before: 22.5-26.3 %); window p99 15-21 ms, worker p99 26-34 ms a shown frame
(a shown frame now takes one or two decoded ones). The goal (15 %) is not met yet: in the
worker, decoding every 1080p picture costs 6 % of a core at 0.5x by itself, scaling 2.5 %,
tinting 1.5 %, the guard 3 %; the window's paint 4-5 % with Qt's helper threads.
"""

from __future__ import annotations

import functools
import logging
import math
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.core.errors import VisualError
from asmr_desktop.visual.colour import LINEAR_OF_CODE, LUMINANCE_WEIGHTS, luminance_of_linear
from asmr_desktop.visual.guard import FrameGuard, GuardedFrame, Linear
from asmr_desktop.visual.motion import MotionMeter
from asmr_desktop.visual.pace import MIN_FPS, motion_frame_rate
from asmr_desktop.visual.palette import Palette
from asmr_desktop.visual.render import clamp_brightness

if TYPE_CHECKING:
    import av

log = logging.getLogger(__name__)

#: What "My video…" offers.
VIDEO_SUFFIXES: tuple[str, ...] = (".mp4", ".mkv", ".webm", ".mov", ".avi")
#: The speeds a video plays at (slow-motion factors; the arrow keys step through them).
VIDEO_SPEEDS: tuple[float, ...] = (0.25, 0.5, 1.0)
#: Widths (pixels) the video is decoded to: the first that keeps up.
DECODE_WIDTHS: tuple[int, ...] = (960, 640, 480, 320)
#: Frames shown a second: enough for blended slow motion to glide (0.5x of a 30 fps
#: video shows each decoded frame once; 0.25x blends one frame between each pair), and
#: few enough to stay light (bench/bench_visual.py measures it).
VIDEO_FPS = 15.0
#: The clock of a video's frames: the guard counts, and the window's timer ticks, at this
#: rate; a frame stays on the screen a whole number of ticks, at least
#: VIDEO_TICK_FPS / VIDEO_FPS (2). A slow video (the motion measured,
#: :mod:`asmr_desktop.visual.motion`) is shown for more ticks a frame: as seldom as the
#: scenes' rule allows (no step over MAX_STEP_PX on the screen, at least MIN_FPS), e.g.
#: 10 frames a second for a movement of 30 px/s.
VIDEO_TICK_FPS = 30.0
#: Share of the way each pixel's colour moves towards the palette's hue.
PALETTE_SHARE = 0.6
#: A narrower decode is chosen when the work for one shown frame averages more than this
#: share of the frame interval: a calm picture must not keep a laptop busy (the goal is
#: under 15 % of one core for all of visual-only mode). The work is the worker thread's
#: own CPU time (FFmpeg's decoding threads come on top), so other programs' load on a
#: shared machine does not make the picture coarser.
BUSY_SHARE = 0.12
#: Frames of each file left out of the speed measurement.
WARM_UP_FRAMES = 5
_TIME_EPS_S = 1e-6
_SHARE_EPS = 1e-4
#: Decoder threads (a calm picture needs no more; see VideoSource).
DECODE_THREADS = 1
#: The decoder's deblocking filter is skipped when the video is at least this many times
#: wider than the first width it is decoded to (see VideoSource).
SKIP_LOOP_FILTER_FROM = 2
#: Where FFmpeg's planar GBR planes (green, blue, red) go among red, green, blue.
_GBRP_CHANNELS = (1, 2, 0)
#: Frames kept ready between the worker and the window.
QUEUE_FRAMES = 3


def is_video(path: Path | str) -> bool:
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


def nearest_speed(speed: float) -> float:
    """The video speed nearest ``speed`` (NaN gives 1x)."""
    if speed != speed:
        return VIDEO_SPEEDS[-1]
    return min(VIDEO_SPEEDS, key=lambda s: abs(s - speed))


def step_speed(speed: float, step: int) -> float:
    """The next faster (step > 0) or slower video speed."""
    index = VIDEO_SPEEDS.index(nearest_speed(speed))
    return VIDEO_SPEEDS[max(0, min(len(VIDEO_SPEEDS) - 1, index + step))]


class Decoded:
    """One decoded picture: its time in the video (seconds) and its codes in planes
    (3, H, W): red, green, blue.

    The planes are made when first asked for (``make``): a slow video shown at a lower
    rate skips some decoded pictures, and those are never scaled or converted.
    """

    __slots__ = ("_make", "_planes", "time_s")

    def __init__(
        self,
        time_s: float,
        planes: NDArray[np.uint8] | None = None,
        make: Callable[[], NDArray[np.uint8]] | None = None,
    ) -> None:
        if planes is None and make is None:
            raise VisualError("A decoded picture needs its planes or a way to make them.")
        self.time_s = time_s
        self._planes = planes
        self._make = make

    @property
    def planes(self) -> NDArray[np.uint8]:
        if self._planes is None:
            assert self._make is not None
            self._planes, self._make = self._make(), None
        return self._planes

    @property
    def rgb(self) -> NDArray[np.uint8]:
        """The codes as pixels (H, W, 3), as the analyser takes them (a copy)."""
        return np.ascontiguousarray(np.moveaxis(self.planes, 0, -1))


def _say(path: Path, exc: BaseException) -> str:
    reason = str(exc).strip().rstrip(".") or type(exc).__name__
    return f"{path.name} cannot be played as a video: {reason}."


class VideoSource:
    """The pictures of one video file, decoded at a chosen width; audio never decoded."""

    def __init__(self, path: Path | str, width: int = DECODE_WIDTHS[0]) -> None:
        import av  # here: importing FFmpeg costs start-up time the scenes do not need
        from av.video.reformatter import VideoReformatter

        self.path = Path(path)
        self.title = self.path.name
        try:
            self._container = av.open(str(self.path))
        except (OSError, av.FFmpegError) as exc:
            raise VisualError(_say(self.path, exc)) from exc
        if not self._container.streams.video:
            self._container.close()
            raise VisualError(f"{self.path.name} has no pictures to show.")
        self._stream = self._container.streams.video[0]
        # One thread: FFmpeg's frame threads cost CPU to hand frames between them (1080p
        # H.264 here: 4.9 ms of CPU a frame on two frame threads, 3.7 ms on one, measured
        # in one run), and at most two decoded frames a shown frame leave time to spare.
        self._stream.thread_type = "SLICE"
        self._stream.codec_context.thread_count = DECODE_THREADS
        context = self._stream.codec_context
        self.size = (int(context.width), int(context.height))
        if self.size[0] < 1 or self.size[1] < 1:
            self._container.close()
            raise VisualError(f"{self.path.name} has pictures of no size.")
        if SKIP_LOOP_FILTER_FROM * width <= self.size[0]:
            # The deblocking filter smooths the edges of the 8-16 px blocks; a picture
            # decoded to half its width or less averages those edges away anyway. H.264 at
            # 1080p (x264 veryfast): 4.7 -> 3.5 ms a frame here. The guard checks what
            # comes out either way.
            context.options = {**context.options, "skip_loop_filter": "all"}
        self._scaler = VideoReformatter()
        rate = self._stream.average_rate or self._stream.guessed_rate
        self.fps = float(rate) if rate else 30.0
        self.width = width

    @property
    def width(self) -> int:
        return self._width

    @width.setter
    def width(self, width: int) -> None:
        """Decode at most ``width`` px wide (never wider than the video; even sizes)."""
        w = max(2, min(self.size[0], int(width)))
        self._width = w - w % 2
        h = max(2, round(self.size[1] * self._width / self.size[0]))
        self._height = h - h % 2

    @property
    def output_size(self) -> tuple[int, int]:
        return self._width, self._height

    def frames(self) -> Iterator[Decoded]:
        """The pictures in order; VisualError (one line) when the file breaks off badly."""
        import av

        first: float | None = None
        index = 0
        try:
            for packet in self._container.demux(self._stream):
                for frame in packet.decode():
                    t: float | None = getattr(frame, "time", None)  # None: no timestamps
                    if t is None:
                        t = index / self.fps
                    if first is None:
                        first = t
                    index += 1
                    yield Decoded(max(0.0, t - first), make=functools.partial(self._planes, frame))
        except av.FFmpegError as exc:
            if index == 0:
                raise VisualError(_say(self.path, exc)) from exc
            log.warning("%s ended early: %s", self.path.name, exc)
        if index == 0:
            raise VisualError(f"{self.path.name} has no pictures that can be decoded.")

    def _planes(self, frame: av.VideoFrame) -> NDArray[np.uint8]:
        """The picture at the working size, as planes (3, H, W) of red, green, blue.

        FFmpeg's scaler scales and converts in one pass to planar GBR, which is what the
        tint reads, so no interleaved copy is made. One scaler is kept for the file: a new
        one a frame (what ``frame.reformat`` does) cost 3.3 ms instead of 1.4 ms a 1080p
        frame here. AREA: a clean downscale, and quick.
        """
        w, h = self._width, self._height
        small = self._scaler.reformat(
            frame, width=w, height=h, format="gbrp", interpolation="AREA", threads=1
        )
        planes = np.empty((3, h, w), dtype=np.uint8)
        for channel, plane in zip(_GBRP_CHANNELS, small.planes, strict=True):
            rows = np.frombuffer(memoryview(plane), dtype=np.uint8).reshape(h, plane.line_size)
            planes[channel] = rows[:, :w]
        return planes

    def close(self) -> None:
        self._container.close()


class Tint:
    """Dims a video and shifts it towards a palette, in linear light; a pure function."""

    def __init__(self, palette: Palette, brightness: float) -> None:
        self.palette = palette
        self.brightness = clamp_brightness(brightness)
        background = LINEAR_OF_CODE[palette.lut[0]].astype(np.float64)
        highlight = LINEAR_OF_CODE[palette.lut[-1]].astype(np.float64)
        bg_luma = float(luminance_of_linear(background))
        hue = highlight / float(luminance_of_linear(highlight))  # luminance exactly 1
        top = max(0.0, palette.cap * self.brightness - bg_luma)
        # out = bg + top * ((1 - k) * rgb + k * Y * hue): luminance bg + top * Y <= cap.
        # Per channel c: out_c = scale * rgb_c + bg_c + hue_c * Y: one lookup of linear
        # light for the three planes, then arithmetic (a lookup costs about ten times an
        # addition here, so six lookups of ready-made tables were slower).
        self._scale = np.float32(top * (1.0 - PALETTE_SHARE))
        self._background = [np.float32(v) for v in background]
        self._hue = [np.float32(v) for v in hue * top * PALETTE_SHARE]
        self._weights = [np.float32(w) for w in LUMINANCE_WEIGHTS]

    def apply(self, planes: NDArray[np.uint8]) -> Linear:
        """Linear light (3, H, W) of an 8-bit frame in planes (3, H, W), dimmed and tinted."""
        out: Linear = np.take(LINEAR_OF_CODE, planes, mode="clip")  # codes are in range
        luma = out[0] * self._weights[0]
        luma += out[1] * self._weights[1]
        luma += out[2] * self._weights[2]
        hued = np.empty_like(luma)
        for c in range(3):
            out[c] *= self._scale
            out[c] += self._background[c]
            np.multiply(luma, self._hue[c], out=hued)
            out[c] += hued
        return out


class VideoPipeline:
    """Shown frames of a visual playlist, one by one: decode, blend, tint, guard.

    Synchronous: :class:`VideoPlayer` runs it on a thread; tests and the benchmark call
    :meth:`next` directly. A file that cannot be played is reported through ``on_error``
    and dropped; when none is left, :meth:`next` returns None.
    """

    def __init__(
        self,
        paths: Sequence[Path | str],
        palette: Palette,
        *,
        brightness: float = 0.7,
        speed: float = 1.0,
        width: int = DECODE_WIDTHS[0],
        screen_width: int | None = None,
        fps: float = VIDEO_TICK_FPS,
        max_shown_fps: float = VIDEO_FPS,
        slow_down: bool = True,
        loop: bool = True,
        adapt: bool = True,
        on_error: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.thread_time,
    ) -> None:
        self.paths = [Path(p) for p in paths]
        self.palette = palette
        self.fps = fps
        self.speed = nearest_speed(speed)
        self.loop = loop
        self.adapt = adapt
        self._tint = Tint(palette, brightness)
        self._max_width = max(2, width)
        self._on_error = on_error or (lambda _message: None)
        self._clock = clock
        start = tuple(float(c) for c in LINEAR_OF_CODE[palette.lut[0]])
        self.guard = FrameGuard(fps, palette.cap, start=(start[0], start[1], start[2]))
        #: The video's motion on the screen, to show a slow one at a lower rate (None:
        #: always at ``fps``).
        self.motion: MotionMeter | None = (
            MotionMeter(screen_width or self._max_width) if slow_down else None
        )
        #: The fewest ticks a frame is shown (``fps`` is the guard's clock).
        self.min_ticks = max(1, math.ceil(fps / max_shown_fps - 1e-9))
        self._ticks = self.min_ticks
        self._index = -1
        self._source: VideoSource | None = None
        self._frames: Iterator[Decoded] | None = None
        self._a: Decoded | None = None
        self._b: Decoded | None = None
        self._tinted: list[tuple[Decoded, Linear]] = []
        self._t_s = 0.0
        self._busy_s = 0.0
        self._busy_avg: float | None = None
        self._warming = 0
        #: Leave the first frames of each file out of the speed measurement (tests that
        #: drive the measurement with a fake clock turn it off).
        self.adapt_after_warm_up = True
        self.errors: list[str] = []

    # -- state -----------------------------------------------------------------------------
    @property
    def title(self) -> str | None:
        """The file being shown (None when there is none)."""
        return self._source.title if self._source is not None else None

    @property
    def width(self) -> int:
        return self._source.width if self._source is not None else self._max_width

    @property
    def brightness(self) -> float:
        return self._tint.brightness

    def set_brightness(self, brightness: float) -> None:
        """A new brightness; the guard glides there (a jump would be a region change)."""
        self._tint = Tint(self.palette, brightness)
        self._tinted = []

    def set_speed(self, speed: float) -> None:
        self.speed = nearest_speed(speed)
        self._slow_down(reset=True)

    @property
    def ticks(self) -> int:
        """Frame intervals (at ``fps``) the next shown frame stays on the screen."""
        return self._ticks

    def _slow_down(self, reset: bool = False) -> None:
        """The fewest shown frames that keep every step of the measured motion under
        MAX_STEP_PX on the screen (the scenes' rule, visual/pace.py), and at least MIN_FPS;
        the full rate while the motion is unknown or fast."""
        if self.motion is None:
            return
        if reset:
            self.motion.reset()
        fewest = self.min_ticks
        most = max(fewest, math.floor(self.fps / MIN_FPS + 1e-9))
        # The rule's rate, as a whole number of ticks a frame (rounded to the longer hold
        # that still keeps every step under MAX_STEP_PX).
        rate = motion_frame_rate(max(0.0, self.motion.px_per_s), self.fps / fewest)
        self._ticks = max(fewest, min(most, math.floor(self.fps / rate + 1e-9)))

    # -- frames ----------------------------------------------------------------------------
    def next(self) -> tuple[GuardedFrame, str] | None:
        """The next shown frame and the title of the video it comes from."""
        started = self._clock()
        pair = self._pair()
        if pair is None:
            return None
        a, b, title = pair
        frame = self._blend(a, b)
        ticks = self._ticks
        guarded = self.guard.process(frame, ticks)
        self._t_s += self.speed * ticks / self.fps
        if self.motion is not None:
            self.motion.update(frame[1], ticks / self.fps)
            self._slow_down()
        self._measure((self._clock() - started) / ticks)  # the work per frame interval
        return guarded, title

    def _pair(self) -> tuple[Decoded, Decoded, str] | None:
        """The decoded frames around the current time, opening the next file when needed."""
        for _attempt in range(2 * len(self.paths) + 2):
            if self._source is None and not self._open_next():
                return None
            source = self._source
            assert source is not None and self._a is not None
            while self._b is not None and self._b.time_s <= self._t_s + _TIME_EPS_S:
                self._a, self._b = self._b, self._read()
            if self._b is None and self._t_s > self._a.time_s + 1.0 / source.fps:
                self._close()  # played to its end
                continue
            return self._a, self._b or self._a, source.title
        return None

    def _read(self) -> Decoded | None:
        assert self._frames is not None and self._source is not None
        try:
            return next(self._frames)
        except StopIteration:
            return None
        except VisualError as exc:
            self._report(str(exc))
            return None

    def _open_next(self) -> bool:
        while self.paths:
            if self._index + 1 >= len(self.paths):
                if not self.loop or self._index < 0:
                    return False
                self._index = -1
            self._index += 1
            path = self.paths[self._index]
            try:
                source = VideoSource(path, self._decode_width())
                frames = source.frames()
                first = next(frames)
            except StopIteration:
                self._drop(f"{path.name} has no pictures that can be decoded.")
                continue
            except VisualError as exc:
                self._drop(str(exc))
                continue
            self._source, self._frames = source, frames
            self._a, self._t_s = first, first.time_s
            self._b = self._read()
            self._tinted = []
            self._slow_down(reset=True)
            self._warming = WARM_UP_FRAMES if self.adapt_after_warm_up else 0
            log.info(
                "video: %s (%dx%d, decoded at %dx%d)",
                source.title,
                *source.size,
                *source.output_size,
            )
            return True
        return False

    def _drop(self, message: str) -> None:
        """The file at the current index cannot play: say so once and leave it out."""
        self._report(message)
        del self.paths[self._index]
        self._index -= 1

    def _report(self, message: str) -> None:
        log.warning("%s", message)
        self.errors.append(message)
        self._on_error(message)

    def _close(self) -> None:
        if self._source is not None:
            self._source.close()
        self._source = self._frames = self._a = self._b = None

    def close(self) -> None:
        self._close()

    def _decode_width(self) -> int:
        return self._max_width

    def _blend(self, a: Decoded, b: Decoded) -> Linear:
        """The linear cross-blend of two decoded frames at the current time."""
        gap = b.time_s - a.time_s
        share = 0.0 if gap <= 0 else (self._t_s - a.time_s) / gap
        # a frame's own time gives the frame itself (times are sums of float steps)
        if share <= _SHARE_EPS:
            return self._tint_of(a)
        if share >= 1.0 - _SHARE_EPS:
            return self._tint_of(b)
        first, second = self._tint_of(a), self._tint_of(b)
        if first.shape != second.shape:
            return first
        out = second - first
        out *= np.float32(share)
        out += first
        return out

    def _tint_of(self, decoded: Decoded) -> Linear:
        """The tinted frame, made once per decoded frame (two are in use at a time)."""
        for known, tinted in self._tinted:
            if known is decoded:
                return tinted
        tinted = self._tint.apply(decoded.planes)
        self._tinted = [*self._tinted[-1:], (decoded, tinted)]
        return tinted

    def _measure(self, busy_s: float) -> None:
        """Average the work per frame; decode narrower when it is too much to keep up."""
        if self._warming:
            self._warming -= 1  # opening a file and the decoder's first frames cost more
            return
        avg = busy_s if self._busy_avg is None else 0.9 * self._busy_avg + 0.1 * busy_s
        self._busy_avg = avg
        if not self.adapt or self._source is None or avg <= BUSY_SHARE / self.fps:
            return
        narrower = [w for w in DECODE_WIDTHS if w < self._source.width]
        if narrower:
            self._source.width = narrower[0]
            self._max_width = narrower[0]
            self._busy_avg = None
            log.info("video decoded at %d px wide to keep up", narrower[0])


@dataclass(frozen=True)
class ShownFrame:
    """A guarded frame ready to paint, and the video it shows."""

    rgb32: NDArray[np.uint32]
    title: str
    note: str
    #: Frame intervals it stays on the screen (a slow video is shown at a lower rate).
    ticks: int = 1


class VideoPlayer:
    """Runs a :class:`VideoPipeline` on a worker thread, QUEUE_FRAMES frames ahead.

    The window calls :meth:`take` once a frame interval; it never waits. ``on_error`` and
    ``on_finished`` are called on the worker thread: the window turns them into signals.
    """

    def __init__(
        self,
        pipeline: VideoPipeline,
        on_error: Callable[[str], None] | None = None,
        on_finished: Callable[[], None] | None = None,
    ) -> None:
        self.pipeline = pipeline
        self._on_error = on_error or (lambda _m: None)
        self._on_finished = on_finished or (lambda: None)
        self._queue: queue.Queue[ShownFrame | None] = queue.Queue(maxsize=QUEUE_FRAMES)
        self._stop = threading.Event()
        self._commands: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="video", daemon=True)
        self.finished = False

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """End the worker and close the file (waits a moment for the thread)."""
        self._stop.set()
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass
        self._thread.join(timeout=2.0)
        if not self._thread.is_alive():
            self.pipeline.close()

    def set_speed(self, speed: float) -> None:
        self._commands.put(lambda: self.pipeline.set_speed(speed))

    def set_brightness(self, brightness: float) -> None:
        self._commands.put(lambda: self.pipeline.set_brightness(brightness))

    def add(self, paths: Sequence[Path | str]) -> None:
        """Queue more videos after the ones there (the visual playlist)."""
        more = [Path(p) for p in paths]
        self._commands.put(lambda: self.pipeline.paths.extend(more))

    def take(self) -> ShownFrame | None:
        """The next frame if one is ready (None: keep showing the last one)."""
        try:
            frame = self._queue.get_nowait()
        except queue.Empty:
            return None
        if frame is None:
            self.finished = True
        return frame

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                while True:
                    try:
                        self._commands.get_nowait()()
                    except queue.Empty:
                        break
                result = self.pipeline.next()
                if result is None:
                    self._put(None)
                    self._on_finished()
                    return
                guarded, title = result
                self._put(ShownFrame(guarded.rgb32, title, guarded.note, guarded.ticks))
        except Exception as exc:  # the worker must say why it stopped
            log.exception("video worker stopped")
            self._on_error(f"The video stopped: {exc}")
            self._put(None)
            self._on_finished()

    def _put(self, item: ShownFrame | None) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue
