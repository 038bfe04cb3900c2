"""Starting values of what a person can set that are not safety numbers (those are in safety).

One home each: the engine, the settings and the window all read them from here.
"""

from __future__ import annotations

#: Volume slider position (0-1, perceptual) on a first start.
VOLUME_DEFAULT = 0.8
#: Overlap between tracks (0 = gapless), and the longest a person may choose.
CROSSFADE_DEFAULT_S = 4.0
CROSSFADE_MAX_S = 12.0
