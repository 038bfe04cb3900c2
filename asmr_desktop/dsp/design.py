"""Filter designs, each as second-order sections (scipy's ``sos`` layout) for :mod:`iir`.

- Butterworth low- and high-pass of any order (bilinear transform, pre-warped cutoff): the
  same filters as ``scipy.signal.butter(..., output="sos")``.
- RBJ audio-EQ cookbook biquads (low-, high-, band-pass, shelves, peaking), as the
  soundscapes shape their noise with them.
- ITU-R BS.1770 K-weighting at any sample rate.
- A one-pole low-pass and a pink-noise filter for the generators.
"""

from __future__ import annotations

import logging
import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from asmr_desktop.dsp.iir import Sos

log = logging.getLogger(__name__)

#: Butterworth Q of a second-order section, 1/sqrt(2).
BUTTERWORTH_Q = math.sqrt(0.5)


def _w0(freq_hz: float, rate_hz: float) -> float:
    """The normalised angular frequency; raises ValueError outside (0, Nyquist)."""
    if not 0.0 < freq_hz < rate_hz / 2.0:
        raise ValueError(f"frequency {freq_hz} Hz outside (0, {rate_hz / 2}) Hz")
    return 2.0 * math.pi * freq_hz / rate_hz


def _sos(*rows: ArrayLike) -> Sos:
    out = np.array([np.asarray(r, dtype=np.float64) for r in rows])
    return np.asarray(out / out[:, 3:4], dtype=np.float64)


# --- Butterworth --------------------------------------------------------------------------
def _butterworth(order: int, cutoff_hz: float, rate_hz: float, *, highpass: bool) -> Sos:
    if order < 1:
        raise ValueError("order must be at least 1")
    _w0(cutoff_hz, rate_hz)
    fs2 = 2.0 * rate_hz
    warped = fs2 * math.tan(math.pi * cutoff_hz / rate_hz)
    zero = 1.0 if highpass else -1.0  # z of the analogue zeros (s = 0 or s = infinity)
    unity = -1.0 if highpass else 1.0  # where each section's gain is 1: Nyquist or DC
    rows = []
    for k in range(order // 2):  # one section per conjugate pole pair (upper half shown)
        prototype = complex(np.exp(1j * math.pi * (2 * k + order + 1) / (2 * order)))
        s_pole = warped / prototype if highpass else warped * prototype
        z_pole = (fs2 + s_pole) / (fs2 - s_pole)
        a1, a2 = -2.0 * z_pole.real, abs(z_pole) ** 2
        gain = (1.0 + a1 * unity + a2) / (1.0 - zero * unity) ** 2
        rows.append([gain, -2.0 * zero * gain, gain, 1.0, a1, a2])
    if order % 2:  # the real pole s = -warped
        z_pole_real = (fs2 - warped) / (fs2 + warped)
        gain = (1.0 - z_pole_real * unity) / (1.0 - zero * unity)
        rows.append([gain, -zero * gain, 0.0, 1.0, -z_pole_real, 0.0])
    return _sos(*rows)


def butter_lowpass(order: int, cutoff_hz: float, rate_hz: float) -> Sos:
    """Butterworth low-pass of any ``order``, unity gain at DC."""
    return _butterworth(order, cutoff_hz, rate_hz, highpass=False)


def butter_highpass(order: int, cutoff_hz: float, rate_hz: float) -> Sos:
    """Butterworth high-pass of any ``order``, unity gain at Nyquist."""
    return _butterworth(order, cutoff_hz, rate_hz, highpass=True)


# --- RBJ audio-EQ cookbook ------------------------------------------------------------------
def lowpass(freq_hz: float, rate_hz: float, q: float = BUTTERWORTH_Q) -> Sos:
    """Second-order low-pass (Butterworth at the default Q)."""
    w0 = _w0(freq_hz, rate_hz)
    cos_w, alpha = math.cos(w0), math.sin(w0) / (2.0 * q)
    return _sos([(1 - cos_w) / 2, 1 - cos_w, (1 - cos_w) / 2, 1 + alpha, -2 * cos_w, 1 - alpha])


def highpass(freq_hz: float, rate_hz: float, q: float = BUTTERWORTH_Q) -> Sos:
    """Second-order high-pass (Butterworth at the default Q)."""
    w0 = _w0(freq_hz, rate_hz)
    cos_w, alpha = math.cos(w0), math.sin(w0) / (2.0 * q)
    return _sos([(1 + cos_w) / 2, -(1 + cos_w), (1 + cos_w) / 2, 1 + alpha, -2 * cos_w, 1 - alpha])


def bandpass(freq_hz: float, rate_hz: float, q: float) -> Sos:
    """Second-order band-pass with 0 dB gain at the centre."""
    w0 = _w0(freq_hz, rate_hz)
    cos_w, alpha = math.cos(w0), math.sin(w0) / (2.0 * q)
    return _sos([alpha, 0.0, -alpha, 1 + alpha, -2 * cos_w, 1 - alpha])


def peaking(freq_hz: float, rate_hz: float, gain_db: float, q: float = BUTTERWORTH_Q) -> Sos:
    """Peaking EQ: ``gain_db`` at the centre, 0 dB far from it."""
    w0 = _w0(freq_hz, rate_hz)
    cos_w, alpha = math.cos(w0), math.sin(w0) / (2.0 * q)
    amp = 10.0 ** (gain_db / 40.0)
    return _sos(
        [1 + alpha * amp, -2 * cos_w, 1 - alpha * amp, 1 + alpha / amp, -2 * cos_w, 1 - alpha / amp]
    )


def _shelf(freq_hz: float, rate_hz: float, gain_db: float, q: float, sign: float) -> Sos:
    """The cookbook's low shelf (sign +1) or high shelf (sign -1)."""
    w0 = _w0(freq_hz, rate_hz)
    cos_w, alpha = math.cos(w0), math.sin(w0) / (2.0 * q)
    amp = 10.0 ** (gain_db / 40.0)
    root = 2.0 * math.sqrt(amp) * alpha
    p, m = amp + 1.0, amp - 1.0
    return _sos(
        [
            amp * (p - sign * m * cos_w + root),
            sign * 2.0 * amp * (m - sign * p * cos_w),
            amp * (p - sign * m * cos_w - root),
            p + sign * m * cos_w + root,
            -sign * 2.0 * (m + sign * p * cos_w),
            p + sign * m * cos_w - root,
        ]
    )


def low_shelf(freq_hz: float, rate_hz: float, gain_db: float, q: float = BUTTERWORTH_Q) -> Sos:
    """Low shelf: ``gain_db`` below ``freq_hz``, 0 dB above."""
    return _shelf(freq_hz, rate_hz, gain_db, q, 1.0)


def high_shelf(freq_hz: float, rate_hz: float, gain_db: float, q: float = BUTTERWORTH_Q) -> Sos:
    """High shelf: ``gain_db`` above ``freq_hz``, 0 dB below."""
    return _shelf(freq_hz, rate_hz, gain_db, q, -1.0)


# --- BS.1770 ---------------------------------------------------------------------------------
def k_weighting(rate_hz: float) -> Sos:
    """ITU-R BS.1770-4 K-weighting (head shelf, then RLB high-pass) for any sample rate.

    The analogue prototypes' parameters, mapped through the bilinear transform, reproduce
    the standard's 48 kHz coefficients (to their 14 printed digits) and give the right
    curve at other rates.
    """
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate_hz)
    vh = 10.0 ** (gain_db / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / q + k * k
    shelf = [
        (vh + vb * k / q + k * k) / a0,
        2.0 * (k * k - vh) / a0,
        (vh - vb * k / q + k * k) / a0,
        1.0,
        2.0 * (k * k - 1.0) / a0,
        (1.0 - k / q + k * k) / a0,
    ]
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate_hz)
    a0 = 1.0 + k / q + k * k
    rlb = [1.0, -2.0, 1.0, 1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0]
    return _sos(shelf, rlb)


