"""Test signals, synthesised: EBU Tech 3341/3342 sines, noises, knocks, swells."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Samples = NDArray[np.float32]


def sine(dbfs: float, seconds: float, rate: int = 48000, freq: float = 1000.0) -> Samples:
    """Stereo sine, peak amplitude ``dbfs`` (EBU Tech 3341's convention)."""
    n = np.arange(round(seconds * rate))
    mono = 10.0 ** (dbfs / 20.0) * np.sin(2.0 * np.pi * freq * n / rate)
    return np.stack([mono, mono], axis=1).astype(np.float32)


def sequence(parts: list[tuple[float, float]], rate: int = 48000) -> Samples:
    """Consecutive 1 kHz stereo sines, each (dBFS, seconds)."""
    return np.concatenate([sine(db, s, rate) for db, s in parts])


def white(seconds: float, rms_db: float, rate: int, seed: int = 1) -> Samples:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((round(seconds * rate), 2)) * 10.0 ** (rms_db / 20.0)
    return x.astype(np.float32)


def brown(seconds: float, rms_db: float, rate: int, seed: int = 2) -> Samples:
    """Brown noise: white noise with its spectrum shaped to 1/f (power falls 6 dB per octave)."""
    rng = np.random.default_rng(seed)
    n = round(seconds * rate)
    spectrum = np.fft.rfft(rng.standard_normal((n, 2)), axis=0)
    freqs = np.fft.rfftfreq(n, 1.0 / rate)
    spectrum[0] = 0.0
    spectrum[1:] /= freqs[1:, None]
    y = np.fft.irfft(spectrum, n=n, axis=0)
    y *= 10.0 ** (rms_db / 20.0) / np.sqrt(np.mean(y**2))
    return y.astype(np.float32)


def knock(rate: int, amplitude: float, seconds: float = 0.02, seed: int = 3) -> Samples:
    """A short, sharply decaying noise burst: a tap on wood."""
    rng = np.random.default_rng(seed)
    n = round(seconds * rate)
    envelope = np.exp(-np.arange(n) / (n / 5.0))
    burst = rng.standard_normal(n) * envelope
    burst *= amplitude / np.abs(burst).max()
    return np.stack([burst, burst], axis=1).astype(np.float32)
