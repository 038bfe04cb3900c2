"""Files in every supported format stream in blocks; bad files fail with a clear message."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import soundfile as sf

from asmr_desktop.audio.channels import downmix
from asmr_desktop.audio.decoder import FileSource
from asmr_desktop.audio.engine import Engine, EngineSettings
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.resample import ResampledSource
from asmr_desktop.core.errors import DecodeError
from tests.unit.audio.helpers import ArraySource, read_all, sine, write

FORMATS = [
    ("wav", {"subtype": "PCM_16"}),
    ("wav", {"subtype": "PCM_24"}),
    ("wav", {"subtype": "FLOAT"}),
    ("flac", {}),
    ("ogg", {"format": "OGG", "subtype": "VORBIS"}),
    ("opus", {"format": "OGG", "subtype": "OPUS"}),
    ("mp3", {"format": "MP3", "subtype": "MPEG_LAYER_III"}),
]


@pytest.mark.parametrize(("ext", "kwargs"), FORMATS, ids=[f"{e}-{k}" for e, k in FORMATS])
def test_every_format_streams_at_its_own_rate(tmp_path, ext, kwargs):
    rate = 48000 if ext == "opus" else 44100  # Opus only knows 8/12/16/24/48 kHz
    # A little noise, like any recording: libsndfile 1.2.2 streams a perfectly pure MP3 tone
    # as silence after a few blocks (read whole, the same file is fine).
    noise = np.random.default_rng(0).standard_normal((rate, 2)) * 0.01
    data = sine(440, 1.0, rate, amp=0.5) + noise.astype(np.float32)
    path = write(tmp_path / f"tone.{ext}", data, rate, **kwargs)
    source = FileSource(path)
    assert (source.rate_hz, source.channels) == (rate, 2)
    assert source.duration_s == pytest.approx(1.0, abs=0.1)
    out = read_all(source)
    assert out.dtype == np.float32 and out.shape[1] == 2
    assert len(out) == pytest.approx(rate, rel=0.1)
    level = np.sqrt(np.mean(out.astype(np.float64) ** 2))
    assert level == pytest.approx(0.5 / np.sqrt(2), rel=0.1)  # the tone, not noise
    assert len(source.read(100)) == 0  # ended stays ended
    source.close()


@pytest.mark.parametrize("rate", [8000, 22050, 32000, 44100, 48000, 96000])
def test_any_common_rate_resamples_to_the_output_rate(tmp_path, rate):
    path = write(tmp_path / "tone.flac", sine(1000, 1.0, rate, amp=0.5, channels=1), rate)
    source = ResampledSource(FileSource(path), 44100, 2)
    out = read_all(source, 777).astype(np.float64)
    assert len(out) == pytest.approx(44100, abs=2)  # the tail is flushed, nothing lost
    np.testing.assert_array_equal(out[:, 0], out[:, 1])  # mono fills both sides
    spectrum = np.abs(np.fft.rfft(out[:, 0] * np.hanning(len(out))))
    assert np.argmax(spectrum) * 44100 / len(out) == pytest.approx(1000, abs=2)


def test_resampling_in_blocks_is_seamless():
    tone = sine(997, 2.0, 22050, amp=0.5)
    whole = read_all(ResampledSource(ArraySource(tone, 22050), 48000, 2), 10**6)
    pieces = read_all(ResampledSource(ArraySource(tone, 22050), 48000, 2), 37)
    np.testing.assert_allclose(pieces, whole, atol=1e-6)


def test_more_than_two_channels_are_downmixed_without_getting_louder(tmp_path):
    six = np.zeros((4410, 6), np.float32)
    six[:, 0] = 0.9  # front left
    six[:, 3] = -0.9  # the LFE: left out, as BS.775's stereo downmix does
    six[:, 5] = 0.6  # right surround, at -3 dB
    source = FileSource(write(tmp_path / "surround.wav", six, 44100, subtype="FLOAT"))
    assert source.channels == 2
    out = read_all(source)
    each = 1 + 2 * 0.7071  # each side's weights, scaled so full scale stays full scale
    np.testing.assert_allclose(out[:, 0], 0.9 / each, atol=1e-6)
    np.testing.assert_allclose(out[:, 1], 0.6 * 0.7071 / each, atol=1e-6)
    assert np.abs(downmix(np.ones((5, 6), np.float32), 2)).max() <= 1.0 + 1e-6
    assert np.abs(downmix(np.ones((5, 8), np.float32), 2)).max() <= 1.0


def test_seek_lands_on_the_frame(tmp_path):
    ramp = (np.arange(44100, dtype=np.float32) / 44100)[:, None]
    source = FileSource(write(tmp_path / "ramp.wav", ramp, 44100, subtype="FLOAT"))
    source.seek(0.5)
    assert source.position_s == pytest.approx(0.5)
    assert source.read(1)[0, 0] == pytest.approx(0.5, abs=1e-4)
    source.seek(99)  # past the end: clamped, then the end
    assert len(source.read(10)) == 0


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("noise.mp3", np.random.default_rng(0).bytes(5000), "not a playable"),
        ("noise.wav", b"RIFF" + np.random.default_rng(1).bytes(3000), "not a playable"),
        ("empty.ogg", b"", "not a playable"),
        ("text.flac", b"hello, this is not audio\n" * 40, "not a playable"),
    ],
)
def test_bad_files_raise_decode_error_naming_the_file(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DecodeError, match=words) as info:
        FileSource(path)
    assert name in str(info.value)


def test_missing_file_says_so(tmp_path):
    with pytest.raises(DecodeError, match=r"gone\.wav: file not found"):
        FileSource(tmp_path / "gone.wav")


def test_a_truncated_file_plays_what_is_there(tmp_path):
    path = write(tmp_path / "cut.wav", sine(440, 2.0, 44100), 44100)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])  # header still claims 2 s
    out = read_all(FileSource(path))
    assert 0.5 < len(out) / 44100 < 1.5
    assert np.all(np.isfinite(out))


def test_streaming_a_long_file_uses_bounded_memory(tmp_path):
    """Memory while playing does not grow with the file's length (an 8-hour file must play)."""
    rate = 8000

    def make(minutes: int):
        path = tmp_path / f"long{minutes}.wav"
        block = sine(220, 10.0, rate, amp=0.3, channels=1)
        with sf.SoundFile(path, "w", rate, 1, subtype="PCM_16") as f:
            for _ in range(minutes * 6):
                f.write(block)
        return path

    def peak_while_playing(path) -> int:
        engine = Engine(rate, 2, EngineSettings(volume=1.0, crossfade_s=0))
        engine.set_items([PlaylistItem.from_path(path)])
        engine.play()
        engine.render(rate)  # first block: allocations that happen once
        tracemalloc.start()
        blocks = 0
        while engine.is_active():
            engine.render(rate)
            blocks += 1
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    short, long = make(1), make(8)
    assert long.stat().st_size > 7 * short.stat().st_size
    peak_short, peak_long = peak_while_playing(short), peak_while_playing(long)
    decoded_long = 8 * 60 * rate * 2 * 8  # float64 stereo of the whole long file
    assert peak_long < 4_000_000 and peak_long < decoded_long / 10
    assert peak_long < 1.5 * peak_short + 200_000
