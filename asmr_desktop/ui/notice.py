"""One quiet notice line for every page: results and problems, without a modal box.

A modal box demands attention at once, which is unkind to someone in pain; a line of dim
text (amber for a problem) says the same and waits. Problems are logged as well.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QLabel, QWidget

from asmr_desktop.ui.theme import TEXT_DIM, WARNING

log = logging.getLogger(__name__)


class NoticeLine(QLabel):
    """A word-wrapped line that is hidden while it has nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.hide()

    def say(self, text: str, *, problem: bool = False) -> None:
        self.setStyleSheet(f"color: {WARNING if problem else TEXT_DIM};")
        self.setText(text)
        self.setVisible(bool(text))
        if problem and text:
            log.warning("%s", text)
