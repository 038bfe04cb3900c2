"""The About dialog: what the app is, and what it is not."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from asmr_desktop import APP_NAME, __version__
from asmr_desktop.core.paths import AppPaths
from asmr_desktop.ui.sizing import fit_to_screen, scrolling

DISCLAIMER = (
    "ASMR Desktop helps you relax with gentle sound and slow visuals, and keep a record of "
    "how your head feels, so that you can see for yourself whether it helps you.\n\n"
    "It is not a medical device. It does not diagnose or treat headaches or migraine, and "
    "no clinical trial shows that ASMR treats them. Sound or light can make some headaches "
    "worse: stop if it does.\n\n"
    "See a doctor about headaches that are severe, sudden, unusual or getting worse. Get "
    "urgent care for the worst headache of your life, or a headache with weakness, "
    "numbness, confusion, changes in vision or speech, a stiff neck with fever, or after a "
    "head injury."
)


#: What the app is built on and under which licence (the bundle carries every full text).
LICENCES = (
    "ASMR Desktop is free software under the MIT licence. It is built on Qt and PySide6 "
    "(LGPLv3), pygame and SDL (LGPL 2.1, zlib), libsndfile (LGPL 2.1), soxr (LGPL 2.1), "
    "numpy and OpenBLAS (BSD), tinydb and platformdirs (MIT)."
)


def licence_folder() -> Path | None:
    """Where the full licence texts are: the bundle's licenses/ folder, or the source tree's
    LICENSE; None when neither is there (an installed wheel: see its dist-info)."""
    if getattr(sys, "frozen", False):
        folder = Path(sys.executable).resolve().parent / "licenses"
        return folder if folder.is_dir() else None
    source = Path(__file__).resolve().parents[2] / "LICENSE"
    return source if source.is_file() else None


class AboutDialog(QDialog):
    """Version, the medical disclaimer and where the data lives (locally, owner-only)."""

    def __init__(self, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.setMinimumWidth(520)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 24, 28, 20)
        outer.setSpacing(14)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        # The text scrolls on a short screen (2x on 1280x720), so the Close button stays.
        self.scroller = scrolling(body)
        outer.addWidget(self.scroller, 1)
        heading = QLabel(f"{APP_NAME} {__version__}")
        heading.setObjectName("heading")
        layout.addWidget(heading)
        self.disclaimer = QLabel(DISCLAIMER)
        self.disclaimer.setWordWrap(True)
        layout.addWidget(self.disclaimer)
        privacy = QLabel(
            "Everything stays on this computer: no network, no telemetry.\n"
            f"Your data: {paths.data_dir}"
        )
        privacy.setObjectName("dim")
        privacy.setWordWrap(True)
        privacy.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(privacy)
        where = licence_folder()
        self.licences = QLabel(LICENCES + (f"\nThe full texts: {where}" if where else ""))
        self.licences.setObjectName("dim")
        self.licences.setWordWrap(True)
        self.licences.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.licences)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        outer.addWidget(buttons)
        # Focus on Close, not on the scroll area: its ring round the text was heavy.
        buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()
        fit_to_screen(self, self.scroller)
