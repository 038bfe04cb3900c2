"""ASMR Desktop: a gentle player and symptom diary. The core packages never import Qt."""

APP_NAME = "ASMR Desktop"
APP_ID = "asmr-desktop"
#: The one place the version is written; pyproject.toml and the bundle read it from here
#: (reading package metadata instead costs about 50 ms of start-up).
__version__ = "0.1.0"