# --- generators -------------------------------------------------------------------------------
def one_pole_lowpass(freq_hz: float, rate_hz: float) -> Sos:
    """First-order low-pass, unity gain at DC: a gentle 6 dB/octave slope."""
    pole = math.exp(-_w0(freq_hz, rate_hz))
    return _sos([1.0 - pole, 0.0, 0.0, 1.0, -pole, 0.0])


#: Pink (-3 dB/octave) shaping: a three-pole, three-zero filter (RBJ's, for 44.1 kHz), poles
#: and zeros interleaved on the real axis. As a transfer function b/a:
_PINK_B = (0.049922035, -0.095993537, 0.050612699, -0.004408786)
_PINK_A = (1.0, -2.494956002, 2.017265875, -0.522189400)


def pink(rate_hz: float) -> Sos:
    """Pink (-3 dB/octave) shaping of white noise, within about 0.5 dB from 10 Hz up.

    Placed for 44.1 kHz; at 48 kHz the slope is the same, shifted by 9 % in frequency.
    """
    del rate_hz  # the slope, which is all that matters here, does not depend on the rate
    zeros = np.sort(np.roots(_PINK_B).real)
    poles = np.sort(np.roots(_PINK_A).real)
    # Pair each pole with its neighbouring zero: the interleaving keeps each section tame.
    first = np.poly(zeros[1:]), np.poly(poles[1:])
    second = np.poly(zeros[:1]), np.poly(poles[:1])
    gain = _PINK_B[0]
    return _sos(
        [gain * first[0][0], gain * first[0][1], gain * first[0][2], *first[1]],
        [second[0][0], second[0][1], 0.0, second[1][0], second[1][1], 0.0],
    )


def frequency_response(
    sos: ArrayLike, freqs_hz: ArrayLike, rate_hz: float
) -> NDArray[np.complex128]:
    """The complex response of ``sos`` at ``freqs_hz`` (for tests and for documentation)."""
    z = np.exp(1j * 2.0 * math.pi * np.asarray(freqs_hz, dtype=np.float64) / rate_hz)
    zi = 1.0 / z
    h = np.ones_like(z)
    for b0, b1, b2, a0, a1, a2 in np.atleast_2d(np.asarray(sos, dtype=np.float64)):
        h *= (b0 + b1 * zi + b2 * zi * zi) / (a0 + a1 * zi + a2 * zi * zi)
    return np.asarray(h)
