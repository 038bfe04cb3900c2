"""Picking the audio files out of what a person adds, without Qt."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from asmr_desktop.audio.decoder import AUDIO_SUFFIXES, FFMPEG_SUFFIXES, FileSource, open_audio
from asmr_desktop.audio.ffmpeg import FFmpegSource
from asmr_desktop.library.files import audio_files_in, dialog_patterns, is_audio_name
from tests.helpers.media import encode

#: How soundfile writes each suffix: (format, subtype, rate). Opus runs at 48 kHz only.
WRITERS: dict[str, tuple[str, str, int]] = {
    ".wav": ("WAV", "PCM_16", 44100),
    ".flac": ("FLAC", "PCM_16", 44100),
    ".ogg": ("OGG", "VORBIS", 44100),
    ".oga": ("OGG", "VORBIS", 44100),
    ".opus": ("OGG", "OPUS", 48000),
    ".mp3": ("MP3", "MPEG_LAYER_III", 44100),
}


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def test_every_suffix_is_one_the_decoder_plays_here(tmp_path: Path) -> None:
    """Each suffix libsndfile reads, written by libsndfile, opens and decodes as audio."""
    assert set(WRITERS) | set(FFMPEG_SUFFIXES) == set(AUDIO_SUFFIXES)
    # Noise, not a tone: libsndfile 1.2.2 streams a pure MP3 tone as silence (FACTS.md).
    noise = 0.1 * np.random.default_rng(1).standard_normal((48000, 2))
    for suffix, (fmt, subtype, rate) in WRITERS.items():
        path = tmp_path / f"noise{suffix}"
        sf.write(path, noise[:rate], rate, format=fmt, subtype=subtype)
        source = FileSource(path)
        try:
            block = source.read(rate // 2)
        finally:
            source.close()
        assert block.shape[1] == 2, suffix
        assert len(block) > rate // 4 and np.abs(block).max() > 0.01, suffix


@pytest.mark.parametrize("suffix", FFMPEG_SUFFIXES)
def test_every_ffmpeg_suffix_is_one_ffmpeg_plays_here(tmp_path: Path, suffix: str) -> None:
    """Each suffix FFmpeg reads for the player, written by FFmpeg (PyAV), decodes as audio."""
    noise = (0.1 * np.random.default_rng(1).standard_normal((48000, 2))).astype(np.float32)
    path = encode(tmp_path / f"noise{suffix}", noise, 48000, video=suffix in (".mp4", ".mov"))
    source = open_audio(path)
    try:
        assert isinstance(source, FFmpegSource)
        block = source.read(24000)
    finally:
        source.close()
    assert block.shape == (24000, 2), suffix
    assert np.abs(block).max() > 0.01, suffix


@pytest.mark.parametrize(
    "name",
    ["a.wav", "B.FLAC", "c.Ogg", "d.oga", "e.opus", "f.mp3", "g.M4A", "h.webm", "i.mkv", "j.MP4"],
)
def test_audio_names_in_any_case(name: str) -> None:
    assert is_audio_name(Path(name))


@pytest.mark.parametrize("name", ["cover.jpg", "notes.txt", "list.m3u", "wav", "a.wav.part"])
def test_other_names_are_not_audio(name: str) -> None:
    assert not is_audio_name(Path(name))


def test_files_keep_the_order_given_and_others_are_left_out(tmp_path: Path) -> None:
    b, a = touch(tmp_path / "b.mp3"), touch(tmp_path / "A.WAV")
    cover = touch(tmp_path / "cover.jpg")
    assert audio_files_in([b, cover, a]) == [b, a]


def test_a_folder_adds_its_audio_files_recursively_in_name_order(tmp_path: Path) -> None:
    album = tmp_path / "album"
    files = [
        touch(album / "02 rain.flac"),
        touch(album / "01 Waves.ogg"),
        touch(album / "disc 2" / "01 night.opus"),
        touch(album / "B side.mp3"),
        touch(album / "disc 2" / "whisper video.mp4"),
        touch(album / "tapping.M4A"),
    ]
    touch(album / "folder.jpg")
    touch(album / "disc 2" / "notes.txt")
    (album / "old.wav").mkdir()  # a folder with an audio-like name is not a file
    assert audio_files_in([album]) == sorted(files, key=lambda p: str(p).lower())
    assert audio_files_in([album])[0].name == "01 Waves.ogg"


def test_files_and_folders_mix_in_the_order_given(tmp_path: Path) -> None:
    first = touch(tmp_path / "z.wav")
    inside = touch(tmp_path / "folder" / "a.wav")
    last = touch(tmp_path / "m.flac")
    assert audio_files_in([first, tmp_path / "folder", last]) == [first, inside, last]


def test_a_missing_path_is_kept_so_the_player_can_say_it_is_gone(tmp_path: Path) -> None:
    gone = tmp_path / "moved away.txt"
    assert audio_files_in([gone]) == [gone]


def test_an_empty_folder_adds_nothing(tmp_path: Path) -> None:
    assert audio_files_in([tmp_path]) == []


def test_dialog_patterns_list_every_suffix() -> None:
    assert dialog_patterns() == (
        "*.wav *.flac *.ogg *.oga *.opus *.mp3 *.m4a *.m4b *.aac *.webm *.mka *.mkv *.mp4 *.mov"
    )
