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
    engine.set_repeat(Repeat.ALL) / set_skip(rule or None)
    engine.set_sleep_timer(SleepTimer.after(s) | SleepTimer.at_track_end() | SleepTimer.off())
    player.close()              # at exit

Build the engine with the saved settings: its chain obeys them from the first sample.
Engine methods are thread-safe; callbacks run after the engine's lock is released, on the
render thread (queue them to the UI thread). Modules, in the order sound flows:
source (the protocol), decoder (files), item (a playlist item), resample, gain (ramps,
fades, the volume scale), voice (one playing item and its state machine; the mix and its
crossfades), sleep (the sleep timer), lowpass (migraine filter), limiter (true-peak
ceiling), chain (low-pass -> master gain -> limiter after the mix), engine (transport and
the playlist), output (pygame, WAV, null), worker (the render thread).
"""
