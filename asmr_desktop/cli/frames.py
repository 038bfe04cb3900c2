"""``asmr-desktop frames SCENE -o DIR --seconds N --fps F``: a scene's frames as PNG files.

The frames come from the same drawing code as the app (drawn small, scaled up smoothly),
for checking and for previews; ``--check`` also measures them against the safety bounds.
SCENE may be a video file instead (issue 21): its frames as visual-only mode shows them,
muted, slowed, tinted and guarded, at the width it decodes them to (at most the size's
width); ``--check`` then measures every bound the guard keeps (all but motion, which a
person's own video is not held to).
"""

from __future__ import annotations

import argparse
import logging
import re
from pathlib import Path
from typing import Any

from asmr_desktop.core.errors import VisualError
from asmr_desktop.visual.audit import FrameAnalyser
from asmr_desktop.visual.palette import PALETTE_NAMES, Palette, palette
from asmr_desktop.visual.png import write_png
from asmr_desktop.visual.render import (
    BRIGHTNESS_MAX,
    BRIGHTNESS_MIN,
    SPEED_MAX,
    SPEED_MIN,
    Renderer,
)
from asmr_desktop.visual.scenes import BREATHS_PER_MIN_DEFAULT, SCENE_NAMES, make_scene
from asmr_desktop.visual.video import DECODE_WIDTHS, VIDEO_SUFFIXES, is_video, nearest_speed

log = logging.getLogger(__name__)

#: Largest frame the command writes (8K UHD) and most frames in one run.
MAX_SIZE = (7680, 4320)
MAX_FRAMES = 100_000


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "frames",
        help="render a visual scene to PNG frames",
        description="Render frames of a visual-only scene to PNG files, with the app's own "
        f"drawing code. Scenes: {', '.join(SCENE_NAMES)}. "
        f"Palettes: {', '.join(PALETTE_NAMES)}.",
    )
    parser.add_argument(
        "scene",
        metavar="SCENE",
        help=f"one of: {', '.join(SCENE_NAMES)}; or a video file "
        f"({', '.join(VIDEO_SUFFIXES)}): its guarded frames",
    )
    parser.add_argument(
        "-o", "--output", type=Path, required=True, metavar="DIR", help="folder for the PNGs"
    )
    parser.add_argument("--seconds", type=float, required=True, metavar="N")
    parser.add_argument("--fps", type=float, required=True, metavar="F", help="frames a second")
    parser.add_argument("--size", default="1024x768", metavar="WxH", help="default 1024x768")
    parser.add_argument(
        "--palette", default="warm", metavar="P", help=f"one of: {', '.join(PALETTE_NAMES)}"
    )
    parser.add_argument(
        "--migraine", action="store_true", help="the migraine variant: a lower luminance cap"
    )
    parser.add_argument(
        "--speed", type=float, default=SPEED_MAX, help=f"slow-motion factor {SPEED_MIN}..1"
    )
    parser.add_argument(
        "--brightness",
        type=float,
        default=BRIGHTNESS_MAX,
        help=f"{BRIGHTNESS_MIN}..{BRIGHTNESS_MAX}",
    )
    parser.add_argument(
        "--breaths-per-min", type=float, default=BREATHS_PER_MIN_DEFAULT, metavar="B"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--check",
        action="store_true",
        help="measure the frames against the safety bounds; exit 1 if any is broken",
    )
    parser.set_defaults(func=run)


