"""A gentleness verdict with a plain-words reason, from a track's measurement.

The seed advice is "avoid high-frequency, loud, or unpredictable sounds". Each part is one
threshold, so the verdict can always say exactly why:

- has sudden sounds: at least one sudden sound as DESIGN.md defines it (see sudden.py).
- loud: integrated loudness of -18 LUFS or more (mastered like pop music; ASMR is usually
  -35 to -25 LUFS and broadcast programmes sit at -23), or a true peak of -1 dBTP or more
  (EBU R 128's limit, the start of clipping on many players) in a track that is also at
  broadcast loudness, -23 LUFS or more. A quiet track peaking near full scale is not loud;
  if its peaks jump out, they are sudden sounds.
- bright: more than 20 % of its energy above 6 kHz (DESIGN.md).
- gentle: none of these.

When several apply, the badge shows the first of: sudden, loud, bright (unpredictable sounds
are the hardest to bear and normalisation cannot fix them); the explanation names them all.
"""

from __future__ import annotations

from enum import StrEnum

from asmr_desktop.analysis.meter import Measurement
from asmr_desktop.core import safety

LOUD_LUFS = -18.0
HOT_PEAK_DBTP = -1.0
HOT_PEAK_MIN_LUFS = -23.0


class Verdict(StrEnum):
    GENTLE = "gentle"
    SUDDEN = "has sudden sounds"
    LOUD = "loud"
    BRIGHT = "bright"


def clock(seconds: float) -> str:
    """A time as a person reads it on a player, to the nearest second: 0:07, 12:04, 1:02:05.

    Nearest, not floor: event times are known to 10 ms, and a knock at 4.000 s measured
    as 3.991 s should read 0:04."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def is_loud(m: Measurement) -> bool:
    if m.integrated_lufs is None:
        return False
    if m.integrated_lufs >= LOUD_LUFS:
        return True
    peak = m.true_peak_dbtp
    return peak is not None and peak >= HOT_PEAK_DBTP and m.integrated_lufs >= HOT_PEAK_MIN_LUFS


def is_bright(m: Measurement) -> bool:
    return m.bright_share is not None and m.bright_share > safety.BRIGHT_SHARE


def concerns(m: Measurement) -> tuple[Verdict, ...]:
    """Everything that keeps a track from being gentle, most important first."""
    found = []
    if m.sudden_sounds:
        found.append(Verdict.SUDDEN)
    if is_loud(m):
        found.append(Verdict.LOUD)
    if is_bright(m):
        found.append(Verdict.BRIGHT)
    return tuple(found)


def judge(m: Measurement) -> tuple[Verdict, tuple[Verdict, ...], str]:
    """(verdict for the badge, all concerns, a plain-words explanation for its tooltip)."""
    found = concerns(m)
    if not found:
        if m.integrated_lufs is None:
            return Verdict.GENTLE, found, "Silent or nearly silent."
        share = f", {m.bright_share:.0%} of its energy above 6 kHz" if m.bright_share else ""
        return (
            Verdict.GENTLE,
            found,
            f"Gentle: no sudden sounds, {m.integrated_lufs:.1f} LUFS{share}.",
        )
    parts = []
    for concern in found:
        if concern is Verdict.SUDDEN:
            count, first = len(m.sudden_sounds), clock(m.sudden_sounds[0].time_s)
            if count == 1:
                parts.append(f"1 sudden sound, at {first}.")
            else:
                parts.append(f"{count} sudden sounds, first at {first}.")
        elif concern is Verdict.LOUD:
            parts.append(
                f"Loud: {m.integrated_lufs:.1f} LUFS, peaks at {m.true_peak_dbtp:.1f} dBTP "
                "(calm listening is around -30 LUFS)."
            )
        else:
            parts.append(f"Bright: {m.bright_share:.0%} of its energy is above 6 kHz.")
    return found[0], found, " ".join(parts)
