"""The names of the window's pages and dialogs, without Qt (one list for the clipping test,
the focus-ring test and ``packaging/screenshots.py``, which reads it before Qt starts)."""

from __future__ import annotations

#: The window's tabs, by title.
PAGES = ("Play", "Rest", "History", "Trends")
#: Every dialog and other top-level surface, by name (tests.gui.surfaces opens each).
DIALOGS = (
    "rating",
    "rating-forgot",
    "pain-before",
    "check-in",
    "preferences",
    "about",
    "soundscape",
    "layers",
    "shortcuts",
    "notice",
    "export-report",
)
