"""Visual-only mode cost: frame render times per scene, Qt's paint, and live CPU use.

    .venv/bin/python bench/bench_visual.py [--frames 150] [--live-seconds 10] [--video-only]

Prints, for 1920x1080 output:
  render   - each scene's frame at the internal size (what the app draws; Qt scales it):
             median and 99th percentile wall time, and frames per CPU-second
  full     - the same frame scaled up in numpy to 1920x1080 (what ``frames`` writes)
  paint    - VisualView's paint at 1920x1080 (two stages: smooth to half size, then 2x)
  live     - VisualView shown at 1920x1080 for a while with its own timer, twice in the
             same run: as before issue 18 (30 fps, one smooth scaling to full size) and as
             now (the frame rate the motion needs, visual/pace.py): frames drawn per
             second, the whole process's CPU in percent of one core, the p50/p99 frame
             time (the work of one frame: advance, colour and paint) and the largest
             step a feature can make per frame at that rate, in pixels.
  video    - (issue 21) VisualView playing a 1920x1080 H.264 video at 0.5x, beside the
             scene's live run above in the same process: frames shown per second, the
             decode width the pipeline settled on, the whole process's CPU in percent of
             one core (goal under 15 %), and the p99 frame time: the worker's work for one
             frame (decode, scale, blend, tint, guard; goal under 16 ms) and the window's
             (take the frame, paint it).
Also the estimate from the parts: (tick + paint) x fps, in percent of one core.
The platform is offscreen unless QT_QPA_PLATFORM says otherwise (e.g. xcb on Xvfb). The
figures are from a shared 2-core machine; the load average is printed; run it a few times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")

from asmr_desktop.core import safety
from asmr_desktop.visual.pace import MIN_FPS, step_px
from asmr_desktop.visual.palette import palette
from asmr_desktop.visual.render import Renderer
from asmr_desktop.visual.scenes import SCENE_NAMES, make_scene

SIZE = (1920, 1080)


def timed(func: Callable[[int], object], count: int) -> tuple[list[float], float]:
    """Wall times of ``func(i)`` in ms, and the CPU seconds all calls took."""
    func(0)  # warm up
    walls = []
    cpu0 = time.process_time()
    for i in range(count):
        start = time.perf_counter()
        func(i)
        walls.append((time.perf_counter() - start) * 1000)
    return walls, time.process_time() - cpu0


def p99(values: list[float]) -> float:
    return sorted(values)[min(len(values) - 1, round(0.99 * (len(values) - 1)))]


def line(name: str, walls: list[float], cpu_s: float) -> str:
    per_cpu_s = len(walls) / cpu_s if cpu_s > 0 else float("inf")
    return (
        f"{name:<22} median {statistics.median(walls):6.2f} ms   p99 {p99(walls):6.2f} ms   "
        f"{per_cpu_s:7.0f} frames/CPU-s"
    )


def bench_render(count: int) -> None:
    renderer = Renderer(SIZE)
    colours = palette("warm")
    w, h = renderer.internal
    print(f"render: {SIZE[0]}x{SIZE[1]} output, drawn at {w}x{h}, {count} frames a scene")
    for name in SCENE_NAMES:
        scene = make_scene(name)
        walls, cpu = timed(lambda i, s=scene: renderer.frame(s, i / 30, colours), count)  # type: ignore[misc]
        print("  " + line(f"render {name}", walls, cpu))
    scene = make_scene("orbs")
    walls, cpu = timed(lambda i: renderer.full_frame(scene, i / 30, colours), max(10, count // 5))
    print("  " + line("full 1920x1080 (numpy)", walls, cpu))


def bench_widget(count: int, live_s: float) -> None:
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from asmr_desktop.ui.visual import VisualView

    app = QApplication.instance() or QApplication([])
    view = VisualView("orbs", "warm", brightness=0.7, show_hint=False)
    view.resize(*SIZE)
    view.show()
    app.processEvents()
    view.hide()  # no timer while the parts are timed one by one
    ticks, tick_cpu = timed(lambda i: view.next_frame(), count)  # advance + colour, no paint
    target = QImage(SIZE[0], SIZE[1], QImage.Format.Format_RGB32)
    paints, paint_cpu = timed(lambda i: view.render(target), count)  # runs paintEvent
    fps = view.frames_per_second
    print(f"widget: VisualView at {SIZE[0]}x{SIZE[1]}, {QApplication.platformName()} platform")
    print("  " + line("tick (advance+colour)", ticks, tick_cpu))
    print("  " + line("paint (two stages)", paints, paint_cpu))
    per_frame_cpu = tick_cpu / count + paint_cpu / count
    print(f"  estimate at {fps:.1f} fps (1x): {per_frame_cpu * fps * 100:.1f} % of one core")
    print(f"  estimate at 0.25x speed ({MIN_FPS:g} fps): {per_frame_cpu * MIN_FPS * 100:.1f} %")
    view.close()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"live at {SIZE[0]}x{SIZE[1]}, orbs at 1x, {live_s:g} s each, load average {load}:")
    for label, before in (("before (30 fps, one stage)", True), ("now", False)):
        live(app, label, live_s, before=before)


def live(app: object, label: str, live_s: float, *, before: bool) -> None:
    """Show a VisualView for ``live_s`` seconds; print its fps, CPU and frame times."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QApplication

    import asmr_desktop.ui.visual as visual_ui

    class Timed(visual_ui.VisualView):
        """Records each frame's work: next_frame and the paint it causes."""

        work_ms: list[float]
        _pending_ms: float | None = None

        def _pace_timer(self) -> None:
            super()._pace_timer()
            if before:  # the old pacing: the cap at 1x
                self._fps = float(safety.MAX_FPS)
                self._timer.setInterval(round(1000 / safety.MAX_FPS))

        def next_frame(self) -> None:
            start = time.perf_counter()
            super().next_frame()
            self._pending_ms = (time.perf_counter() - start) * 1000

        def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
            start = time.perf_counter()
            super().paintEvent(event)
            pending = getattr(self, "_pending_ms", None)
            if pending is not None:
                self.work_ms.append(pending + (time.perf_counter() - start) * 1000)
                self._pending_ms = None

    saved = visual_ui.TWO_STAGE_FROM
    visual_ui.TWO_STAGE_FROM = 10**9 if before else saved
    try:
        view = Timed("orbs", "warm", brightness=0.7, show_hint=False)
        view.work_ms = []
        view.resize(*SIZE)
        view.show()
        assert isinstance(app, QApplication)
        app.processEvents()
        view.work_ms.clear()
        drawn0 = view.frames_drawn
        cpu0, wall0 = time.process_time(), time.perf_counter()
        QTimer.singleShot(round(live_s * 1000), app.quit)
        app.exec()
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        fps = (view.frames_drawn - drawn0) / wall
        step = step_px(safety.MAX_MOTION_SCREEN_WIDTHS_PER_S, view.frames_per_second, SIZE[0])
        work = view.work_ms
        print(
            f"  {label:<27} {fps:5.1f} frames/s, CPU {100 * cpu / wall:4.1f} % of one core "
            f"(whole process), frame time p50 {statistics.median(work):.1f} ms "
            f"p99 {p99(work):.1f} ms, step at most {step:.1f} px a frame"
        )
        view.close()
    finally:
        visual_ui.TWO_STAGE_FROM = saved


