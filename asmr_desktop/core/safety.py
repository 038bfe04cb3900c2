"""The safety numbers of DESIGN.md, in one place. Settings may be stricter, never looser.

Every other module takes its limits from here, and each number has a test that fails when
the code stops enforcing it.
"""

from __future__ import annotations

# --- audio -------------------------------------------------------------------------------
#: Default true-peak ceiling of everything that leaves the engine (dBTP).
CEILING_DEFAULT_DB = -12.0
#: No setting can raise the ceiling above this (dBTP).
CEILING_MAX_DB = -3.0
#: The lowest ceiling a person may choose (dBTP); below this nothing is audible anyway.
CEILING_MIN_DB = -60.0

#: Loudness normalisation target (LUFS, BS.1770 integrated) and its allowed range.
LOUDNESS_TARGET_DEFAULT_LUFS = -30.0
LOUDNESS_TARGET_MIN_LUFS = -40.0
LOUDNESS_TARGET_MAX_LUFS = -20.0

#: A track whose loudness is not measured yet is assumed this loud: the loudest any stereo
#: content can measure (full scale on both channels at the K-weighting's peak gain, +4.3 dB:
#: -0.691 + 3.01 + 4.3 = 6.6 LUFS; a full-scale square measures +3.8). So it starts at or
#: below the target whatever it holds, and rises at the gain-rise bound once measured.
UNMEASURED_LOUDNESS_LUFS = 7.0

#: Migraine mode: the ceiling drops by this much and a low-pass filter is added...
MIGRAINE_CEILING_DROP_DB = 12.0
#: ...and the loudness target drops as much, so the sound is quieter and the limiter rests
#: (with the ceiling alone lower it cut a median 4.6 dB 94 % of the time on speech).
MIGRAINE_LOUDNESS_DROP_DB = 12.0
MIGRAINE_LOWPASS_HZ = 4000.0

#: The startle guard: a short-term (100 ms) level more than this far above the median of
#: the preceding 3 s is brought down to it before it is heard, and released at no more than
#: the gain-rise bound. Stronger (less rise let through) in migraine mode; a setting may
#: choose within the bounds.
STARTLE_RISE_DB = 10.0
STARTLE_RISE_MIGRAINE_DB = 8.0
STARTLE_MIN_DB = 6.0
STARTLE_MAX_DB = 20.0

#: Gain may never rise faster than this (slider moves, crossfades, resume).
MAX_GAIN_RISE_DB_PER_S = 6.0

#: Normalisation never boosts a quiet track by more than this (its noise would come up too);
#: the quiet-passage lift below never takes a track's total gain above it either.
MAX_NORMALISATION_BOOST_DB = 24.0

#: Quiet passages are lifted gently (the startle guard's other half). The rule, judged on
#: what is heard (K-weighted 100 ms levels every 10 ms, as the guard's): let REF be the
#: level a normalised track plays at (the loudness target at the chosen volume) and M the
#: median level of the 3 s before a moment, all of it sound (silence is no context). Then
#: the lift wanted is  min(REF - QUIET_LIFT_BELOW_DB - M,  M - GATE,  QUIET_LIFT_MAX_DB,
#: headroom), never below 0, with GATE = max(QUIET_LIFT_GATE_LUFS, REF - QUIET_LIFT_GATE_DB)
#: and headroom = MAX_NORMALISATION_BOOST_DB minus the largest normalisation gain of the
#: tracks sounding (0 while a track is unmeasured: a record is the truth). So:
#: - a passage within QUIET_LIFT_BELOW_DB of REF is left as it is (ordinary dynamics), and
#:   no 100 ms window is ever lifted above REF - QUIET_LIFT_BELOW_DB: quiet stays quieter;
#: - the noise floor and silence are never lifted: at GATE (BS.1770's absolute -70 LUFS
#:   gate, or 30 dB under REF, whichever is higher) the lift is 0, tapering toward it;
#: - it rises at most QUIET_LIFT_RISE_DB_PER_S, only while nothing else rises (one rise at
#:   a time), and with the guard's look-ahead it is back down before a louder sound or a
#:   startle arrives; the limiter after it still holds the ceiling;
#: - it is off in migraine mode (quieter is the point there) and while the sleep timer
#:   fades out (it would fight the fade).
QUIET_LIFT_BELOW_DB = 6.0
QUIET_LIFT_MAX_DB = 12.0
QUIET_LIFT_RISE_DB_PER_S = 1.0
QUIET_LIFT_GATE_DB = 30.0
QUIET_LIFT_GATE_LUFS = -70.0

#: Every start from silence (Play, a resume after a pause, the incoming track of a
#: crossfade, a preview, the volume raised from nothing, a start after the sleep timer)
#: begins at this absolute loudness at the output and rises from there at
#: MAX_GAIN_RISE_DB_PER_S to its final level. Why -60: it is 30 dB under the default
#: target. A person sets the speakers so the target (-30 LUFS) is a quiet, comfortable
#: level, about 50-55 dB SPL for calm listening; 30 dB less is 20-25 dB SPL, under the
#: background noise of a quiet bedroom at night (about 25-30 dBA), so the first moment of a
#: fade in is not heard as an onset. It is also 18 dB under the quietest default the app
#: has (migraine mode, -42 LUFS), and an absolute level: a fixed depth under the final
#: level (the old rule, 18 dB under it) started a -20 LUFS target at an audible -38 LUFS.
#: A sound whose final level is at or below the floor starts at it (there is nothing to
#: fade through). The fade in therefore lasts (final - floor) / 6 dB/s: see fade_in_s().
FADE_IN_FLOOR_LUFS = -60.0
#: Fade out when playback stops or pauses (seconds).
FADE_OUT_S = 1.5
#: The sleep timer fades out over its last minute.
SLEEP_FADE_S = 60.0

