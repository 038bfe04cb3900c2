"""ASMR Desktop: a gentle player and symptom diary. The core packages never import Qt."""

from __future__ import annotations

from importlib import metadata

APP_NAME = "ASMR Desktop"
APP_ID = "asmr-desktop"


def _read_version() -> str:
    """The installed distribution's version; a frozen bundle carries its metadata too."""
    try:
        return metadata.version(APP_ID)
    except metadata.PackageNotFoundError:
        return "0+unknown"


__version__ = _read_version()
