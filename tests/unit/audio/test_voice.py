"""A voice's state machine: each allowed transition, and that every other one is refused."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from asmr_desktop.audio.gain import SILENT_DB, db_to_gain
from asmr_desktop.audio.item import PlaylistItem
from asmr_desktop.audio.resample import ResampledSource
from asmr_desktop.audio.voice import (
    TRANSITIONS,
    TURN_ROUND_FLOOR_LUFS,
    UNKNOWN_LOUDNESS_LUFS,
    Mix,
    Successors,
    Voice,
    VoiceState,
    VoiceStateError,
)
from asmr_desktop.core import safety
from asmr_desktop.core.errors import DecodeError
from tests.unit.audio.helpers import ArraySource, constant

RATE = 8000
S = VoiceState


def voice(seconds: float = 10.0, *, settled: bool = True) -> Voice:
    source = ArraySource(constant(seconds, RATE, 1.0), RATE)
    item = PlaylistItem("dc", loudness_lufs=-30.0)
    v = Voice(0, item, ResampledSource(source, RATE, 2))
    v.aim(-30.0, 0.0, None)  # 0 dB
    assert v.ramp.target_db == 0.0
    if settled:
        v.ramp.current_db = 0.0
    return v


def play(v: Voice, seconds: float) -> np.ndarray:
    """Read as the mix does: never past the end of a running fade."""
    out = []
    left = round(seconds * RATE)
    while left > 0 and v.audible:
        n = v.frames_to_read(left)
        out.append(v.read(n)[:, 0])
        left -= n
        if v.fade is not None and v.fade.finished:
            v.fade_finished()
    return np.concatenate(out) if out else np.zeros(0)


def in_state(state: VoiceState) -> Voice:
    """A voice brought into ``state`` through the operations the engine uses."""
    v = voice()
    if state is S.PAUSING:
        v.fade_out(RATE, end=False)
    elif state is S.DIPPING:
        v.fade_out(RATE, end=False)
        play(v, 0.9)
        v.resume()
    elif state is S.HELD:
        v.hold()
    elif state is S.FADING_OUT:
        v.fade_out(RATE, end=True)
    elif state is S.ENDED:
        v.end()
    assert v.state is state
    return v


# --- the table -------------------------------------------------------------------------------
@pytest.mark.parametrize(("start", "target"), list(itertools.product(S, S)))
def test_only_the_transitions_in_the_table_are_allowed(start, target):
    v = in_state(start)
    if target is start or target in TRANSITIONS[start]:
        v._to(target)
        assert v.state is target
    else:
        with pytest.raises(VoiceStateError, match="internal error"):
            v._to(target)
        assert v.state is start


def test_ended_is_final_and_fading_out_only_ends():
    assert TRANSITIONS[S.ENDED] == frozenset()
    assert TRANSITIONS[S.FADING_OUT] == {S.ENDED}


# --- each rule -------------------------------------------------------------------------------
def test_a_new_voice_plays_and_fades_in_from_silence():
    v = voice(settled=False)
    assert v.state is S.PLAYING
    g = play(v, 6)
    # It sounds at -30 LUFS in the end: it starts at the -60 LUFS floor, 30 dB down.
    assert 20 * np.log10(g[0]) == pytest.approx(safety.FADE_IN_FLOOR_LUFS + 30.0, abs=0.01)
    assert g[-1] == pytest.approx(1.0)


def test_playing_to_pausing_to_held_keeps_the_position():
    v = voice()
    play(v, 1)
    v.fade_out(round(safety.FADE_OUT_S * RATE), end=False)
    assert v.state is S.PAUSING
    g = play(v, 5)
    assert v.state is S.HELD and v.fade is None
    assert len(g) == round(safety.FADE_OUT_S * RATE)  # reading stopped where the fade ended
    assert v.position_s == pytest.approx(1 + safety.FADE_OUT_S)


def test_playing_to_fading_out_to_ended_is_not_a_natural_end():
    v = voice()
    v.fade_out(RATE, end=True)
    assert v.state is S.FADING_OUT
    play(v, 2)
    assert v.state is S.ENDED and not v.ended_naturally


def test_a_fade_of_no_length_holds_or_ends_at_once():
    held, ended = voice(), voice()
    held.fade_out(0, end=False)
    ended.fade_out(0, end=True)
    assert held.state is S.HELD and ended.state is S.ENDED


def test_a_silent_voice_is_held_or_ended_without_a_fade():
    v = voice(settled=False)  # its ramp is still at silence
    assert v.ramp.current_db == SILENT_DB
    v.fade_out(RATE, end=False)
    assert v.state is S.HELD and v.fade is None


def test_pausing_resumed_early_turns_round_without_a_step():
    v = voice()
    v.fade_out(RATE, end=False)
    before = play(v, 0.2)
    v.resume()
    assert v.state is S.PLAYING and v.fade is None
    after = play(v, 0.1)
    assert after[0] == pytest.approx(before[-1], rel=1e-3)  # continues from the fade's level


def test_pausing_resumed_late_dips_to_silence_then_fades_in_afresh():
    v = voice()
    v.fade_out(RATE, end=False)
    play(v, 0.9)
    assert v.level_lufs < TURN_ROUND_FLOOR_LUFS == safety.FADE_IN_FLOOR_LUFS
    v.resume()
    assert v.state is S.DIPPING
    play(v, 0.1)  # the dip ends, exactly
    assert v.state is S.PLAYING
    g = play(v, 0.1)
    # A fresh fade in from the floor: this -30 LUFS voice starts 30 dB down, at -60 LUFS.
    assert g[0] == pytest.approx(db_to_gain(safety.FADE_IN_FLOOR_LUFS + 30.0), rel=1e-3)


def test_dipping_paused_again_is_pausing_and_stopped_is_fading_out():
    paused, stopped = in_state(S.DIPPING), in_state(S.DIPPING)
    paused.fade_out(RATE, end=False)
    stopped.fade_out(RATE, end=True)
    assert paused.state is S.PAUSING and stopped.state is S.FADING_OUT
    play(paused, 1)
    assert paused.state is S.HELD  # no fade in after all


def test_pausing_stopped_fades_out_for_good():
    v = in_state(S.PAUSING)
    v.fade_out(RATE, end=True)
    assert v.state is S.FADING_OUT


def test_held_resumes_with_a_full_fade_in():
    v = in_state(S.HELD)
    assert not v.audible
    v.resume()
    assert v.state is S.PLAYING and v.ramp.current_db == SILENT_DB
    assert v.ramp.onset_db == safety.FADE_IN_FLOOR_LUFS - v.loudness_lufs


def test_held_stays_held_on_another_pause_and_ends_on_stop():
    v = in_state(S.HELD)
    v.fade_out(RATE, end=False)
    assert v.state is S.HELD
    v.fade_out(RATE, end=True)
    assert v.state is S.ENDED


def test_fading_out_is_never_revived_by_pause_or_resume():
    v = in_state(S.FADING_OUT)
    v.fade_out(RATE // 2, end=False)  # a pause during a stop: stays on its way out
    assert v.state is S.FADING_OUT
    v.resume()
    assert v.state is S.FADING_OUT
    with pytest.raises(VoiceStateError):
        v.hold()


def test_a_silent_voice_fading_out_ends_on_pause_instead_of_being_held():
    v = voice()
    v.fade_out(RATE, end=True)
    v.ramp.current_db = SILENT_DB  # volume went to nothing meanwhile
    v.fade_out(RATE, end=False)
    assert v.state is S.ENDED


def test_a_shorter_fade_takes_over_from_where_the_running_one_is():
    v = voice()
    v.fade_out(4 * RATE, end=False)
    before = play(v, 1)
    v.fade_out(RATE // 4, end=True)
    after = play(v, 1)
    assert after[0] <= before[-1] and after[0] > 0.9 * before[-1]
    assert len(after) == RATE // 4 and v.state is S.ENDED


def test_only_a_playing_voice_crossfades_out():
    v = voice()
    v.crossfade_out(RATE)
    assert v.state is S.FADING_OUT
    with pytest.raises(VoiceStateError):
        in_state(S.PAUSING).crossfade_out(RATE)


def test_running_out_while_playing_is_a_natural_end():
    v = voice(0.5)
    play(v, 1)
    assert v.state is S.ENDED and v.ended_naturally


def test_ending_closes_the_source_once():
    v = voice()
    inner = v.source.inner
    v.end()
    v.end()
    assert inner.closed and v.state is S.ENDED


# --- level -----------------------------------------------------------------------------------
def test_aim_normalises_caps_the_boost_and_assumes_unknown_tracks_loud():
    v = voice()
    v.item.loudness_lufs = -40.0
    v.aim(-30.0, -6.0, None)
    assert v.ramp.target_db == pytest.approx(10.0 - 6.0) and v.loudness_known
    v.item.loudness_lufs = -90.0
    v.aim(-30.0, 0.0, None)
    assert v.ramp.target_db == pytest.approx(24.0)  # the boost limit
    v.item.loudness_lufs = None
    v.aim(-30.0, 0.0, None)
    assert v.ramp.target_db == pytest.approx(-30.0 - UNKNOWN_LOUDNESS_LUFS)
    assert not v.loudness_known
    v.aim(-30.0, SILENT_DB, None)
    assert v.ramp.target_db == SILENT_DB


# --- the mix ---------------------------------------------------------------------------------
def _successors(**kw) -> Successors:
    none = lambda *_a: None  # noqa: E731
    return Successors(
        crossfade_s=kw.get("crossfade_s", none),
        crossfade_into=kw.get("crossfade_into", none),
        after_end=kw.get("after_end", none),
        failed=kw.get("failed", none),
    )


def test_the_mix_hands_over_at_the_crossfade_point_and_sums_both():
    mix = Mix(RATE, 2)
    first, second = voice(2.0), voice(4.0)
    mix.add(first)

    def into(v: Voice, xfade_s: float) -> Voice:
        mix.add(second)
        return second

    successors = _successors(crossfade_s=lambda v: 1.0 if v is first else None, crossfade_into=into)
    out = np.concatenate([mix.render(800, successors)[:, 0] for _ in range(30)])
    assert first.state is S.ENDED and not first.ended_naturally
    assert second.state is S.PLAYING
    assert out[: RATE - 1].max() == pytest.approx(1.0)  # the first alone
    assert second.frames_out == len(out) - RATE  # the second started exactly 1 s before the end


def test_a_failing_read_is_reported_ends_the_voice_and_moves_on():
    class Breaks(ArraySource):
        def read(self, frames):
            raise DecodeError("x.flac: decoding failed")

    mix = Mix(RATE, 2)
    bad = Voice(
        3,
        PlaylistItem("x"),
        ResampledSource(Breaks(constant(1, RATE), RATE), RATE, 2),
    )
    mix.add(bad)
    seen: list[object] = []
    successors = _successors(
        failed=lambda v, reason: seen.append((v.index, reason)),
        after_end=lambda v: seen.append("next"),
    )
    mix.render(100, successors)
    assert seen == [(3, "x.flac: decoding failed"), "next"]
    assert len(mix) == 0 and bad.state is S.ENDED
