"""Audio in the containers libsndfile does not read (issue 21): AAC in M4A, Opus in WebM,
Vorbis in MKV and the audio track of an MP4 video decode through FFmpeg (PyAV), stream in
blocks, seek, keep their channel layouts, are normalised by the real render path, and a
damaged or truncated file gives one clear line."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile as sf

from asmr_desktop.analysis.loudness import measure_file
from asmr_desktop.audio.channels import downmix
from asmr_desktop.audio.decoder import FileSource, open_audio
from asmr_desktop.audio.engine import Engine, EngineSettings
from asmr_desktop.audio.ffmpeg import FFmpegSource
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.resample import ResampledSource
from asmr_desktop.cli.parser import parse, run_command
from asmr_desktop.core import safety
from asmr_desktop.core.errors import DecodeError
from tests.helpers.media import chirp, encode
from tests.unit.audio.helpers import read_all, reference_lufs

#: (file name, rate, channels, with a video track)
KINDS = [
    ("aac.m4a", 48000, 2, False),
    ("opus.webm", 48000, 2, False),
    ("vorbis.mkv", 44100, 2, False),
    ("video.mp4", 44100, 2, True),
    ("mono.m4a", 22050, 1, False),
]
IDS = [k[0] for k in KINDS]


def _offset(decoded: np.ndarray, original: np.ndarray, at: int, span: int = 2000) -> int:
    """The shift (frames) at which ``decoded`` best matches ``original[at:]``."""
    n = 2000
    shifts = range(max(-span, -at), span)
    errors = [np.abs(decoded[:n, 0] - original[at + k : at + k + n, 0]).max() for k in shifts]
    return shifts[int(np.argmin(errors))]


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, tuple[Path, np.ndarray]]:
    folder = tmp_path_factory.mktemp("media")
    made = {}
    for name, rate, channels, video in KINDS:
        original = chirp(3.0, rate, channels=channels)
        made[name] = (encode(folder / name, original, rate, video=video), original)
    return made


def test_the_wheel_has_the_encoders_the_tests_use():
    assert {"aac", "libopus", "vorbis", "mpeg4"} <= av.codecs_available


@pytest.mark.parametrize(("name", "rate", "channels", "video"), KINDS, ids=IDS)
def test_each_container_decodes_in_blocks_at_its_own_rate(media, name, rate, channels, video):
    path, original = media[name]
    source = open_audio(path)
    assert isinstance(source, FFmpegSource)
    assert (source.rate_hz, source.channels) == (rate, channels)
    assert source.duration_s == pytest.approx(3.0, abs=0.05)
    out = read_all(source)
    source.close()
    assert out.dtype == np.float32 and out.shape[1] == channels
    assert len(out) / rate == pytest.approx(3.0, abs=0.05)
    # Lossy, but the very samples: in time from the first frame and close in value.
    assert _offset(out[rate:], original, rate) == 0
    middle = slice(rate // 2, 2 * rate)
    error = out[middle] - original[middle]
    assert np.sqrt(np.mean(error**2)) < 0.02 * np.sqrt(np.mean(original[middle] ** 2)) + 0.005


@pytest.mark.parametrize(("name", "rate", "channels", "video"), KINDS, ids=IDS)
def test_seek_lands_within_a_millisecond(media, name, rate, channels, video):
    path, original = media[name]
    source = open_audio(path)
    for seconds in (1.5, 0.25, 2.2, 0.0):
        source.seek(seconds)
        assert source.position_s == pytest.approx(seconds, abs=1e-3)  # type: ignore[attr-defined]
        block = source.read(4000)
        at = round(seconds * rate)
        assert abs(_offset(block, original, at, span=2000)) <= rate // 1000
    source.seek(99)  # past the end: clamped, then the end
    assert len(source.read(10)) == 0
    source.close()


def test_a_video_plays_its_audio_track_through_the_player(media):
    """The MP4 has its video stream first; the engine hears the audio, as any file."""
    path, _ = media["video.mp4"]
    engine = Engine(44100, 2, EngineSettings(volume=1.0, crossfade_s=0))
    engine.set_items([PlaylistItem.from_path(path)])
    engine.play()
    out = engine.render(44100 * 6)
    assert engine.items()[0].failed is None
    assert engine.items()[0].duration_s == pytest.approx(3.0, abs=0.05)
    # Rising from the -60 LUFS floor at 6 dB/s, then silence once the 3 s track ended.
    assert np.abs(out[2 * 44100 : 3 * 44100]).max() > 2e-4
    assert np.abs(out[4 * 44100 :]).max() < 1e-6


def test_five_one_folds_to_stereo_like_the_libsndfile_path(tmp_path):
    """6 channels (L R C LFE Ls Rs, FFmpeg's order is WAV's): the same BS.775 fold."""
    rate = 48000
    rng = np.random.default_rng(1)
    levels = np.array([0.05, 0.1, 0.15, 0.3, 0.02, 0.04], dtype=np.float32)
    base = chirp(2.0, rate, channels=1)[:, 0]
    data = np.stack([np.roll(base, 997 * i) * levels[i] * 3 for i in range(6)], axis=1)
    data += 0.001 * rng.standard_normal(data.shape).astype(np.float32)
    path = encode(tmp_path / "surround.m4a", data, rate)
    folded = open_audio(path)
    assert folded.channels == 2
    wide = open_audio(path, fold=False)
    assert wide.channels == 6
    all_six = read_all(wide)
    both = read_all(folded)
    np.testing.assert_allclose(both, downmix(all_six, 2), atol=1e-6)
    # And the decoded channels are the ones written, in their places.
    # (AAC low-passes the LFE, channel 3, to its 120 Hz band: it is left out here.)
    full = [0, 1, 2, 4, 5]
    rms = np.sqrt(np.mean(all_six[rate // 2 : rate] ** 2, axis=0))
    assert np.argsort(rms[full]).tolist() == np.argsort(levels[full]).tolist()


def test_resampled_to_the_output_rate_through_the_usual_path(media):
    path, _ = media["vorbis.mkv"]
    out = read_all(ResampledSource(open_audio(path), 48000, 2), block=4096)
    assert len(out) / 48000 == pytest.approx(3.0, abs=0.05)


def test_the_suffixes_pick_the_decoder(tmp_path, media):
    wav = tmp_path / "t.wav"
    sf.write(wav, np.zeros((100, 2), dtype=np.float32), 8000)
    assert isinstance(open_audio(wav), FileSource)
    copy = tmp_path / "LOUD.M4A"
    copy.write_bytes(media["aac.m4a"][0].read_bytes())
    assert isinstance(open_audio(copy), FFmpegSource)


@pytest.mark.parametrize("name", ["aac.m4a", "opus.webm", "vorbis.mkv", "video.mp4"])
def test_render_normalises_each_within_1_lu(tmp_path, name):
    """The real render path: measured by the analysis (same decoder), brought to -30 LUFS."""
    rate = 48000 if name == "opus.webm" else 44100
    loud = chirp(12.0, rate, amp=0.7)
    path = encode(tmp_path / name, loud, rate, video=name.endswith("mp4"))
    measured = measure_file(path)
    assert measured is not None and measured > -12  # far louder than the target
    out = tmp_path / "out.wav"
    assert run_command(parse(["render", str(path), "-o", str(out), "--seconds", "12"])) == 0
    audio, out_rate = sf.read(out)
    assert out_rate == 44100
    # After the rise from the -60 LUFS floor (5 s at 6 dB/s), before the end's fade.
    steady = audio[6 * out_rate : 10 * out_rate]
    import scipy.signal

    level = reference_lufs(scipy.signal.resample_poly(steady, 160, 147, axis=0))
    assert level == pytest.approx(safety.LOUDNESS_TARGET_DEFAULT_LUFS, abs=1.0)


def _truncated(path: Path, tmp_path: Path) -> Path:
    cut = tmp_path / f"cut-{path.name}"
    raw = path.read_bytes()
    cut.write_bytes(raw[: len(raw) // 2])
    return cut


def test_a_truncated_m4a_is_one_clear_line(media, tmp_path):
    """An MP4 keeps its index at the end: an unfinished download has none and cannot play."""
    cut = _truncated(media["aac.m4a"][0], tmp_path)
    with pytest.raises(DecodeError, match="not a playable audio file") as info:
        open_audio(cut)
    assert str(cut) in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("name", ["opus.webm", "vorbis.mkv"])
def test_a_truncated_webm_or_mkv_plays_what_is_there(media, tmp_path, name):
    """Matroska streams from the front: like a cut WAV, what is there plays."""
    cut = _truncated(media[name][0], tmp_path)
    source = open_audio(cut)
    out = read_all(source)
    assert 0.5 < len(out) / source.rate_hz < 2.5
    assert np.all(np.isfinite(out))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("noise.m4a", np.random.default_rng(0).bytes(5000)),
        ("empty.webm", b""),
        ("text.mkv", b"hello, this is not audio\n" * 40),
    ],
)
def test_bad_files_raise_decode_error_naming_the_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DecodeError, match="not a playable audio file") as info:
        open_audio(path)
    assert name in str(info.value)


def test_a_video_without_sound_says_so(tmp_path):
    path = tmp_path / "silent.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    with pytest.raises(DecodeError, match="holds no audio"):
        open_audio(path)
    with pytest.raises(DecodeError, match="file not found"):
        open_audio(tmp_path / "gone.m4a")


def test_cli_prints_one_line_for_a_truncated_file_and_nothing_from_ffmpeg(media, tmp_path):
    """`render` and `analyze` in a fresh process: FFmpeg's own log stays quiet."""
    cut = _truncated(media["video.mp4"][0], tmp_path)
    root = Path(__file__).resolve().parents[3]
    for argv in (
        ["render", str(cut), "-o", str(tmp_path / "o.wav"), "--seconds", "2"],
        ["analyze", str(cut)],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "asmr_desktop", "--data-dir", str(tmp_path / "d"), *argv],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=root,
            check=False,
        )
        assert done.returncode == 1
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("asmr-desktop: error: "), lines
        assert str(cut.name) in lines[0]


def test_streaming_a_long_file_uses_bounded_memory(tmp_path):
    """Memory while decoding does not grow with the file's length (an 8-hour file must
    play): a 4-minute and a 1-minute AAC file peak alike under tracemalloc."""
    rate = 8000

    def make(minutes: int) -> Path:
        tone = chirp(10.0, rate, channels=1)
        return encode(tmp_path / f"long{minutes}.m4a", np.tile(tone, (minutes * 6, 1)), rate)

    def peak(path: Path) -> int:
        source = open_audio(path)
        source.read(4096)  # the first block: allocations that happen once
        tracemalloc.start()
        while len(source.read(4096)):
            pass
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        source.close()
        return top

    short, long = peak(make(1)), peak(make(4))
    assert long < 2 * short + 200_000, (short, long)
