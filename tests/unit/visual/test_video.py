"""A person's own video: decoded muted, slowed with blended frames, tinted, guarded."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from asmr_desktop.core import safety
from asmr_desktop.core.errors import VisualError
from asmr_desktop.visual.audit import VisualReport, analyse
from asmr_desktop.visual.colour import relative_luminance
from asmr_desktop.visual.guard import NOTE_FLASH, NOTE_RED, encode
from asmr_desktop.visual.motion import MotionMeter
from asmr_desktop.visual.palette import PALETTE_NAMES, palette
from asmr_desktop.visual.video import (
    VIDEO_SPEEDS,
    Tint,
    VideoPipeline,
    VideoPlayer,
    VideoSource,
    nearest_speed,
    step_speed,
)
from tests.helpers import video as hv

FPS = hv.FPS


def shown(path: Path, **options: object) -> tuple[list[NDArray[np.uint8]], list[str]]:
    """Every frame the pipeline shows for one pass of ``path``, at FPS (a frame shown for
    several ticks is there that many times, as on the screen), and the notes."""
    kwargs: dict[str, object] = {"fps": FPS, "max_shown_fps": FPS, "loop": False}
    kwargs.update(adapt=False, **options)
    pipe = VideoPipeline([path], palette(str(kwargs.pop("palette_name", "warm"))), **kwargs)  # type: ignore[arg-type]
    frames, notes = [], []
    while (result := pipe.next()) is not None:
        frames.extend([result[0].rgb] * result[0].ticks)
        notes.extend(result[0].notes or ("",))
    return frames, notes


def guarded_bounds(report: VisualReport, cap: float = safety.MAX_PIXEL_LUMINANCE) -> list[str]:
    """The bounds the guard keeps (all of DESIGN.md's but motion; see guard.py)."""
    return [v for v in report.violations(cap) if not v.startswith("motion")]


def tinted_only(path: Path, brightness: float = 0.7) -> list[NDArray[np.uint8]]:
    tint = Tint(palette("warm"), brightness)
    return [encode(tint.apply(f.planes)) for f in VideoSource(path).frames()]


def test_only_the_pictures_are_decoded(tmp_path: Path) -> None:
    path = hv.write_video(tmp_path / "both.mp4", hv.clip(1, hv.blob), with_audio=True)
    source = VideoSource(path)
    assert source.size == (hv.W, hv.H)
    assert source.fps == FPS
    frames = list(source.frames())
    assert len(frames) == FPS
    assert frames[1].time_s == pytest.approx(1 / FPS)
    # the audio stream is there, and its decoder was never opened
    audio = source._container.streams.audio
    assert len(audio) == 1
    assert not audio[0].codec_context.is_open
    assert source._stream.codec_context.is_open


@pytest.mark.parametrize("hz", [3.0, 5.0])
def test_flashing_videos_are_shown_without_flashes(tmp_path: Path, hz: float) -> None:
    path = hv.write_video(tmp_path / f"flash{hz}.mp4", hv.clip(4, hv.flashing(hz)))
    raw = analyse(tinted_only(path), FPS)
    assert raw.general_flashes_per_s >= 3  # dimming alone would not be enough
    frames, notes = shown(path)
    assert guarded_bounds(analyse(frames, FPS)) == []
    assert NOTE_FLASH in notes


def test_a_saturated_red_flash_is_softened(tmp_path: Path) -> None:
    path = hv.write_video(tmp_path / "red.mkv", hv.clip(3, hv.flashing(3, on=(255, 0, 0))))
    raw = analyse(tinted_only(path, brightness=1.0), FPS)
    assert raw.saturated_red_pixels > 0  # the palette's tint alone leaves it red
    frames, notes = shown(path, brightness=1.0)
    report = analyse(frames, FPS)
    assert guarded_bounds(report) == []
    assert report.saturated_red_pixels == 0 and report.red_flashes_per_s == 0
    assert NOTE_RED in notes


@pytest.mark.parametrize("migraine", [False, True])
def test_a_bright_white_frame_stays_under_the_cap(tmp_path: Path, migraine: bool) -> None:
    frames_in = hv.clip(2, hv.blob)
    frames_in[40] = hv.solid((255, 255, 255))
    path = hv.write_video(tmp_path / "white.avi", frames_in)
    pal = palette("grey", migraine)
    pipe = VideoPipeline([path], pal, brightness=1.0, fps=FPS, loop=False, adapt=False)
    frames = []
    while (result := pipe.next()) is not None:
        frames.extend([result[0].rgb] * result[0].ticks)
    report = analyse(frames, FPS)
    assert guarded_bounds(report, pal.cap) == []
    assert report.max_pixel_luminance <= pal.cap


def test_a_fast_pan_is_kept_within_the_region_bound(tmp_path: Path) -> None:
    path = hv.write_video(tmp_path / "pan.webm", hv.clip(3, hv.pan))
    assert analyse(tinted_only(path), FPS).max_region_change_per_s > 0.02
    frames, _notes = shown(path)
    assert guarded_bounds(analyse(frames, FPS)) == []


@pytest.mark.parametrize("name", PALETTE_NAMES)
def test_a_calm_video_is_only_tinted_and_dimmed(tmp_path: Path, name: str) -> None:
    path = hv.write_video(tmp_path / "calm.mp4", hv.clip(3, hv.blob))
    expected = tinted_only_with(path, name, 0.6)
    frames, notes = shown(path, palette_name=name, brightness=0.6)
    assert len(frames) >= len(expected)
    frames = frames[: len(expected)]  # the last frame stays up for one more interval
    # The guard fades in from the palette's background at the start; once it has caught
    # up (within a second here) every frame is exactly the tinted, dimmed picture.
    caught = next(
        i for i, (a, b) in enumerate(zip(frames, expected, strict=True)) if np.array_equal(a, b)
    )
    assert caught < FPS
    assert all(
        np.array_equal(a, b) for a, b in zip(frames[caught:], expected[caught:], strict=True)
    )
    assert set(notes) == {""}
    assert guarded_bounds(analyse(frames, FPS)) == []


def tinted_only_with(path: Path, name: str, brightness: float) -> list[NDArray[np.uint8]]:
    tint = Tint(palette(name), brightness)
    return [encode(tint.apply(f.planes)) for f in VideoSource(path).frames()]


def test_the_tint_keeps_the_picture_and_its_bounds() -> None:
    rng = np.random.default_rng(3)
    picture = rng.integers(0, 256, (3, 40, 60), dtype=np.uint8)
    for name in PALETTE_NAMES:
        for migraine in (False, True):
            pal = palette(name, migraine)
            for brightness in (0.1, 0.7, 1.0):
                out = encode(Tint(pal, brightness).apply(picture))
                assert float(relative_luminance(out).max()) <= pal.cap * brightness + 1e-6
    # brighter in, brighter out: the picture is still there
    tint = Tint(palette("warm"), 1.0)
    dark, light = (np.moveaxis(hv.solid(c), -1, 0) for c in ((40,) * 3, (200,) * 3))
    assert (
        relative_luminance(encode(tint.apply(light))).mean()
        > relative_luminance(encode(tint.apply(dark))).mean()
    )


def test_half_speed_blends_frames_in_between(tmp_path: Path) -> None:
    # A small patch (too small to matter for the region bound) steps up in brightness
    # from frame to frame: at 0.5x every other shown frame lies between two decoded ones.
    def draw(t: float) -> NDArray[np.uint8]:
        frame = np.zeros((hv.H, hv.W, 3), dtype=np.uint8)
        frame[40:48, 76:84] = min(255, 40 + round(t * FPS) * 10)
        return frame

    path = hv.write_video(tmp_path / "steps.mp4", hv.clip(1, draw))
    decoded = [float(f.rgb[44, 80].astype(float).mean()) for f in VideoSource(path).frames()]
    frames, _ = shown(path, speed=0.5, brightness=1.0)
    patch = [float(relative_luminance(f[42:46, 78:82]).mean()) for f in frames]
    assert len(frames) >= 2 * len(decoded) - 2
    # shown frame 2k is decoded frame k, 2k+1 lies strictly between k and k+1
    for k in range(5, 20):
        assert patch[2 * k] < patch[2 * k + 1] < patch[2 * k + 2]
    full, _ = shown(path, speed=1.0, brightness=1.0)
    assert len(full) < len(frames) * 0.6


def test_speeds_are_the_three_steps() -> None:
    assert VIDEO_SPEEDS == (0.25, 0.5, 1.0)
    assert nearest_speed(0.35) == 0.25 and nearest_speed(0.7) == 0.5
    assert nearest_speed(float("nan")) == 1.0
    assert step_speed(1.0, -1) == 0.5 and step_speed(0.25, -1) == 0.25
    assert step_speed(0.5, +1) == 1.0 and step_speed(1.0, +1) == 1.0


def test_a_truncated_video_gives_one_clear_line(tmp_path: Path) -> None:
    path = hv.write_video(tmp_path / "cut.mp4", hv.clip(2, hv.blob))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(VisualError) as caught:
        VideoSource(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith("cut.mp4 cannot be played")
    errors: list[str] = []
    pipe = VideoPipeline([path], palette("warm"), on_error=errors.append)
    assert pipe.next() is None
    assert errors == [message]


def test_a_bad_file_in_a_playlist_is_left_out(tmp_path: Path) -> None:
    good = hv.write_video(tmp_path / "good.mp4", hv.clip(1, hv.blob))
    bad = tmp_path / "bad.mkv"
    bad.write_bytes(b"not a video at all")
    errors: list[str] = []
    pipe = VideoPipeline([bad, good], palette("warm"), fps=FPS, on_error=errors.append)
    titles = {pipe.next()[1] for _ in range(3 * FPS)}  # type: ignore[index]
    assert titles == {"good.mp4"}  # and it loops
    assert len(errors) == 1 and errors[0].startswith("bad.mkv")


def test_decoding_steps_narrower_when_it_cannot_keep_up(tmp_path: Path) -> None:
    path = hv.write_video(tmp_path / "wide.mp4", [np.zeros((360, 640, 3), np.uint8)] * 20)
    ticks = iter(range(10**6))
    # a clock on which every frame takes a whole second: far too slow at any width
    pipe = VideoPipeline([path], palette("warm"), clock=lambda: float(next(ticks)))
    pipe.adapt_after_warm_up = False
    pipe.next()
    assert pipe.width == 480
    pipe.next()
    assert pipe.width == 320


def test_the_player_feeds_frames_from_its_thread(tmp_path: Path) -> None:
    path = hv.write_video(tmp_path / "calm.mp4", hv.clip(1, hv.blob))
    finished: list[bool] = []
    pipe = VideoPipeline([path], palette("warm"), fps=FPS, loop=False)
    player = VideoPlayer(pipe, on_finished=lambda: finished.append(True))
    player.start()
    got = []
    deadline = time.monotonic() + 20
    while not player.finished and time.monotonic() < deadline:
        frame = player.take()
        if frame is not None:
            got.append(frame)
        else:
            time.sleep(0.005)
    player.stop()
    assert finished == [True]
    assert sum(f.ticks for f in got) >= FPS  # the whole second, at most 15 frames of it
    assert {f.title for f in got} == {"calm.mp4"}
    assert got[0].rgb32.shape == (hv.H, hv.W)


def test_the_deblocking_filter_is_skipped_only_for_a_smaller_decode(tmp_path: Path) -> None:
    path = hv.write_video(tmp_path / "calm.mp4", hv.clip(0.2, hv.blob))
    small, full = VideoSource(path, hv.W // 2), VideoSource(path, hv.W)
    assert small._stream.codec_context.options.get("skip_loop_filter") == "all"
    assert "skip_loop_filter" not in full._stream.codec_context.options
    assert len(list(small.frames())) == len(list(full.frames()))


def test_a_slow_video_is_shown_at_fewer_frames_and_still_guarded(tmp_path: Path) -> None:
    path = hv.write_video(tmp_path / "slow.mp4", hv.clip(4, hv.drifting_light))
    pipe = VideoPipeline(
        [path], palette("warm"), speed=0.25, fps=FPS, loop=False, adapt=False, screen_width=640
    )
    ticks, frames = [], []
    while (result := pipe.next()) is not None:
        ticks.append(result[0].ticks)
        frames.extend([result[0].rgb] * result[0].ticks)
    assert pipe.min_ticks == 2  # at most VIDEO_FPS (15) a second of the 30 ticks
    assert ticks[: FPS // 2] == [2] * (FPS // 2)  # the first second: not measured yet
    settled = ticks[-20:]
    assert min(settled) > 2  # fewer than 15 frames a second
    # 8 px/s of 160 on a 640 px screen at 0.25x: 8 px/s, under 4 px a frame
    assert 8.0 * 640 / hv.W * 0.25 * max(settled) / FPS <= 4.0
    assert guarded_bounds(analyse(frames, FPS)) == []
    pan = hv.write_video(tmp_path / "pan.mp4", hv.clip(2, hv.pan))
    pipe = VideoPipeline([pan], palette("warm"), fps=FPS, loop=False, adapt=False)
    pan_ticks = []
    while (result := pipe.next()) is not None:
        pan_ticks.append(result[0].ticks)
    assert set(pan_ticks) == {2}  # a fast pan: every frame there is to show


class _Still(MotionMeter):
    """A meter that finds no motion at all: each frame stays as long as MIN_FPS allows."""

    @property
    def px_per_s(self) -> float:
        return 0.0


@pytest.mark.parametrize("hz", [3.0, 5.0])
def test_frames_held_for_several_ticks_are_still_guarded(tmp_path: Path, hz: float) -> None:
    path = hv.write_video(tmp_path / f"flash{hz}.mp4", hv.clip(4, hv.flashing(hz)))
    pipe = VideoPipeline([path], palette("warm"), fps=FPS, loop=False, adapt=False)
    pipe.motion = _Still(hv.W)
    pipe.set_speed(0.25)
    frames, ticks = [], set()
    while (result := pipe.next()) is not None:
        ticks.add(result[0].ticks)
        frames.extend([result[0].rgb] * result[0].ticks)
    assert ticks == {7}  # 30 / 7 = 4.3 frames a second: MIN_FPS (4) or more
    assert guarded_bounds(analyse(frames, FPS)) == []
