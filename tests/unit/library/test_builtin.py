"""The one builder of built-in items: the window's ready playlists and ``render`` agree."""

from __future__ import annotations

import json

import numpy as np
import soundfile as sf

from asmr_desktop.cli import render as audio_cli
from asmr_desktop.cli.parser import parse
from asmr_desktop.cli.render import builtin_source
from asmr_desktop.core import safety
from asmr_desktop.core.store import Store
from asmr_desktop.library.builtin import (
    add_ready_playlists,
    builtin_playlists,
    find_ready,
    ready_playlist,
    resolve,
    soundscape_item,
)
from asmr_desktop.library.playlists import PlaylistStore
from asmr_desktop.soundscapes import NOMINAL_LUFS, SOUNDSCAPES


def test_resolver_gives_items_with_known_loudness():
    items = builtin_source("brown?tone_hz=300")
    assert items is not None and len(items) == 1
    assert items[0].loudness_lufs == NOMINAL_LUFS and items[0].duration_s is None
    block = items[0].open().read(1024)
    assert block.shape == (1024, 2) and block.dtype == np.float32
    assert builtin_source("notes.m3u") is None


def test_builtin_playlists_are_plain_data_and_follow_the_brief():
    playlists = builtin_playlists()
    assert json.loads(json.dumps(playlists)) == playlists
    by_id = {p["id"]: p for p in playlists}
    sleep = [(i["soundscape"], i["duration_s"]) for i in by_id["before-sleep"]["items"]]
    assert sleep == [("breathing", 300.0), ("rain", 1200.0), ("brown", None)]
    migraine = by_id["during-migraine"]
    assert migraine["migraine"] is True
    used = {i["soundscape"] for i in migraine["items"]}
    assert not used & {"tapping", "crinkle", "whisper", "brushing", "fireplace", "rain"}
    for playlist in playlists:
        items = ready_playlist(playlist, 0).items  # every name and setting is valid
        assert len(items) == len(playlist["items"])
    playlists[0]["items"].clear()
    assert builtin_playlists()[0]["items"], "each call returns fresh copies"


def test_migraine_playlist_is_dark_and_slow():
    migraine = next(p for p in builtin_playlists() if p["id"] == "during-migraine")
    for entry in migraine["items"]:
        info = SOUNDSCAPES[entry["soundscape"]]
        settings = {**info.defaults(), **entry["settings"]}
        if "tone_hz" in settings:
            assert settings["tone_hz"] <= 1000.0
        if "pace" in settings:
            assert settings["pace"] <= info.defaults()["pace"]


def test_render_a_soundscape_through_the_engine(tmp_path):
    """``render rain -o rain.wav --seconds 6`` through the render command's resolver hook."""
    out = tmp_path / "rain.wav"
    args = parse(["render", "rain", "-o", str(out), "--seconds", "6"])
    assert audio_cli.run(args, resolvers=[builtin_source]) == 0
    audio, rate = sf.read(out)
    assert audio.shape == (6 * rate, 2)
    peak_db = 20 * np.log10(np.abs(audio).max())
    assert -30 < peak_db <= safety.CEILING_DEFAULT_DB


def _samples(items, seconds=0.5):
    return [item.open().read(round(seconds * 48000)) for item in items]


def test_render_and_the_window_build_the_same_ready_playlist(tmp_path):
    """Same generators, same settings, same seeds: render plays what the window saved."""
    store = Store(tmp_path / "db.json")
    playlists = PlaylistStore(store, resolve)
    add_ready_playlists(playlists)
    for ready in (find_ready("before-sleep"), find_ready("During a migraine")):
        assert ready is not None
        saved = playlists.load(ready.name)
        assert [i.spec for i in saved] == [i.spec for i in ready.items]
        assert playlists.wants_migraine_mode(ready.name) is ready.migraine
        rendered = builtin_source(ready.id)
        assert rendered is not None
        for a, b in zip(_samples(saved), _samples(rendered), strict=True):
            np.testing.assert_array_equal(a, b)
    store.close()


def test_ready_playlists_declare_only_settings_that_are_used():
    for playlist in builtin_playlists():
        assert set(playlist) == {"id", "name", "description", "schema", "migraine", "items"}


def test_render_of_the_migraine_playlist_plays_in_migraine_mode(tmp_path, monkeypatch):
    seen = []
    real = audio_cli.render_to_wav

    def spy(items, out, seconds, settings, **kwargs):
        seen.append(settings.migraine)
        return real(items, out, seconds, settings, **kwargs)

    monkeypatch.setattr(audio_cli, "render_to_wav", spy)
    for source, expected in (("during-migraine", True), ("before-sleep", False)):
        args = parse(["render", source, "-o", str(tmp_path / "o.wav"), "--seconds", "2"])
        assert audio_cli.run(args) == 0
        assert seen.pop() is expected


def test_a_soundscape_item_remembers_its_spec():
    item = soundscape_item("rain", {"density": 80.0}, seed=3)
    assert item.spec == "rain?density=80&seed=3"
    again = resolve(item.spec, None)
    assert again is not None and again.spec == item.spec
    np.testing.assert_array_equal(_samples([item])[0], _samples([again])[0])
