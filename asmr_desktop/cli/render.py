"""``asmr-desktop render``: the speaker chain, into a WAV file.

Layers (issue 17) go through the listening service's :class:`LayerService`, as in the
window: ``--bed SOURCE`` and ``--layer NAME[:VOLUME]`` add to the layers saved with the data
folder's current playlist when ``--settings-from`` is given.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from asmr_desktop.analysis.loudness import measure_file
from asmr_desktop.audio.chatter import routed_stderr
from asmr_desktop.audio.engine import Engine, EngineCallbacks, EngineSettings, LoudnessLookup
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.output import WavOutput
from asmr_desktop.audio.worker import CHUNK_S, pump
from asmr_desktop.core import safety
from asmr_desktop.core.context import AppContext
from asmr_desktop.core.defaults import LAYER_VOLUME_DEFAULT, LAYERS_MAX
from asmr_desktop.core.errors import AudioError, DecodeError
from asmr_desktop.core.paths import AppPaths
from asmr_desktop.core.settings import Settings
from asmr_desktop.library import builtin
from asmr_desktop.library.builtin import find_ready, soundscape_item
from asmr_desktop.library.m3u import read_m3u
from asmr_desktop.library.playlists import PlaylistStore, StoredLayer
from asmr_desktop.services.listening import LayerService, bed_item, engine_settings, layer_item
from asmr_desktop.soundscapes import parse_spec

log = logging.getLogger(__name__)

#: A resolver turns a SOURCE argument into playlist items, or returns None if it is not its
#: kind. Tried before files and playlists.
Resolver = Callable[[str], list[PlaylistItem] | None]

PLAYLIST_SUFFIXES = frozenset({".m3u", ".m3u8"})


class _SubParsers(Protocol):
    def add_parser(self, name: str, **kwargs: object) -> argparse.ArgumentParser: ...


def register(subparsers: _SubParsers) -> None:
    parser = subparsers.add_parser(
        "render",
        help="play an audio file or M3U playlist through the safety chain into a WAV file",
        description="Runs the very chain that feeds the speakers (normalisation, migraine "
        "filter, fades, true-peak limiter) and writes 16-bit WAV instead of playing.",
    )
    parser.add_argument(
        "source",
        metavar="SOURCE",
        help="an audio file, an M3U playlist, or a built-in soundscape's name",
    )
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.wav")
    parser.add_argument(
        "--seconds", type=float, required=True, metavar="N", help="length to render"
    )
    parser.add_argument(
        "--volume", type=float, default=None, metavar="V", help="volume slider 0..1 (default 1)"
    )
    parser.add_argument(
        "--ceiling-db",
        type=float,
        default=None,
        metavar="D",
        help=f"true-peak ceiling in dBTP (default {safety.CEILING_DEFAULT_DB:g}, "
        f"never above {safety.CEILING_MAX_DB:g})",
    )
    parser.add_argument("--migraine", action="store_true", help="migraine mode")
    parser.add_argument(
        "--settings-from",
        nargs="?",
        const="",
        default=None,
        type=str,
        metavar="DATA_DIR",
        help="start exactly as the window would: the saved volume, ceiling, loudness target, "
        "crossfade and migraine mode of DATA_DIR (without it: the --data-dir or default data "
        "folder) and the layers saved with its current playlist; --volume, --ceiling-db and "
        "--migraine given as well override them",
    )
    parser.add_argument(
        "--layer",
        action="append",
        default=[],
        metavar="NAME[:VOLUME]",
        help=f"mix a built-in soundscape under SOURCE at its own volume 0..1 (default "
        f"{LAYER_VOLUME_DEFAULT:g}); repeat for more, up to {LAYERS_MAX}",
    )
    parser.add_argument(
        "--bed",
        default=None,
        metavar="SOURCE[:VOLUME]",
        help="a background bed under SOURCE: a built-in soundscape, or an audio file on loop",
    )
    parser.add_argument("--rate", type=int, default=44100, metavar="HZ", help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, resolvers: Sequence[Resolver] | None = None) -> int:
    if not args.seconds > 0:
        raise AudioError("--seconds must be more than 0")
    if args.volume is not None and not 0.0 <= args.volume <= 1.0:
        raise AudioError("--volume must be between 0 and 1")
    if args.ceiling_db is not None and args.ceiling_db > safety.CEILING_MAX_DB:
        log.warning(
            "ceiling %.1f dBTP is above the safe maximum; using %.1f",
            args.ceiling_db,
            safety.CEILING_MAX_DB,
        )
    items = resolve_source(args.source, default_resolvers() if resolvers is None else resolvers)
    with routed_stderr():  # libmpg123's own lines: to the log, one line per item here
        return _render(args, items, resolvers)


def _render(
    args: argparse.Namespace, items: list[PlaylistItem], resolvers: Sequence[Resolver] | None
) -> int:
    ready = find_ready(args.source) if resolvers is None else None
    settings, saved_layers = starting(args)
    layers = requested_layers(args, saved_layers, items)
    # A ready playlist made for migraines plays in migraine mode, as it does in the window.
    if ready is not None and ready.migraine:
        settings.migraine = True
    report = render_to_wav(
        items,
        args.output,
        args.seconds,
        settings,
        rate_hz=args.rate,
        loudness_lookup=measure_all([*items, *(layer.item for layer in layers)]),
        layers=layers,
    )
    log.info("rendered %.1f s to %s", report.seconds, args.output)
    return 0


def starting(args: argparse.Namespace) -> tuple[EngineSettings, list[StoredLayer]]:
    """The engine's settings and the layers: the saved ones of a data folder
    (``--settings-from``, through the very function the window starts with), or full volume
    at the default ceiling and no layers; the options given on the command line on top."""
    layers: list[StoredLayer] = []
    if args.settings_from is None:
        settings = EngineSettings(volume=1.0, crossfade_s=EngineSettings().crossfade_s)
    else:
        saved, layers = _saved(args)
        settings = engine_settings(saved)
    if args.volume is not None:
        settings.volume = args.volume
    if args.ceiling_db is not None:
        settings.ceiling_db = safety.clamp_ceiling_db(args.ceiling_db)
    settings.migraine = settings.migraine or args.migraine
    return settings, layers


def requested_layers(
    args: argparse.Namespace, saved: Sequence[StoredLayer], items: Sequence[PlaylistItem]
) -> list[StoredLayer]:
    """The saved layers, then ``--bed`` (replacing a saved bed) and each ``--layer``."""
    layers = list(saved)
    taken = [*items, *(layer.item for layer in layers)]
    if args.bed is not None:
        source, volume = split_volume(args.bed)
        bed = StoredLayer(bed_item(source, taken), volume, bed=True)
        layers = [bed, *(layer for layer in layers if not layer.bed)]
        taken.append(bed.item)
    for given in args.layer:
        name, volume = split_volume(given)
        layer = StoredLayer(layer_item(name, taken), volume)
        layers.append(layer)
        taken.append(layer.item)
    return layers


def split_volume(given: str) -> tuple[str, float]:
    """``NAME[:VOLUME]`` to (NAME, volume 0..1); without a volume, the layers' default."""
    name, colon, tail = given.rpartition(":")
    if colon:
        try:
            volume = float(tail)
        except ValueError:
            return given, LAYER_VOLUME_DEFAULT  # a colon of the name itself (a path)
        if not 0.0 <= volume <= 1.0:
            raise AudioError(f"{given}: a layer's volume must be between 0 and 1")
        return name, volume
    return given, LAYER_VOLUME_DEFAULT


