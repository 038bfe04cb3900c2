"""The Qt binding must not leak references: 8-hour sessions call setters millions of times."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_setters_do_not_leak_references_to_none() -> None:
    # PySide6 6.12.0 on Python 3.11 drops a reference to None per void call; after ~20 min
    # of playback the process aborts ("none_dealloc"). From 3.12 on, None is immortal.
    obj = QObject()
    obj.setObjectName("warm-up")
    before = sys.getrefcount(None)
    for _ in range(1000):
        obj.setObjectName("x")
    after = sys.getrefcount(None)
    assert after >= before - 10, f"lost {before - after} references to None in 1000 calls"
