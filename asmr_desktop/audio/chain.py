"""The master chain after the sum of the voices: migraine low-pass -> master gain -> startle
guard -> limiter.

The guard comes after the low-pass (DESIGN.md draws it before): it judges what is heard.
In migraine mode the low-pass takes a whisper's highs but not a bell's, so before the filter
the bell looked 9 dB over the whisper and went through; after it, it is 17 dB over and is
brought down.

The true-peak limiter is the last stage that changes level; the chain hands back float32
blocks, which the output turns into int16 (:func:`~asmr_desktop.audio.output.to_int16`
truncates toward zero, so no sample grows). The master gain carries the sleep timer's fade.
The volume slider is *not* here: it sits in each voice's one gain ramp, so a slider move and
a fade in share a single 6 dB/s rise bound instead of adding up.

Settings changes take two paths. While sound passes through, a lower ceiling glides down
(24 dB/s) and the low-pass's cutoff glides (see :mod:`~asmr_desktop.audio.lowpass`), so
nothing jolts. While the chain rests (the
engine renders nothing: stopped or paused, and silent), the stages are built afresh with
the settings in force (:meth:`MasterChain.settle`), so a ceiling or migraine change made
while stopped or paused holds from the first sample of the next sound, which always starts
from silence with a fade in.
"""

from __future__ import annotations

import logging

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.audio.guard import HeldSpans, StartleGuard
from asmr_desktop.audio.limiter import TruePeakLimiter
from asmr_desktop.audio.lowpass import MigraineFilter
from asmr_desktop.core import safety
from asmr_desktop.dsp.matrix import scale_frames

log = logging.getLogger(__name__)

Samples = NDArray[np.float64]


def effective_ceiling_db(ceiling_db: float, migraine: bool) -> float:
    """The ceiling the limiter holds (the rule is safety.effective_ceiling_db, which the
    window shows without importing the audio stack)."""
    return safety.effective_ceiling_db(ceiling_db, migraine)


class MasterChain:
    """Everything after the mix, for ``channels`` channels at ``rate_hz``.

    Built with the settings in force, so its first sample already obeys them.
    """

    def __init__(
        self,
        rate_hz: int,
        channels: int,
        *,
        ceiling_db: float,
        migraine: bool,
        startle_guard: bool = True,
    ) -> None:
        self.rate_hz = rate_hz
        self._guarded = startle_guard
        self.channels = channels
        self._ceiling_db = effective_ceiling_db(ceiling_db, migraine)
        self._migraine = migraine
        self._build()

    def _build(self) -> None:
        amount = safety.startle_amount_db(self._migraine)
        self._guard: StartleGuard | None = None
        if self._guarded:
            self._guard = StartleGuard(self.rate_hz, self.channels, amount)
        self._held = HeldSpans()  # mixed samples that were rising (input positions)
        self._in_at = 0
        self._filter = MigraineFilter(self.rate_hz, self.channels, enabled=self._migraine)
        self._limiter = TruePeakLimiter(self.rate_hz, self.channels, self._ceiling_db)
        self._settled = True  # the stages hold the settings in force, no glide under way

    @property
    def ceiling_db(self) -> float:
        """The ceiling in force (dBTP), migraine mode included."""
        return self._ceiling_db

    @property
    def migraine(self) -> bool:
        return self._migraine

    @property
    def settled(self) -> bool:
        """The stages already hold the settings in force (no glide or crossfade pending)."""
        return self._settled

    @property
    def rising(self) -> bool:
        """The highs are coming back after migraine mode was switched off (a gain rise)."""
        return self._filter.rising

    @property
    def startle_amount_db(self) -> float | None:
        """The rise over the recent median the startle guard lets through (dB; None: off)."""
        return None if self._guard is None else self._guard.amount_db

    @property
    def latency(self) -> int:
        """Frames the output lags the mix."""
        guard = 0 if self._guard is None else self._guard.latency
        return guard + self._limiter.latency

    @property
    def holding(self) -> bool:
        """Sound is still in a look-ahead (the guard's or the limiter's): play it out."""
        guard = self._guard is not None and self._guard.holding
        return guard or self._limiter.holding

    @property
    def gain_reduction_db(self) -> float:
        """The limiter's gain now (dB, 0 when it rests, negative while it cuts)."""
        return self._limiter.gain_reduction_db()

    @property
    def lift_db(self) -> float:
        """The startle guard's quiet-passage lift now (dB, 0: none)."""
        return 0.0 if self._guard is None else self._guard.lift_db

    def set_lift(self, reference_lufs: float | None, headroom_db: float) -> None:
        """Where quiet passages may be lifted toward, and by how much at most (see
        :meth:`StartleGuard.set_lift`); off in migraine mode, as the rule says."""
        if self._guard is not None:
            reference = None if self._migraine else reference_lufs
            self._guard.set_lift(reference, headroom_db)

    def configure(self, *, ceiling_db: float, migraine: bool) -> None:
        """Ask for a ceiling and migraine mode; they glide in (see :meth:`settle`)."""
        ceiling = effective_ceiling_db(ceiling_db, migraine)
        if (ceiling, migraine) == (self._ceiling_db, self._migraine):
            return
        self._ceiling_db, self._migraine = ceiling, migraine
        self._limiter.ceiling_db = ceiling
        self._filter.enabled = migraine
        if self._guard is not None:
            self._guard.amount_db = safety.startle_amount_db(migraine)
        self._settled = False

    def settle(self) -> None:
        """The chain rests (nothing renders until a sound starts again from silence): build
        the stages afresh if a change is pending, so it holds from the next sample on.

        What the look-ahead still holds then is dropped: after a pause or stop it is the
        silent end of a fade; after the last track it is its final few milliseconds.
        """
        if not self._settled:
            self._build()

    def reset(self) -> None:
        """Forget what the stages hold (the output failed: it was never heard)."""
        self._build()

    def process(
        self,
        mix: Samples,
        *,
        master_gain: Samples | None,
        hold_release: bool,
        rise_db: Samples | None = None,
    ) -> NDArray[np.float32]:
        """The finished block for ``mix`` (frames, channels), delayed by the look-ahead.

        ``master_gain`` (frames,) multiplies after the low-pass; ``hold_release`` stops the
        limiter recovering while something before it raises its gain (one rise at a time);
        ``rise_db`` (frames,) how much the voices' gains rose into each frame (a fade in),
        which the startle guard divides out.
        """
        # One rise at a time, in this order: the voices, the highs coming back (migraine
        # mode off), the startle guard's recovery, the limiter's. Whether the highs rise is
        # asked before the block too: in the block where they finish, the next stage must
        # not start recovering (the two rises added up to 8 dB/s for 0.1 s, issue 15).
        n = len(mix)
        highs_rising = self._filter.rising
        x = self._filter.process(mix, hold=hold_release)
        if master_gain is not None:
            x = scale_frames(x, master_gain)
        if hold_release or highs_rising or self._filter.rising:
            self._held.add(self._in_at, self._in_at + n)
        guard = self._guard
        if guard is not None:  # it hears what is heard: after the low-pass
            held = self._held.overlaps(self._in_at, self._in_at + n)
            x = guard.process(x, hold=held, rise_db=rise_db)
        # The limiter hears these samples the guard's latency later: it asks whether the
        # samples it gets now were rising, not the ones just mixed.
        out_at = self._in_at - (0 if guard is None else guard.latency)
        self._in_at += n
        rising = self._held.overlaps(out_at, out_at + n) or (guard is not None and guard.releasing)
        self._limiter.release_allowed = not rising
        return self._limiter.process(x).astype(np.float32)
