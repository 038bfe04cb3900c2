"""Channel layouts: how any channel count folds to what the engine plays (mono or stereo).

Shared by the decoders (:mod:`~asmr_desktop.audio.decoder`, :mod:`~asmr_desktop.audio.ffmpeg`),
the resampler and the analysis meter, so what is measured is what is heard.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from asmr_desktop.audio.source import Block

#: The engine plays at most stereo; files with more channels are folded down to two.
MAX_CHANNELS = 2

#: ITU-R BS.775's stereo downmix of the centre and surrounds (-3 dB each); the LFE is left out.
SURROUND_GAIN = 0.7071


def downmix_matrix(have: int, channels: int) -> NDArray[np.float32]:
    """The (channels, have) matrix that folds ``have`` channels to ``channels`` (1 or 2)
    without raising the level: each output's weights sum to at most 1, so a full-scale
    input stays full scale.

    Mono to stereo copies the channel (dual mono). 5.0 and 5.1 (L R C [LFE] Ls Rs, the WAV
    order) fold as BS.775 does, the LFE left out; other counts put even-indexed channels
    left and odd ones right. The analysis meters what is played through this same matrix
    (:class:`~asmr_desktop.analysis.meter.Meter`), so normalisation matches what is heard.
    """
    if have == channels:
        return np.eye(have, dtype=np.float32)
    if channels == 1:
        return np.full((1, have), 1.0 / have, dtype=np.float32)
    if have == 1:
        return np.ones((channels, 1), dtype=np.float32)
    matrix = np.zeros((2, have))
    if have in (5, 6):
        c, s = SURROUND_GAIN, SURROUND_GAIN
        surround = (3, 4) if have == 5 else (4, 5)
        matrix[0, [0, 2, surround[0]]] = (1.0, c, s)
        matrix[1, [1, 2, surround[1]]] = (1.0, c, s)
    else:
        matrix[0, 0::2] = 1.0
        matrix[1, 1::2] = 1.0
    return np.asarray(matrix / matrix.sum(axis=1, keepdims=True), dtype=np.float32)


def downmix(block: Block, channels: int) -> Block:
    """Fold any channel count to ``channels`` (1 or 2) with :func:`downmix_matrix`."""
    have = block.shape[1]
    if have == channels:
        return block
    if have == 1:
        return np.repeat(block, channels, axis=1)
    return np.asarray(block @ downmix_matrix(have, channels).T, dtype=np.float32)
