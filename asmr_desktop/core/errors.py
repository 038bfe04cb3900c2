"""The one error family of the project: every message is something a person can act on."""

from __future__ import annotations


class AsmrError(Exception):
    """Base of all expected failures. The UI shows the message; the CLI prints it and exits 1."""


class DataDirError(AsmrError):
    """A data, log or cache folder cannot be created or written."""


class StoreError(AsmrError):
    """The data store cannot be read or written."""


class AudioError(AsmrError):
    """Audio cannot be decoded, rendered or played."""


class AudioDeviceError(AudioError):
    """No audio output could be opened."""


class DecodeError(AudioError):
    """An audio file is missing, unreadable or not a supported format."""


class VisualError(AsmrError):
    """A visual scene cannot be drawn or saved."""
