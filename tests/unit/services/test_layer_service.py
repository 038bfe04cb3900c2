"""The layers' Qt-free API (issue 17): added, changed and removed through the listening
service, saved with the playlist, and back after a restart; old playlists still load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from asmr_desktop.audio.engine import Engine
from asmr_desktop.core.defaults import LAYERS_MAX
from asmr_desktop.core.errors import AsmrError, DecodeError
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.core.store import Store
from asmr_desktop.library import builtin
from asmr_desktop.library.listing import TABLE
from asmr_desktop.library.playlists import PlaylistStore
from asmr_desktop.services.listening import ListeningService, engine_settings
from asmr_desktop.services.sessions import SessionService
from asmr_desktop.soundscapes import parse_spec


def service(sessions: SessionService, store: Store, settings: SettingsStore) -> ListeningService:
    engine = Engine(48000, 2, engine_settings(settings.settings))
    return ListeningService(engine, sessions, PlaylistStore(store, builtin.resolve), settings)


@pytest.fixture
def listening(sessions: SessionService, store: Store, settings: SettingsStore) -> ListeningService:
    return service(sessions, store, settings)


def hum(path: Path) -> Path:
    t = np.arange(48000 * 2) / 48000
    x = 0.1 * np.sin(2 * np.pi * 110 * t)
    sf.write(path, np.stack([x, x], axis=1), 48000)
    return path


def summary(listening: ListeningService) -> list[tuple[str, float, bool]]:
    return [(layer.item.title, layer.volume, layer.bed) for layer in listening.layers.layers()]


def test_layers_are_saved_with_the_playlist_and_come_back(
    listening: ListeningService,
    sessions: SessionService,
    store: Store,
    settings: SettingsStore,
    tmp_path: Path,
) -> None:
    listening.save_as("Evening")
    layers = listening.layers
    layers.set_bed(str(hum(tmp_path / "hum.wav")), volume=0.7)
    rain = layers.add_layer("rain?density=80", volume=0.6)
    layers.add_layer("purr")
    layers.set_layer_volume(rain, 0.4)
    listening.flush_settings()  # a volume move is saved with the settings' flush
    again = service(sessions, store, settings)
    again.load_initial()
    assert summary(again) == [
        ("hum", 0.7, True),
        ("Soft rain", 0.4, False),
        ("Purring", 0.9, False),
    ]
    specs = [layer.item.spec for layer in again.layers.layers()]
    assert specs[1] is not None and "density=80" in specs[1], "its settings came along"
    again.load("")  # the unsaved playlist has no layers
    assert summary(again) == []
    again.load("Evening")
    assert len(summary(again)) == 3


def test_a_playlist_saved_before_layers_loads_without_them(
    listening: ListeningService, store: Store
) -> None:
    store.insert(TABLE, {"name": "Old", "items": [{"title": "Rain", "soundscape": "rain"}]})
    loaded = listening.load("Old")
    assert [item.title for item in loaded.items] == ["Soft rain"]
    assert listening.layers.layers() == []
    listening.layers.add_layer("brown")
    assert [layer.bed for layer in listening.playlists.load_layers("Old")] == [False]


def test_a_damaged_layer_entry_is_left_out(listening: ListeningService, store: Store) -> None:
    layers = [
        {"title": "Rain", "soundscape": "rain", "volume": 0.5},
        {"title": "Loud", "soundscape": "brown", "volume": 7},
        "not a layer",
    ]
    store.insert(TABLE, {"name": "Hand-edited", "items": [], "layers": layers})
    listening.load("Hand-edited")
    assert summary(listening) == [("Soft rain", 0.5, False)]


def test_the_cap_unknown_names_and_bad_beds_are_refused(
    listening: ListeningService, tmp_path: Path
) -> None:
    layers = listening.layers
    for _ in range(LAYERS_MAX):
        layers.add_layer("rain")
    with pytest.raises(AsmrError, match=f"At most {LAYERS_MAX}"):
        layers.add_layer("brown")
    seeds = [parse_spec(layer.item.spec or "") for layer in layers.layers()]
    assert len({parsed[2] for parsed in seeds if parsed}) == LAYERS_MAX, "four different rains"
    with pytest.raises(AsmrError, match="choose from"):
        layers.set_bed("thunder")
    with pytest.raises(AsmrError, match="choose from"):
        layers.remove_layer(layers.layers()[0].key)
        layers.add_layer("thunder")
    with pytest.raises(DecodeError, match="not found"):
        layers.set_bed(str(tmp_path / "missing.wav"))
    assert layers.bed() is None


def test_the_bed_is_replaced_and_removed(listening: ListeningService) -> None:
    layers = listening.layers
    layers.set_bed("brown")
    layers.set_bed("pink", volume=0.5)
    assert summary(listening) == [("Pink noise", 0.5, True)]
    layers.set_bed(None)
    assert summary(listening) == []
    assert listening.playlists.load_layers("") == [], "saved at once"
