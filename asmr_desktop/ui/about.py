"""The About dialog: what the app is, and what it is not."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from asmr_desktop import APP_NAME, __version__
from asmr_desktop.core.paths import AppPaths

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


class AboutDialog(QDialog):
    """Version, the medical disclaimer and where the data lives (locally, owner-only)."""

    def __init__(self, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(14)
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