# --- analysis ----------------------------------------------------------------------------
#: A "sudden sound": short-term level this many dB above the median of the preceding window.
SUDDEN_RISE_DB = 15.0
SUDDEN_SHORT_WINDOW_S = 0.1
SUDDEN_CONTEXT_S = 3.0
#: "Bright": more than this share of the energy lies above BRIGHT_CUTOFF_HZ.
BRIGHT_SHARE = 0.20
BRIGHT_CUTOFF_HZ = 6000.0

# --- visuals -----------------------------------------------------------------------------
#: Maximum relative luminance of any pixel, normal and migraine palette.
MAX_PIXEL_LUMINANCE = 0.35
MAX_PIXEL_LUMINANCE_MIGRAINE = 0.15
#: Mean luminance of any 25 % screen region may change by less than this per second.
MAX_REGION_LUMINANCE_CHANGE_PER_S = 0.02
#: A pixel is "saturated red" when R / (R + G + B) reaches this; never drawn.
SATURATED_RED_RATIO = 0.8
#: Motion at 1x speed: at most this share of the screen width per second.
MAX_MOTION_SCREEN_WIDTHS_PER_S = 0.02
#: WCAG 2.3.1 flash thresholds: a change of at least this much relative luminance...
FLASH_LUMINANCE_DELTA = 0.1
#: ...where the darker state is below this.
FLASH_DARK_BELOW = 0.8
#: Allowed flashes per second in the app's own visuals: none at all.
MAX_FLASHES_PER_S = 0
#: Frame rate cap of the slow visuals.
MAX_FPS = 30


def clamp_ceiling_db(ceiling_db: float) -> float:
    """A requested ceiling, made safe: never above CEILING_MAX_DB, never below the minimum."""
    if ceiling_db != ceiling_db:  # NaN: fall back to the safe default
        return CEILING_DEFAULT_DB
    return max(CEILING_MIN_DB, min(CEILING_MAX_DB, ceiling_db))


def effective_ceiling_db(ceiling_db: float, migraine: bool) -> float:
    """The ceiling the limiter holds: the chosen one within bounds, and in migraine mode
    MIGRAINE_CEILING_DROP_DB lower (still never under CEILING_MIN_DB)."""
    ceiling = clamp_ceiling_db(ceiling_db)
    if migraine:
        ceiling -= MIGRAINE_CEILING_DROP_DB
    return clamp_ceiling_db(ceiling)


def clamp_loudness_target(target_lufs: float) -> float:
    """A requested loudness target, kept within its allowed range."""
    if target_lufs != target_lufs:
        return LOUDNESS_TARGET_DEFAULT_LUFS
    return max(LOUDNESS_TARGET_MIN_LUFS, min(LOUDNESS_TARGET_MAX_LUFS, target_lufs))


def clamp_startle_db(amount_db: float) -> float:
    """A startle guard amount within its bounds (NaN: the default)."""
    if amount_db != amount_db:
        return STARTLE_RISE_DB
    return max(STARTLE_MIN_DB, min(STARTLE_MAX_DB, amount_db))


def startle_amount_db(migraine: bool) -> float:
    """The rise the startle guard lets through: 10 dB, 8 dB in migraine mode."""
    return STARTLE_RISE_MIGRAINE_DB if migraine else STARTLE_RISE_DB


def fade_in_s(final_lufs: float) -> float:
    """How long a start from silence takes to reach ``final_lufs`` (its loudness at the
    output): from FADE_IN_FLOOR_LUFS at the gain-rise bound. -30 LUFS (the default target):
    5 s; -42 (migraine mode): 3 s; -20 (the highest target): 6.7 s; at or under the floor: 0."""
    if not final_lufs > FADE_IN_FLOOR_LUFS:  # also NaN and -inf
        return 0.0
    return (final_lufs - FADE_IN_FLOOR_LUFS) / MAX_GAIN_RISE_DB_PER_S


def quiet_lift_db(median_lufs: float, reference_lufs: float, headroom_db: float) -> float:
    """The lift wanted for a passage whose 3 s median level is ``median_lufs`` (see
    QUIET_LIFT_BELOW_DB for the rule); 0 for silence, NaN and the noise floor."""
    gate = max(QUIET_LIFT_GATE_LUFS, reference_lufs - QUIET_LIFT_GATE_DB)
    lift = min(
        reference_lufs - QUIET_LIFT_BELOW_DB - median_lufs,
        median_lufs - gate,
        QUIET_LIFT_MAX_DB,
        headroom_db,
    )
    return lift if lift > 0.0 else 0.0  # also NaN


def effective_loudness_target(target_lufs: float, migraine: bool) -> float:
    """The target voices are normalised to: the chosen one within its range, and in migraine
    mode 12 dB lower (below the range's floor is allowed: quieter is always allowed)."""
    target = clamp_loudness_target(target_lufs)
    return target - MIGRAINE_LOUDNESS_DROP_DB if migraine else target
