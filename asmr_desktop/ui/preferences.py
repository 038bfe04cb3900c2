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
from asmr_desktop.ui.sizing import fit_to_screen, scrolling


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
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 24, 28, 20)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        # The settings scroll on a short screen (2x on 1280x720), so OK and Cancel stay.
        self.scroller = scrolling(body)
        outer.addWidget(self.scroller, 1)
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
        self.skip_ungentle = QCheckBox("In migraine mode, skip tracks that are not gentle")
        self.skip_ungentle.setChecked(current.migraine_skip_ungentle)
        skip_note = QLabel(
            "While migraine mode is on, tracks marked as having sudden sounds, or as loud or "
            "bright, are passed over without asking. Tracks not yet checked still play."
        )
        skip_note.setObjectName("dim")
        skip_note.setWordWrap(True)
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
        # Below the form, not in it: a wrapped label in a form row gets one line's height.
        layout.addSpacing(6)
        layout.addWidget(self.skip_ungentle)
        layout.addWidget(skip_note)
        layout.addSpacing(6)
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
        outer.addWidget(buttons)
        self.ask_before.setFocus()  # the first setting, not the scroll area around them
        fit_to_screen(self, self.scroller)

    def accept(self) -> None:
        try:
            self._settings.update(
                ask_before_session=self.ask_before.isChecked(),
                keep_playing_in_tray=self.keep_in_tray.isChecked(),
                loudness_target_lufs=float(self.loudness.value()),
                migraine_skip_ungentle=self.skip_ungentle.isChecked(),
            )
        except AsmrError as exc:
            self.error.setText(str(exc))
            return
        super().accept()

    @property
    def settings(self) -> Settings:
        return self._settings.settings
