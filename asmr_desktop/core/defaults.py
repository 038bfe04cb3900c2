"""Starting values of what a person can set that are not safety numbers (those are in safety).

One home each: the engine, the settings and the window all read them from here.
"""

from __future__ import annotations

#: Volume slider position (0-1, perceptual) on a first start.
VOLUME_DEFAULT = 0.8
#: Overlap between tracks (0 = gapless), and the longest a person may choose.
CROSSFADE_DEFAULT_S = 4.0
CROSSFADE_MAX_S = 12.0

#: Layers under the playlist (issue 17): at most this many built-in soundscapes mixed
#: together, plus one background bed. Why four: the sum is normalised to the loudness target
#: (see :mod:`asmr_desktop.audio.layers`), so with the playlist, a bed and four layers at full
#: volume each sits 7.8 dB under the target and a fifth would bring each down only 0.7 dB
#: more: past four a layer is barely heard on its own, while each costs a generator on the
#: render thread (bench_audio's "layers" row).
LAYERS_MAX = 4
BEDS_MAX = 1
#: A layer's own volume (slider 0-1, on top of the main volume) when it is added: 6 dB under
#: the playlist, so a layer sits under it rather than beside it.
LAYER_VOLUME_DEFAULT = 0.9
