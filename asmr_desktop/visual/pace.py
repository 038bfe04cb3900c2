"""How often visual-only mode draws: as seldom as the motion allows, and no more (issue 18).

The scenes move at most MAX_MOTION_SCREEN_WIDTHS_PER_S (2 % of the width a second at 1x),
so at the 30 fps cap a feature moves 1.3 px a frame on a 1920 px screen: far more frames
than smooth motion needs, at about 12 % of a core. The frame rate here is the lowest at
which nothing moves more than MAX_STEP_PX screen pixels from one frame to the next,
whatever the scene, because it is derived from the bound itself, not from a scene.

Why 4 px. On a common 24" 1920 px screen (0.28 mm a pixel) seen from 60 cm, 4 px is
6.4 arcmin: well under half of the ~15 arcmin up to which successive frames are seen as one
continuous movement rather than a jump (Braddick's short-range limit, for far sharper
patterns than these); under half the softest-edged shape's blur (the specks' sigma is
0.005 widths, 9.6 px); and under half the judder limit cinematographers keep to at 24 fps
(an object takes 7 s or more to cross the frame, about 11 px a frame). The measured
largest step of what Qt paints is checked against it for every scene and palette
(tests/gui/test_visual.py), so is every bound of DESIGN.md.

Measured here (bench/bench_visual.py, 1920x1080): 1x needs 9.6 fps instead of 30; 0.25x
needs 2.4 and gets MIN_FPS, so a key's effect (a crossfade, a brightness ramp) starts within
a quarter of a second.
"""

from __future__ import annotations

import math

from asmr_desktop.core import safety
from asmr_desktop.visual.render import clamp_speed

#: The largest step of any feature from one frame to the next, in screen pixels.
MAX_STEP_PX = 4.0
#: Never fewer frames than this (a key's effect shows within 1/MIN_FPS s).
MIN_FPS = 4.0


def frame_rate(speed: float, width_px: int, max_fps: float = safety.MAX_FPS) -> float:
    """Frames a second at slow-motion ``speed`` on a screen ``width_px`` wide: the fewest
    that keep every step under MAX_STEP_PX, within MIN_FPS..``max_fps`` (at most MAX_FPS)."""
    motion_px_per_s = safety.MAX_MOTION_SCREEN_WIDTHS_PER_S * clamp_speed(speed) * width_px
    return motion_frame_rate(motion_px_per_s, max_fps)


def motion_frame_rate(px_per_s: float, max_fps: float = safety.MAX_FPS) -> float:
    """Frames a second for motion of ``px_per_s`` screen pixels a second (the scenes'
    bound, or a video's as measured; infinite: unknown or fast): the fewest that keep
    every step under MAX_STEP_PX, within MIN_FPS..``max_fps`` (at most MAX_FPS)."""
    cap = max(MIN_FPS, min(float(safety.MAX_FPS), max_fps))
    return max(MIN_FPS, min(cap, px_per_s / MAX_STEP_PX))


def frame_interval_ms(fps: float) -> int:
    """The timer interval for ``fps``, rounded so the rate never falls below it."""
    return max(1, math.floor(1000.0 / fps))


def step_px(motion_widths_per_s: float, fps: float, width_px: int) -> float:
    """How far motion measured in screen widths a second moves in one frame, in pixels."""
    return motion_widths_per_s * width_px / fps
