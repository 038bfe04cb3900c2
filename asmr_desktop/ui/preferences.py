"""Preferences: the few settings that are not on the player itself."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from asmr_desktop.core import safety
from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.settings import Settings, SettingsStore
from asmr_desktop.ui.sizing import fit_to_screen


class PreferencesDialog(QDialog):
    """Edits a copy of the settings; OK validates and saves them all at once."""

    def __init__(
        self,
        settings: SettingsStore,
        parent: QWidget | None = None,
        *,
        tray_available: bool | None = None,
    ) -> None:
        """``tray_available`` None asks Qt whether the desktop has a system tray."""
        super().__init__(parent)
        if tray_available is None:
            tray_available = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray_available = tray_available
        self.setWindowTitle("Preferences")
        self._settings = settings
        current = settings.settings
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        form = QFormLayout()
        form.setVerticalSpacing(14)
        self.ask_before = QCheckBox("Ask how my head is before each session")
        self.ask_before.setChecked(current.ask_before_session)
        form.addRow(self.ask_before)
        self.keep_in_tray = QCheckBox("Keep playing in the tray when the window is closed")
        self.keep_in_tray.setChecked(current.keep_playing_in_tray)
        if tray_available:  # without a tray, closing the window always stops the sound
            form.addRow(self.keep_in_tray)
        else:
            self.keep_in_tray.setParent(self)
            self.keep_in_tray.hide()
        self.loudness = QDoubleSpinBox()
        self.loudness.setRange(safety.LOUDNESS_TARGET_MIN_LUFS, safety.LOUDNESS_TARGET_MAX_LUFS)
        self.loudness.setDecimals(0)
        self.loudness.setSuffix(" LUFS")
        self.loudness.setValue(current.loudness_target_lufs)
        self.loudness.setToolTip(
            "Every track is brought near this loudness, so none is a surprise. Lower is quieter."
        )
        form.addRow("Loudness of every track", self.loudness)
        layout.addLayout(form)
        note = QLabel("The volume ceiling and migraine mode are on the player, next to the volume.")
        note.setObjectName("dim")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self)

    def accept(self) -> None:
        try:
            self._settings.update(
                ask_before_session=self.ask_before.isChecked(),
                keep_playing_in_tray=self.keep_in_tray.isChecked(),
                loudness_target_lufs=float(self.loudness.value()),
            )
        except AsmrError as exc:
            self.error.setText(str(exc))
            return
        super().accept()

    @property
    def settings(self) -> Settings:
        return self._settings.settings
