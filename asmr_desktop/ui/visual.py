"""Visual-only mode: a full-screen, dim, slow scene and nothing else.

The widget knows nothing of audio: it asks to leave with ``exit_requested`` and reports
what the person changed; the main window stops and resumes the sound. All drawing and
every safety rule live in the Qt-free core (:mod:`asmr_desktop.visual`); this widget only
keeps time, paints the small frame scaled up smoothly, and maps keys to changes.

It draws as seldom as the motion allows (:mod:`asmr_desktop.visual.pace`: about 10 frames a
second at 1x on a 1920 px screen instead of 30), and scales cheaply: see :meth:`paintEvent`.

"My video…" (O) plays the person's own videos instead of the scene, as a visual playlist
(:mod:`asmr_desktop.visual.video`): a worker thread decodes, slows, tints and guards each
frame (:mod:`asmr_desktop.visual.guard`); this widget only takes finished frames from its
queue. Going back to the scenes (an arrow key) passes the scene's frames through a guard
too until it has caught up, so neither way is a jump.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QRect, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFont,
    QFontMetricsF,
    QHideEvent,
    QImage,
    QKeyEvent,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QFileDialog, QWidget

from asmr_desktop.core import safety
from asmr_desktop.visual.guard import FrameGuard, linear_of_rgb32
from asmr_desktop.visual.pace import MIN_FPS, frame_interval_ms, frame_rate
from asmr_desktop.visual.scenes import BREATHS_PER_MIN_DEFAULT, SCENE_NAMES
from asmr_desktop.visual.show import Show
from asmr_desktop.visual.video import (
    DECODE_WIDTHS,
    VIDEO_FPS,
    VIDEO_SUFFIXES,
    VIDEO_TICK_FPS,
    VideoPipeline,
    VideoPlayer,
    nearest_speed,
    step_speed,
)

log = logging.getLogger(__name__)

#: The cursor hides after this long without movement (milliseconds).
CURSOR_HIDE_MS = 3000
#: The key hint shows this long at first, then fades out over HINT_FADE_S (seconds); F1
#: brings it back, fading in over HINT_FADE_S.
HINT_S = 6.0
HINT_FADE_S = 2.0
HINT_TEXT = (
    "\u2190 \u2192 scene     \u2191 \u2193 speed     + \u2212 brightness     "
    "O my video     F1 keys     Esc or click: leave"
)
#: What the guard did to a video frame shows at this share of a note's opacity: dimly.
GUARD_NOTE_OPACITY = 0.6
VIDEO_FILTER = "Videos (" + " ".join(f"*{suffix}" for suffix in VIDEO_SUFFIXES) + ")"


def choose_videos(parent: QWidget) -> list[str]:
    """The file dialog of "My video…": the videos chosen (several make a playlist)."""
    paths, _chosen_filter = QFileDialog.getOpenFileNames(
        parent, "My video\u2026", str(Path.home()), VIDEO_FILTER
    )
    return list(paths)


#: A change of scene, speed or brightness is named for this long, fading in and out over
#: NOTE_FADE_S: the brightness ramps slowly (a safety bound), so the note says it was heard.
#: Quicker fades than these read as motion to the analyser (1 s: 0.021 widths/s, bound 0.02).
NOTE_S = 2.0
NOTE_FADE_S = 1.5
#: Where on the palette's ramp caption text sits: on the bands of the palette's background
#: (see VisualView._draw_bands) it reads at 6:1; the migraine palette's lower cap allows 4:1.
CAPTION_LEVEL = 0.8
#: A stalled timer must not make the scene jump: one frame advances at most this many
#: frame intervals.
MAX_TICK_FRAMES = 2.0
#: The smooth stage scales to half the widget and a nearest-neighbour stage doubles it,
#: when the frame is this many times narrower than the widget or more. Measured at
#: 1920x1080 (320x180 frames): 1.6 ms a paint instead of 2.8 ms; the 2x2 blocks differ
#: from one-stage smooth scaling by at most a few codes, at the softest specks' edges.
TWO_STAGE_FROM = 4


def _fitted(font: QFont, text: str, width: int) -> QFont:
    """``font``, made smaller where ``text`` would not fit in ``width`` (a small window at
    2x scale, a long file name): one line, never clipped."""
    advance = QFontMetricsF(font).horizontalAdvance(text)
    if advance <= width or advance <= 0:
        return font
    smaller = QFont(font)
    smaller.setPointSizeF(max(1.0, font.pointSizeF() * width / advance * 0.98))
    return smaller


class Caption:
    """A line shown for a while: fading in (or at once), held, fading out."""

    def __init__(self, hold_s: float, fade_s: float, text: str = "") -> None:
        self.hold_s = hold_s
        self.fade_s = fade_s
        self.text = text
        self._start: float | None = None  # when it began fading in
        self._fade_in = True

    def show(self, now: float, *, text: str | None = None, fade_in: bool = True) -> None:
        """Show (again) from ``now``; one already showing goes on from where it is, so
        the picture never jumps."""
        current = self.opacity(now)
        if text is not None:
            self.text = text
        self._fade_in = fade_in or current > 0.0
        self._start = now - current * self.fade_s if self._fade_in else now

    def active(self, now: float) -> bool:
        """Fading in, held or fading out (not yet gone)."""
        if self._start is None:
            return False
        rise = self.fade_s if self._fade_in else 0.0
        return now - self._start < rise + self.hold_s + self.fade_s

    def opacity(self, now: float) -> float:
        if self._start is None:
            return 0.0
        shown = now - self._start
        rise = self.fade_s if self._fade_in else 0.0
        if shown < rise:
            return max(0.0, shown / rise)
        held = shown - rise
        if held <= self.hold_s:
            return 1.0
        return max(0.0, 1.0 - (held - self.hold_s) / self.fade_s)


class VisualView(QWidget):
    """A scene filling the widget; Esc or any click asks to leave, arrows and +/- adjust.

    Signals: ``exit_requested()``, ``scene_changed(str)``, ``speed_changed(float)``,
    ``brightness_changed(float)`` (the new target; the picture ramps to it safely),
    ``video_changed(str)`` (the video now shown; '' back to the scenes).
    Slots: ``next_scene``, ``previous_scene``, ``set_scene(str)``, ``faster``, ``slower``,
    ``set_speed(float)``, ``brighter``, ``dimmer``, ``set_brightness(float)``,
    ``choose_video`` (O: the file dialog, ``choose_videos`` can be replaced),
    ``add_videos(paths)``, ``stop_video``.
    Show it with ``showFullScreen()``; its timer runs only while it is shown.
    """

    exit_requested = Signal()
    scene_changed = Signal(str)
    speed_changed = Signal(float)
    brightness_changed = Signal(float)
    video_changed = Signal(str)

    def __init__(
        self,
        scene: str = SCENE_NAMES[0],
        palette: str = "warm",
        speed: float = 1.0,
        brightness: float = 0.7,
        *,
        migraine: bool = False,
        breaths_per_min: float = BREATHS_PER_MIN_DEFAULT,
        seed: int = 0,
        show_hint: bool = True,
        max_fps: float = safety.MAX_FPS,
        cursor_hide_ms: int = CURSOR_HIDE_MS,
        clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        """Raises VisualError for an unknown scene or palette (before any window shows).

        ``max_fps`` may lower the frame-rate cap (to save battery), never raise it above
        safety.MAX_FPS.
        """
        show = Show(  # first: a bad name fails before any Qt object exists
            scene,
            palette,
            speed,
            brightness,
            migraine=migraine,
            breaths_per_min=breaths_per_min,
            seed=seed,
            size=(640, 480),  # until the first resize
        )
        super().__init__(parent)
        self._show = show
        self._show.resize((max(1, self.width()), max(1, self.height())))
        self._max_fps = max(MIN_FPS, min(float(safety.MAX_FPS), max_fps))
        self._fps = self._max_fps
        self._clock = clock
        self._frame = self._show.frame_rgb32()
        self._image = self._to_image(self._frame)
        self._half: QImage | None = None  # the smooth stage's target, at half the size
        self._last_tick: float | None = None
        self._frames_drawn = 0
        self._hint = Caption(HINT_S, HINT_FADE_S, HINT_TEXT)
        self._hint_pending = show_hint
        self._note = Caption(NOTE_S, NOTE_FADE_S)
        lut = self._show.palette.lut
        level = 1.0 if migraine else CAPTION_LEVEL
        self._caption_colour = QColor(*(int(c) for c in lut[int((len(lut) - 1) * level)]))
        self._plate_colour = QColor(*(int(c) for c in lut[0]))

        self.setWindowTitle("Visual-only")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.ArrowCursor)

        self._player: VideoPlayer | None = None
        self._handover: FrameGuard | None = None  # guards the scene after a video
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.next_frame)
        self._pace_timer()
        self._cursor_timer = QTimer(self)
        self._cursor_timer.setSingleShot(True)
        self._cursor_timer.setInterval(cursor_hide_ms)
        self._cursor_timer.timeout.connect(self._hide_cursor)

        #: Asks for videos (the file dialog); tests put a function without a dialog here.
        self.choose_videos: Callable[[QWidget], list[str]] = choose_videos
        self._guard_note = Caption(NOTE_S, NOTE_FADE_S)
        self._watched: dict[str, float] = {}
        self._watching: str | None = None
        self._last_watched: str | None = None
        self._errors_seen = 0
        self._hold_ticks = 0  # timer ticks the video frame on the screen stays there
        self._shown_ticks = 0  # and all the ticks it stays

    # -- state -----------------------------------------------------------------------------
    @property
    def scene(self) -> str:
        return self._show.scene

    @property
    def speed(self) -> float:
        return self._show.speed

    @property
    def brightness(self) -> float:
        return self._show.brightness

    @property
    def palette_name(self) -> str:
        return self._show.palette.name

    @property
    def running(self) -> bool:
        """True while the frame timer runs (only while shown)."""
        return self._timer.isActive()

    @property
    def cursor_hidden(self) -> bool:
        return self.cursor().shape() == Qt.CursorShape.BlankCursor

    @property
    def frame_interval_ms(self) -> int:
        return self._timer.interval()

    @property
    def frames_per_second(self) -> float:
        """The frame rate shown now (it follows the speed and the width; a video's, the
        motion measured in it)."""
        if self._player is not None:
            return self._fps / max(self._player.pipeline.min_ticks, self._shown_ticks)
        return self._fps

    @property
    def frames_drawn(self) -> int:
        """Frames drawn since the widget was made (each timer tick draws one)."""
        return self._frames_drawn

    @property
    def hint_opacity(self) -> float:
        """How visible the key hint is now: 1 at first, fading to 0 (until F1)."""
        return self._hint.opacity(self._clock())

    @property
    def note(self) -> str:
        """The note naming the last change, while it shows ('' otherwise)."""
        return self._note.text if self._note.active(self._clock()) else ""

    @property
    def note_opacity(self) -> float:
        return self._note.opacity(self._clock())

    @property
    def playing_video(self) -> bool:
        """True while the person's own video is shown instead of a scene."""
        return self._player is not None

    @property
    def video_title(self) -> str | None:
        """The video on screen now (None: a scene)."""
        return self._watching if self._player is not None else None

    @property
    def guard_note(self) -> str:
        """What the guard last did to the video, while that note shows ('' otherwise)."""
        return self._guard_note.text if self._guard_note.active(self._clock()) else ""

    def watched(self, reset: bool = False) -> tuple[list[tuple[str, float]], str | None]:
        """Each video watched with its seconds on screen, in the order first seen, and the
        last one; ``reset`` starts the count again (the session has ended)."""
        watched, last = list(self._watched.items()), self._last_watched
        if reset:
            self._watched, self._last_watched = {}, None
        return watched, last

    def show_hint(self) -> None:
        """The key hint again (F1), fading in."""
        self._hint.show(self._clock(), fade_in=True)
        self.update()

    # -- slots -----------------------------------------------------------------------------
    @Slot()
    def next_scene(self) -> None:
        if self._player is not None:
            self.stop_video()  # back to the scene that was there, not on to the next
            return
        self._announce_scene(self._show.step_scene(+1))

    @Slot()
    def previous_scene(self) -> None:
        if self._player is not None:
            self.stop_video()
            return
        self._announce_scene(self._show.step_scene(-1))

    @Slot()
    def choose_video(self) -> None:
        """ "My video…": the person picks one or more videos; they play in that order."""
        paths = self.choose_videos(self)
        if paths:
            self.add_videos(paths)

    @Slot(list)
    def add_videos(self, paths: Sequence[str | Path]) -> None:
        """Queue videos: after the ones playing, or at once (faded in from the scene)."""
        if not paths:
            return
        if self._player is not None:
            self._player.add(paths)
            self._say(f"Queued {len(paths)} video{'s' if len(paths) > 1 else ''}")
            return
        speed = nearest_speed(self._show.speed)
        self._show.set_speed(speed)
        pipeline = VideoPipeline(
            paths,
            self._show.palette,
            brightness=self._show.brightness,
            speed=speed,
            width=min(max(2, self.width()), DECODE_WIDTHS[0]),
            screen_width=max(2, self.width()),
            fps=VIDEO_TICK_FPS,
            max_shown_fps=VIDEO_FPS,
        )
        pipeline.guard.start_from(linear_of_rgb32(self._frame))  # from the scene shown
        self._handover = None
        self._errors_seen = 0
        self._hold_ticks = self._shown_ticks = 0
        self._player = VideoPlayer(pipeline)
        self._player.start()
        self._pace_timer()

    @Slot()
    def stop_video(self, note: str | None = None) -> None:
        """Back to the scene, faded from the last video frame through a guard."""
        player, self._player = self._player, None
        if player is None:
            return
        player.stop()
        self._handover = FrameGuard(VIDEO_FPS, self._show.palette.cap)
        self._handover.start_from(linear_of_rgb32(self._frame))
        self._watching = None
        self._pace_timer()
        self._say(note or f"Scene: {self._show.scene}")
        self.video_changed.emit("")

    @Slot(str)
    def set_scene(self, name: str) -> None:
        """Crossfade to scene ``name``; VisualError for an unknown one."""
        before = self._show.scene
        self._show.set_scene(name)
        if self._show.scene != before:
            self._announce_scene(self._show.scene)

    @Slot()
    def faster(self) -> None:
        self._change_speed(lambda: self._show.step_speed(+1))

    @Slot()
    def slower(self) -> None:
        self._change_speed(lambda: self._show.step_speed(-1))

    @Slot(float)
    def set_speed(self, speed: float) -> None:
        self._change_speed(lambda: self._show.set_speed(speed))

    @Slot()
    def brighter(self) -> None:
        self._change_brightness(lambda: self._show.step_brightness(+1))

    @Slot()
    def dimmer(self) -> None:
        self._change_brightness(lambda: self._show.step_brightness(-1))

    @Slot(float)
    def set_brightness(self, brightness: float) -> None:
        self._change_brightness(lambda: self._show.set_brightness(brightness))

    def _announce_scene(self, name: str) -> None:
        log.info("visual scene: %s", name)
        self._say(f"Scene: {name}")
        self.scene_changed.emit(name)

    def _say(self, text: str) -> None:
        self._note.show(self._clock(), text=text, fade_in=True)
        self.update()

    def _change_speed(self, change: Callable[[], object]) -> None:
        before = self._show.speed
        change()
        if self._player is not None:  # a video plays at 1x, 0.5x or 0.25x
            wanted = self._show.speed
            speed = nearest_speed(wanted)
            if wanted != before and speed == nearest_speed(before):
                speed = step_speed(before, 1 if wanted > before else -1)
            self._show.set_speed(speed)
            self._player.set_speed(speed)
        if self._show.speed != before:
            self._pace_timer()
            self._say(f"Speed {self._show.speed:g}\u00d7")
            self.speed_changed.emit(self._show.speed)

    def _pace_timer(self) -> None:
        if self._player is not None:  # the video's clock: its frames last whole ticks
            self._fps = min(VIDEO_TICK_FPS, self._max_fps)
            self._timer.setInterval(frame_interval_ms(self._fps))
            return
        if self._handover is not None:
            self._fps = min(VIDEO_FPS, self._max_fps)  # the rate the guard plans for
            self._timer.setInterval(frame_interval_ms(self._fps))
            return
        self._fps = frame_rate(self._show.speed, max(1, self.width()), self._max_fps)
        self._timer.setInterval(frame_interval_ms(self._fps))

    def _change_brightness(self, change: Callable[[], object]) -> None:
        before = self._show.brightness
        change()
        if self._show.brightness != before:
            if self._player is not None:
                self._player.set_brightness(self._show.brightness)
            self._say(f"Brightness {round(self._show.brightness * 100)} %")
            self.brightness_changed.emit(self._show.brightness)

    # -- time ------------------------------------------------------------------------------
    @Slot()
    def next_frame(self) -> None:
        """Advance to now and draw (the timer calls it; so do the tests and the benchmark)."""
        now = self._clock()
        longest = MAX_TICK_FRAMES / self._fps
        dt = 0.0 if self._last_tick is None else min(longest, max(0.0, now - self._last_tick))
        self._last_tick = now
        if self._player is not None:
            self._next_video_frame(dt)
            return
        self._show.advance(dt)
        frame = self._show.frame_rgb32()
        if self._handover is not None:  # from a video back to the scene: guarded too
            guarded = self._handover.process(linear_of_rgb32(frame))
            frame = guarded.rgb32
            if guarded.mix >= 1.0:
                self._handover = None
                self._pace_timer()
        self._frame = frame
        self._image = self._to_image(self._frame)
        self._frames_drawn += 1
        self.update()

    def _next_video_frame(self, dt: float) -> None:
        """The next guarded frame from the worker (none ready: the last one stays)."""
        player = self._player
        assert player is not None
        if self._watching is not None:
            self._watched[self._watching] = self._watched.get(self._watching, 0.0) + dt
        errors = player.pipeline.errors
        if len(errors) > self._errors_seen:
            self._errors_seen = len(errors)
            self._say(errors[-1])
        if self._hold_ticks > 1:  # a slow video is shown at a lower rate: keep this one
            self._hold_ticks -= 1
            return
        shown = player.take()
        if shown is None:
            if player.finished:  # nothing (more) can play: back to the scene
                self.stop_video(errors[-1] if errors else None)
            return
        if shown.title != self._watching:
            self._watching = self._last_watched = shown.title
            self._watched.setdefault(shown.title, 0.0)
            log.info("visual video: %s", shown.title)
            if not self._note.active(self._clock()):
                self._say(f"Video: {shown.title}")
            self.video_changed.emit(shown.title)
        if shown.note and not self._guard_note.active(self._clock()):
            self._guard_note.show(self._clock(), text=shown.note, fade_in=True)
        self._hold_ticks = self._shown_ticks = shown.ticks
        self._frame = shown.rgb32
        self._image = self._to_image(self._frame)
        self._frames_drawn += 1
        self.update()

    @staticmethod
    def _to_image(frame: NDArray[np.uint32]) -> QImage:
        """A QImage over the frame's words (no copy; the caller keeps the array alive)."""
        h, w = frame.shape
        return QImage(frame.data, w, h, 4 * w, QImage.Format.Format_RGB32)

    # -- Qt events -------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt\'s name
        super().showEvent(event)
        self._last_tick = None
        self._timer.start()
        self._cursor_timer.start()
        if self._hint_pending:
            self._hint_pending = False
            self._hint.show(self._clock(), fade_in=False)  # the scene itself fades in

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt\'s name
        self._timer.stop()
        self._cursor_timer.stop()
        if self._player is not None:  # no decoding for a window nobody sees
            self._player.stop()
            self._player = None
            self._watching = None
        super().hideEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt\'s name
        size = event.size()
        self._show.resize((max(1, size.width()), max(1, size.height())))
        self._half = None
        self._pace_timer()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt\'s name
        """The frame, scaled up smoothly, then the key hint over it.

        Qt's smooth (bilinear) scaling costs by the pixel it writes: 2.8 ms for 1920x1080.
        So a large widget is painted in two stages: smooth to half its size, then doubled
        by nearest neighbour (0.5 + 1.1 ms). Both stages only copy or mix neighbouring
        colours of the palette's monotonic ramp, so no pixel gets brighter than the frame's
        brightest and no bound of DESIGN.md can change; tests/gui/test_visual.py measures
        the painted result. The rows the caption bands cover solidly are not scaled at all
        (a quarter of a 1080 px screen): they get the band's colour, as before.
        """
        painter = QPainter(self)
        solid, soft = self._band_geometry()
        picture = QRect(0, solid, self.width(), max(0, self.height() - 2 * solid))
        painter.setClipRect(picture)
        if self.width() >= TWO_STAGE_FROM * self._image.width():
            half = self._smooth_half(picture)
            painter.drawImage(QRect(0, 0, 2 * half.width(), 2 * half.height()), half)
        else:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(QRectF(self.rect()), self._image)
        painter.setClipping(False)
        self._draw_bands(painter, solid, soft)
        now = self._clock()
        font = QFont(self.font())
        font.setPointSizeF(self._caption_point_size())
        painter.setFont(font)
        margin = self.height() // 12
        area = self.rect().adjusted(margin, margin, -margin, -margin)
        bottom = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom
        top = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        painter.setPen(self._caption_colour)
        guard = self._guard_note
        if self._note.active(now):
            guard = Caption(0.0, 1.0)  # one line at the top at a time; the change wins
        for caption, flags, share in (
            (self._hint, bottom, 1.0),
            (self._note, top, 1.0),
            (guard, top, GUARD_NOTE_OPACITY),
        ):
            opacity = caption.opacity(now) * share
            if opacity > 0.0:
                painter.setOpacity(opacity)
                painter.setFont(_fitted(font, caption.text, area.width()))
                painter.drawText(area, int(flags), caption.text)
        painter.end()

    def _caption_point_size(self) -> float:
        return max(11.0, self.height() / 60)

    def _band_geometry(self) -> tuple[int, int]:
        """The caption bands' solid height and soft (fading) height, in pixels."""
        margin = self.height() // 12
        text_h = round(self._caption_point_size() * 96 / 72 * 1.4)
        solid = margin + text_h // 2 + text_h // 2
        return solid, margin

    def _draw_bands(self, painter: QPainter, solid: int, soft: int) -> None:
        """The palette's background along the top and bottom, where captions appear,
        fading softly into the scene: the captions read on it at 6:1.

        Always there, never fading: a dark plate faded in under a caption reads as motion
        to the analyser (0.098 screen widths/s for a 2 s fade, the bound is 0.02), while
        text fading on a still backdrop stays under it. The bands only darken towards
        the palette's background: no bound can change. The solid part is one fill of the
        colour (the picture is not painted under it); the gradient covers only the soft
        part, with the same stops and coordinates as over the whole band.
        """
        colour = QColor(self._plate_colour)
        clear = QColor(colour)
        clear.setAlpha(0)
        painter.setPen(Qt.PenStyle.NoPen)
        height, width = self.height(), self.width()
        for edge_y, inward in ((0, 1), (height, -1)):
            inner = edge_y + inward * (solid + soft)
            gradient = QLinearGradient(0, edge_y, 0, inner)
            gradient.setColorAt(0.0, colour)
            gradient.setColorAt(solid / (solid + soft), colour)
            gradient.setColorAt(1.0, clear)
            solid_top = edge_y if inward > 0 else edge_y - solid
            painter.fillRect(QRect(0, solid_top, width, solid), colour)
            soft_top = edge_y + solid if inward > 0 else inner
            painter.fillRect(QRect(0, soft_top, width, soft), gradient)

    def _smooth_half(self, picture: QRect | None = None) -> QImage:
        """The frame scaled smoothly to half the widget (rounded up), in a kept buffer;
        only the rows of ``picture`` (widget coordinates) when it is given."""
        w, h = (self.width() + 1) // 2, (self.height() + 1) // 2
        if self._half is None or (self._half.width(), self._half.height()) != (w, h):
            self._half = QImage(w, h, QImage.Format.Format_RGB32)
        painter = QPainter(self._half)
        if picture is not None:
            top = picture.top() // 2
            painter.setClipRect(QRect(0, top, w, (picture.bottom() + 1 + 1) // 2 - top))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(QRectF(0, 0, w, h), self._image)
        painter.end()
        return self._half

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt\'s name
        actions: dict[int, Callable[[], None]] = {
            Qt.Key.Key_Escape: self.exit_requested.emit,
            Qt.Key.Key_Left: self.previous_scene,
            Qt.Key.Key_Right: self.next_scene,
            Qt.Key.Key_Up: self.faster,
            Qt.Key.Key_Down: self.slower,
            Qt.Key.Key_Plus: self.brighter,
            Qt.Key.Key_Equal: self.brighter,  # + without Shift on most layouts
            Qt.Key.Key_Minus: self.dimmer,
            Qt.Key.Key_Underscore: self.dimmer,
            Qt.Key.Key_F1: self.show_hint,
            Qt.Key.Key_O: self.choose_video,
        }
        action = actions.get(event.key())
        if action is None:
            super().keyPressEvent(event)
            return
        action()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt\'s name
        event.accept()
        self.exit_requested.emit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt\'s name
        if self.cursor_hidden:
            self.setCursor(Qt.CursorShape.ArrowCursor)
        self._cursor_timer.start()
        super().mouseMoveEvent(event)

    @Slot()
    def _hide_cursor(self) -> None:
        self.setCursor(QCursor(Qt.CursorShape.BlankCursor))
