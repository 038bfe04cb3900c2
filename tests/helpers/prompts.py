"""Waiting for a prompt to accept input (it ignores clicks and keys for its first second)."""

from __future__ import annotations

from typing import Protocol

from pytestqt.qtbot import QtBot


class Armed(Protocol):
    armed: bool


def wait_armed(qtbot: QtBot, dialog: Armed) -> None:
    qtbot.waitUntil(lambda: dialog.armed, timeout=5000)