def _saved(args: argparse.Namespace) -> tuple[Settings, list[StoredLayer]]:
    """The settings saved in the data folder, and the layers of the playlist the window
    would load (read only; a running window keeps its lock)."""
    from asmr_desktop.cli.parser import app_paths  # the wiring module; imported late, no cycle

    paths = AppPaths.under(Path(args.settings_from)) if args.settings_from else app_paths(args)
    if not paths.store_file.exists():
        raise AudioError(f"{paths.data_dir}: no saved settings there (no data file)")
    context = AppContext.open_for_command(paths, write=False)
    try:
        saved = context.settings.settings
        playlists = PlaylistStore(context.store, builtin.resolve)
        last = saved.last_playlist
        return saved, playlists.load_layers(last if last and playlists.exists(last) else "")
    finally:
        context.close()


def measure_all(items: Sequence[PlaylistItem]) -> LoudnessLookup:
    """Measure every file up front (as the app does in the background) for normalisation."""
    known: dict[Path, float | None] = {}
    for item in items:
        if item.path is not None and item.loudness_lufs is None and item.path not in known:
            try:
                known[item.path] = measure_file(item.path)
            except AudioError:
                known[item.path] = None  # the engine reports it when it comes to play it
    return known.get


def builtin_source(source: str) -> list[PlaylistItem] | None:
    """A ready playlist's id or name, or a soundscape spec, as the window would build it."""
    ready = find_ready(source)
    if ready is not None:
        return ready.items
    parsed = parse_spec(source)
    if parsed is None:
        return None
    name, settings, seed = parsed
    return [soundscape_item(name, settings, seed)]


