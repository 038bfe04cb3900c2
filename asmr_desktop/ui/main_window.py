"""The main window: a calm shell that hosts the player, the diary and the history."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from asmr_desktop import APP_NAME
from asmr_desktop.context import AppContext
from asmr_desktop.errors import AsmrError
from asmr_desktop.ui.about import AboutDialog

log = logging.getLogger(__name__)


class WelcomePage(QWidget):
    """What a person sees first: one calm sentence on what the app is for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.addStretch(1)
        heading = QLabel("Rest your eyes and ears")
        heading.setObjectName("heading")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(heading)
        text = QLabel(
            "Gentle sound at a capped level, slow dim visuals, and a quick note of how your "
            "head feels afterwards."
        )
        text.setObjectName("dim")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(text)
        layout.addStretch(2)


class MainWindow(QMainWindow):
    """Menus, pages and the status bar. Features add pages with :meth:`add_page`."""

    first_painted = Signal()

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self._context = context
        self._painted = False
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(640, 440)
        self.resize(900, 620)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.setCentralWidget(self.pages)
        self.add_page(WelcomePage(), "Welcome")
        self._build_menus()
        self.statusBar().showMessage(f"Data kept locally in {context.paths.data_dir}")
        self._restore_geometry()

    # -- building --------------------------------------------------------------------------
    def add_page(self, page: QWidget, title: str) -> None:
        self.pages.addTab(page, title)
        self.pages.tabBar().setVisible(self.pages.count() > 1)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        open_data = QAction("Open &data folder", self)
        open_data.triggered.connect(self._open_data_folder)
        file_menu.addAction(open_data)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.file_menu = file_menu
        self.view_menu = bar.addMenu("&View")
        self.view_menu.menuAction().setVisible(False)  # shown once a feature adds to it
        help_menu = bar.addMenu("&Help")
        about = QAction("&About ASMR Desktop", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    # -- actions ---------------------------------------------------------------------------
    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self._context.paths, self)
        dialog.open()
        return dialog

    def _open_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._context.paths.data_dir)))

    def show_error(self, error: AsmrError) -> None:
        """Tell the person about an expected failure, calmly, and log it."""
        log.error("%s", error)
        QMessageBox.warning(self, APP_NAME, str(error))

    def show_notice(self, text: str) -> QMessageBox:
        """A non-blocking information box (e.g. where a damaged data file was kept)."""
        box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, text, parent=self)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.open()
        self.statusBar().showMessage(text)
        return box

    # -- geometry --------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        saved = self._context.settings.settings.window_geometry
        if saved:
            self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii")))

    def _save_geometry(self) -> None:
        encoded = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        try:
            self._context.settings.update(window_geometry=encoded)
        except AsmrError as exc:  # a full disk must not stop the window from closing
            log.warning("could not save the window geometry: %s", exc)

    # -- events ----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._save_geometry()
        super().closeEvent(event)
