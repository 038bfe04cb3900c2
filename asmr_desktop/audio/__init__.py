"""The audio engine: sources are rendered through one chain; pygame only plays the result.

Headless (no Qt). How a front end uses it::

    cache = AnalysisCache(cache_dir)   # asmr_desktop.analysis: measures tracks, on disk
    engine = Engine(44100, 2, EngineSettings(...), loudness_lookup=cache.measured_loudness,
                    callbacks=EngineCallbacks(state_changed=..., track_changed=...,
                                              position=..., item_failed=...,
                                              sleep_timer=..., error=...))
    player = Player(engine, PygameOutput(44100, 2))
    player.start()              # AudioDeviceError when there is no device; call again to retry
    engine.set_items([PlaylistItem.from_path(path), ...])
    engine.play() / pause() / resume() / toggle() / stop() / next() / previous() / seek(s)
    engine.set_volume(0..1) / set_ceiling_db(db) / set_migraine(on) / set_crossfade_s(s)
    engine.set_repeat(Repeat.ALL) / set_sleep_timer(s or None) / set_sleep_at_track_end()
    player.close()              # at exit

Engine methods are thread-safe; callbacks run on the render thread (queue them to the UI
thread). Modules: decoder (files), resample, gain (ramps, fades, volume scale), lowpass
(migraine filter), limiter (true-peak ceiling), loudness (BS.1770), engine (playlist and
chain), output (pygame, WAV, null), player (worker thread), playlist (items, M3U), cli.
"""