def make_video(path: str, seconds: float) -> None:
    """A 1920x1080 30 fps H.264 clip: a soft light drifting over a fine texture."""
    import av
    import numpy as np

    with av.open(path, "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = SIZE[0], SIZE[1], "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "20"}
        y, x = np.mgrid[0 : SIZE[1], 0 : SIZE[0]].astype(np.float32)
        texture = np.random.default_rng(0).random(x.shape, dtype=np.float32) * 40
        for i in range(round(seconds * 30)):
            t = i / 30
            light = 60 * np.exp(-((x - 700 - 60 * t) ** 2 + (y - 540) ** 2) / (2 * 220.0**2))
            v = 70 + light + texture
            rgb = np.clip(np.stack([v, 0.9 * v, 0.8 * v], axis=-1), 0, 255).astype(np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def wait(seconds: float) -> None:
    """Run Qt's events for a while (app.quit would close the window: Qt 6 does that)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


def bench_video(live_s: float) -> None:
    """VisualView showing a 1080p video at 0.5x for ``live_s`` seconds."""
    import tempfile

    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QApplication

    import asmr_desktop.ui.visual as visual_ui
    from asmr_desktop.visual.video import VideoPipeline

    worker_ms: list[float] = []

    class TimedPipeline(VideoPipeline):
        def next(self) -> object:  # type: ignore[override]
            start = time.perf_counter()
            result = super().next()
            worker_ms.append((time.perf_counter() - start) * 1000)
            return result

    class Timed(visual_ui.VisualView):
        window_ms: list[float]
        _pending: float | None = None

        def next_frame(self) -> None:
            start = time.perf_counter()
            super().next_frame()
            self._pending = (time.perf_counter() - start) * 1000

        def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
            start = time.perf_counter()
            super().paintEvent(event)
            pending = getattr(self, "_pending", None)
            if pending is not None:
                self.window_ms.append(pending + (time.perf_counter() - start) * 1000)
                self._pending = None

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "1080p.mp4")
        made = time.perf_counter()
        make_video(path, 4.0)
        print(f"video: 4 s of 1920x1080 H.264 made in {time.perf_counter() - made:.1f} s")
        setattr(visual_ui, "VideoPipeline", TimedPipeline)  # noqa: B010 - the window's own name
        try:
            view = Timed("orbs", "warm", 0.5, brightness=0.7, show_hint=False)
            view.window_ms = []
            view.resize(*SIZE)
            view.show()
            app.processEvents()
            view.add_videos([path])
            view.set_speed(0.5)
            wait(2.0)  # opening, warming up, settling the width
            worker_ms.clear()
            view.window_ms.clear()
            drawn0 = view.frames_drawn
            cpu0, wall0 = time.process_time(), time.perf_counter()
            wait(live_s)
            wall = time.perf_counter() - wall0
            cpu = time.process_time() - cpu0
            player = view._player
            width = player.pipeline.width if player is not None else 0
            fps = (view.frames_drawn - drawn0) / wall
            print(
                f"  video 1080p at 0.5x       {fps:5.1f} frames/s, decoded {width} px wide, "
                f"CPU {100 * cpu / wall:4.1f} % of one core (whole process), frame time p99: "
                f"worker {p99(worker_ms):.1f} ms (p50 {statistics.median(worker_ms):.1f}), "
                f"window {p99(view.window_ms):.1f} ms"
            )
            view.close()
        finally:
            setattr(visual_ui, "VideoPipeline", VideoPipeline)  # noqa: B010


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--live-seconds", type=float, default=10.0)
    parser.add_argument("--video-only", action="store_true", help="only the video's live run")
    args = parser.parse_args()
    if not args.video_only:
        bench_render(args.frames)
        bench_widget(args.frames, args.live_seconds)
    bench_video(args.live_seconds)


if __name__ == "__main__":
    main()