def parse_size(text: str) -> tuple[int, int]:
    """``"1024x768"`` -> (1024, 768); VisualError says what is wrong otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text)
    if match is None:
        raise VisualError(f"Give the size as WIDTHxHEIGHT, e.g. 1024x768, not {text!r}.")
    width, height = int(match[1]), int(match[2])
    if not (1 <= width <= MAX_SIZE[0] and 1 <= height <= MAX_SIZE[1]):
        raise VisualError(
            f"The size must be from 1x1 to {MAX_SIZE[0]}x{MAX_SIZE[1]}, not {width}x{height}."
        )
    return width, height


def run(args: argparse.Namespace) -> int:
    """Write the frames; print where they went (and the measurements with --check)."""
    video = is_video(args.scene)
    scene = None if video else make_scene(args.scene, args.seed, args.breaths_per_min)
    colours = palette(args.palette, args.migraine)
    size = parse_size(args.size)
    if not (args.fps > 0 and args.seconds > 0):
        raise VisualError("--seconds and --fps must both be more than 0.")
    count = round(args.seconds * args.fps)
    if not 1 <= count <= MAX_FRAMES:
        raise VisualError(f"That is {count} frames; ask for 1 to {MAX_FRAMES}.")
    out: Path = args.output
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VisualError(f"Cannot create the folder {out}: {exc.strerror or exc}.") from exc
    if scene is None:
        return _video_frames(args, Path(args.scene), colours, count, size[0], out)
    renderer = Renderer(size)
    analyser = FrameAnalyser(args.fps) if args.check else None
    digits = len(str(count - 1))
    for i in range(count):
        frame = renderer.full_frame(scene, i / args.fps, colours, args.speed, args.brightness)
        write_png(out / f"{args.scene}_{i:0{digits}d}.png", frame)
        if analyser is not None:
            analyser.add(frame)
    print(f"wrote {count} frames of {args.scene} ({size[0]}x{size[1]}) to {out}")  # noqa: T201
    return _checked(analyser, colours.cap, args.speed)


def _checked(analyser: FrameAnalyser | None, cap: float, speed: float | None) -> int:
    """With --check: print what the frames measured and each bound they break; 1 if any.
    ``speed`` None: a person's own video, which is not held to the motion bound."""
    if analyser is None:
        return 0
    report = analyser.report()
    motion = "" if speed is None else f", motion {report.max_motion_widths_per_s:.4f} widths/s"
    print(  # noqa: T201 - the command's output
        f"flashes/s {report.general_flashes_per_s}, red flashes/s {report.red_flashes_per_s}, "
        f"max pixel luminance {report.max_pixel_luminance:.3f} (cap {cap}), "
        f"region change {report.max_region_change_per_s:.4f}/s, "
        f"saturated red pixels {report.saturated_red_pixels}{motion}"
    )
    if speed is None:
        problems = [v for v in report.violations(cap) if not v.startswith("motion")]
    else:
        problems = report.violations(cap, speed)
    for problem in problems:
        print(f"UNSAFE: {problem}")  # noqa: T201
    return 1 if problems else 0


def _video_frames(
    args: argparse.Namespace, path: Path, colours: Palette, count: int, width: int, out: Path
) -> int:
    """A video's frames as the window shows them at ``args.fps`` (each one guarded)."""
    from asmr_desktop.visual.video import VideoPipeline

    if not path.is_file():
        raise VisualError(f"There is no video file {path}.")
    errors: list[str] = []
    pipe = VideoPipeline(
        [path],
        colours,
        brightness=args.brightness,
        speed=nearest_speed(args.speed),
        width=min(width, DECODE_WIDTHS[0]),
        fps=args.fps,
        max_shown_fps=args.fps,  # every tick a frame: what --fps asks for
        slow_down=False,
        loop=False,
        adapt=False,
        on_error=errors.append,
    )
    analyser = FrameAnalyser(args.fps) if args.check else None
    digits = len(str(count - 1))
    written = 0
    notes: set[str] = set()
    shape = (0, 0)
    try:
        while written < count and (result := pipe.next()) is not None:
            guarded = result[0]
            frame = guarded.rgb
            shape = frame.shape[:2]
            notes.update(guarded.notes)
            write_png(out / f"{path.stem}_{written:0{digits}d}.png", frame)
            if analyser is not None:
                analyser.add(frame)
            written += 1
    finally:
        pipe.close()
    if errors and not written:
        raise VisualError(errors[0])
    print(  # noqa: T201 - the command's output
        f"wrote {written} guarded frames of {path.name} ({shape[1]}x{shape[0]}) to {out}"
        + (f"; the guard: {', '.join(sorted(notes))}" if notes else "")
    )
    return _checked(analyser, colours.cap, None)
