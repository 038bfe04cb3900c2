"""The keyboard: ONE table of shortcuts, used to install them and to list them (F1).

Keys are single and unmodified where they can be, for a person with eyes half closed. A
focused control that needs a key itself keeps it (Space presses a focused button, the
arrows move a focused slider or list, a box being typed in takes letters and minus): the
filter below accepts Qt's ShortcutOverride for those, so the window's shortcut yields.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from asmr_desktop.ui.sizing import fit_to_screen

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shortcut:
    """One key: what a person presses, what it does in words, and the action's name."""

    key: str  # a QKeySequence string
    words: str
    action: str


#: Every shortcut of the window, in the order the Keyboard shortcuts dialog lists them.
SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("Space", "Play or pause", "toggle"),
    Shortcut("Left", "Back 10 seconds", "seek_back"),
    Shortcut("Right", "Forward 10 seconds", "seek_forward"),
    Shortcut("Up", "Louder", "volume_up"),
    Shortcut("Down", "Quieter", "volume_down"),
    Shortcut("+", "Louder", "volume_up"),
    Shortcut("=", "Louder (+ without Shift)", "volume_up"),
    Shortcut("-", "Quieter", "volume_down"),
    Shortcut("T", "Sleep timer: off, 15, 30, 45, 60, 90 minutes, off", "sleep_cycle"),
    Shortcut("M", "Migraine mode on or off", "migraine"),
    Shortcut("N", "Next track", "next"),
    Shortcut("P", "Previous track", "previous"),
    Shortcut("V", "Visual only: no sound, a dim slow screen (Esc leaves)", "visual_only"),
    Shortcut("F1", "This list of keys", "help"),
)
#: Room beside the widest key in the list, so "Space" does not touch its words.
KEY_COLUMN_ROOM_PX = 28
_ARROWS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down}
_TYPING = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)
_ARROW_USERS = (QAbstractSlider, QAbstractItemView, QComboBox, QTabBar, *_TYPING)


def key_of(action: str) -> str:
    """The first key bound to ``action`` (for a menu entry that shows it)."""
    for shortcut in SHORTCUTS:
        if shortcut.action == action:
            return shortcut.key
    raise KeyError(action)


def control_keeps(widget: QWidget | None, key: int) -> bool:
    """True when a focused ``widget`` needs ``key`` itself, so the shortcut yields."""
    if widget is None:
        return False
    if isinstance(widget, _TYPING):
        return key != Qt.Key.Key_F1
    if key in _ARROWS:
        return isinstance(widget, _ARROW_USERS)
    if key == Qt.Key.Key_Space:
        return isinstance(widget, QAbstractButton | QAbstractItemView | QComboBox) and not bool(
            widget.property("spaceToggles")
        )
    return False


class _Yield(QObject):
    """Accept ShortcutOverride for keys the focused control uses (see module docstring),
    and give the keys back to the window when a dialog over it closes and nothing else
    took them (without a window manager, or with some, no window is active then: Esc on
    the question before a session left T and Space going nowhere)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window

    def _reactivate(self) -> None:
        if QApplication.activeWindow() is None and self._window.isVisible():
            self._window.activateWindow()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Hide and isinstance(watched, QDialog):
            over = watched.parentWidget()
            if over is not None and over.window() is self._window:
                QTimer.singleShot(0, self._reactivate)
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QWidget)
            and watched is QApplication.focusWidget()
        ):
            plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            unmodified = plain in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.ShiftModifier,
            )
            if unmodified and control_keeps(watched, event.key()):
                event.accept()
        return False


def install(window: QWidget, handlers: Mapping[str, Callable[[], object]]) -> list[QShortcut]:
    """A QShortcut on ``window`` for every entry whose action has a handler."""
    made = []
    for shortcut in SHORTCUTS:
        handler = handlers.get(shortcut.action)
        if handler is None:
            continue
        item = QShortcut(QKeySequence(shortcut.key), window)
        item.setContext(Qt.ShortcutContext.WindowShortcut)
        item.activated.connect(handler)
        made.append(item)
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(_Yield(window))
    return made


class ShortcutsDialog(QDialog):
    """Help -> Keyboard shortcuts (F1): the table, read by the same code that installs it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        intro = QLabel("One key each, no need to look. A focused control keeps its own keys.")
        intro.setObjectName("dim")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(SHORTCUTS), 2)
        self.table.setHorizontalHeaderLabels(["Key", "What it does"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setShowGrid(False)
        for row, shortcut in enumerate(SHORTCUTS):
            key = QKeySequence(shortcut.key).toString(QKeySequence.SequenceFormat.NativeText)
            self.table.setItem(row, 0, QTableWidgetItem(key))
            self.table.setItem(row, 1, QTableWidgetItem(shortcut.words))
        self.table.setCurrentCell(-1, -1)  # no cell looks chosen: the list is to read
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(0, self.table.columnWidth(0) + KEY_COLUMN_ROOM_PX)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        rows_px = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        frame = 2 * self.table.frameWidth()
        self.table.setMinimumHeight(min(rows_px + header.sizeHint().height() + frame, 640))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.setMinimumWidth(header.length() + KEY_COLUMN_ROOM_PX + 64)
        fit_to_screen(self)

    def rows(self) -> list[tuple[str, str]]:
        """(key, words) of each row as shown."""
        shown = []
        for row in range(self.table.rowCount()):
            key, words = self.table.item(row, 0), self.table.item(row, 1)
            shown.append((key.text() if key else "", words.text() if words else ""))
        return shown
