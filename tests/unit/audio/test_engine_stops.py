"""Why playback stopped, and the skip rule migraine mode uses."""

from __future__ import annotations

import threading

from asmr_desktop.audio.engine import Engine, EngineCallbacks, PlayState, StopReason
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.sleep import SleepTimer
from tests.unit.audio.helpers import array_item, constant, render, render_until_idle

RATE = 8000


def engine_with(titles: list[str], seconds: float = 1.0) -> tuple[Engine, list[object]]:
    events: list[object] = []
    engine = Engine(
        RATE,
        2,
        callbacks=EngineCallbacks(
            stopped=events.append,
            item_skipped=lambda i: events.append(("skipped", i)),
            track_changed=lambda i: events.append(("track", i)),
        ),
    )
    engine.set_items([array_item(constant(seconds, RATE), RATE, title=t) for t in titles])
    return engine, events


def test_stop_is_asked() -> None:
    engine, events = engine_with(["a"], seconds=5.0)
    engine.play()
    render(engine, 0.5)
    engine.stop()
    assert StopReason.ASKED in events


def test_end_of_playlist_is_ended() -> None:
    engine, events = engine_with(["a", "b"])
    engine.play()
    render_until_idle(engine)
    assert engine.state is PlayState.STOPPED
    assert [e for e in events if isinstance(e, StopReason)] == [StopReason.ENDED]


def test_sleep_timer_is_sleep_timer() -> None:
    engine, events = engine_with(["a"], seconds=30.0)
    engine.play()
    engine.set_sleep_timer(SleepTimer.after(1.0))
    render_until_idle(engine)
    assert [e for e in events if isinstance(e, StopReason)] == [StopReason.SLEEP_TIMER]


def test_skip_rule_passes_over_items_when_moving_on() -> None:
    engine, events = engine_with(["calm", "sudden", "calm too"], seconds=0.5)
    engine.set_skip(lambda item: item.title == "sudden")
    engine.play()
    render_until_idle(engine)
    tracks = [e[1] for e in events if isinstance(e, tuple) and e[0] == "track"]
    assert 1 not in tracks and 2 in tracks
    assert ("skipped", 1) in events
    # Chosen by hand, a skipped item still plays.
    engine.play(1)
    assert engine.current_index == 1
    assert engine.state is PlayState.PLAYING


def test_the_skip_rule_runs_outside_the_engine_lock() -> None:
    """A rule that waits for another thread using the engine must not deadlock it."""
    engine, _ = engine_with(["a", "b"], seconds=0.5)
    blocked: list[bool] = []

    def rule(item: PlaylistItem) -> bool:
        other = threading.Thread(target=engine.set_volume, args=(0.5,))
        other.start()
        other.join(timeout=1.0)
        blocked.append(other.is_alive())  # it finishes once the lock is free
        return False

    engine.set_skip(rule)
    engine.play()
    render(engine, 1.0)  # past the end of the first item: the rule decides the next
    engine.set_skip(None)
    assert blocked and not any(blocked)