def default_resolvers() -> list[Resolver]:
    return [builtin_source]


def resolve_source(source: str, resolvers: Sequence[Resolver] = ()) -> list[PlaylistItem]:
    """SOURCE to playlist items: a resolver's name, an M3U playlist, or an audio file."""
    for resolver in resolvers:
        items = resolver(source)
        if items is not None:
            return items
    path = Path(source)
    if path.suffix.lower() in PLAYLIST_SUFFIXES:
        items = read_m3u(path)
        if not items:
            raise AudioError(f"{path}: the playlist has no entries")
        return items
    if not path.exists():
        kinds = (
            "an audio file, an M3U playlist or a soundscape"
            if resolvers
            else "an audio file or an M3U playlist"
        )
        raise DecodeError(f"{source}: not found (SOURCE is {kinds})")
    return [PlaylistItem.from_path(path)]


@dataclass(frozen=True)
class RenderReport:
    seconds: float
    failed: tuple[tuple[int, str], ...]


def render_to_wav(
    items: Sequence[PlaylistItem],
    out: Path,
    seconds: float,
    settings: EngineSettings,
    *,
    rate_hz: int = 44100,
    loudness_lookup: LoudnessLookup | None = None,
    layers: Sequence[StoredLayer] = (),
) -> RenderReport:
    """Play ``items`` for ``seconds`` (fading in, and out over the last 1.5 s) into ``out``,
    with ``layers`` under them.

    Stops early when the playlist ends. Raises DecodeError when no item can be played,
    AudioError past the cap of layers.
    """
    failed: list[tuple[int, str]] = []
    callbacks = EngineCallbacks(item_failed=lambda index, reason: failed.append((index, reason)))
    engine = Engine(rate_hz, 2, settings, loudness_lookup=loudness_lookup, callbacks=callbacks)
    engine.set_items(items)
    LayerService(engine).restore(layers)
    engine.play()
    if not engine.is_active():
        reason = failed[0][1] if failed else "nothing to play"
        raise DecodeError(reason)
    total = round(seconds * rate_hz)
    fade_at = total - round(safety.FADE_OUT_S * rate_hz)
    chunk = round(CHUNK_S * rate_hz)
    output = WavOutput(out, rate_hz, 2, frames=total)  # RF64 past 4 GB
    output.open()
    done = 0
    stopping = False
    try:
        while done < total and engine.is_active():
            if not stopping and done >= fade_at:
                engine.stop()
                stopping = True
            frames = min(chunk, total - done, max(1, fade_at - done) if not stopping else chunk)
            pump(engine, output, frames)
            done += frames
    finally:
        output.close()
    reported = dict(failed)  # one line per item, however often it was tried
    for index, reason in reported.items():
        log.warning("skipped item %d: %s", index + 1, reason)
    for layer in engine.layers():
        if layer.failed:
            log.warning("layer %s not played: %s", layer.item.title, layer.failed)
    return RenderReport(done / rate_hz, tuple(reported.items()))
