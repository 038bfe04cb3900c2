"""A dark, low-contrast, calm look: no pure white, no saturated colours, large text."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

BACKGROUND = "#121417"
SURFACE = "#1b1e23"
SURFACE_RAISED = "#23272d"
TEXT = "#c4c8ce"
TEXT_DIM = "#8a9099"
ACCENT = "#6f9a8d"  # muted sage: visible without glare
ACCENT_DIM = "#3f5a52"
WARNING = "#c9a46a"  # muted amber, never red
BASE_POINT_SIZE = 12

STYLESHEET = f"""
QWidget {{ color: {TEXT}; background-color: {BACKGROUND}; }}
QDialog, QMessageBox {{ border: 1px solid {ACCENT_DIM}; }}
QMainWindow::separator {{ background: {SURFACE}; }}
QMenuBar, QMenu, QStatusBar {{ background-color: {SURFACE}; color: {TEXT}; }}
QMenu::item:selected, QMenuBar::item:selected {{ background-color: {ACCENT_DIM}; }}
QStatusBar {{ color: {TEXT_DIM}; }}
QLabel#heading {{ font-size: 20pt; color: {TEXT}; }}
QLabel#dim {{ color: {TEXT_DIM}; }}
QPushButton {{
    background-color: {SURFACE_RAISED}; border: 1px solid {ACCENT_DIM};
    border-radius: 8px; padding: 8px 18px; min-height: 28px;
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:pressed, QPushButton:checked {{ background-color: {ACCENT_DIM}; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; }}
QPushButton:disabled {{ color: {TEXT_DIM}; border-color: {SURFACE_RAISED}; }}
QCheckBox, QRadioButton {{ spacing: 8px; padding-right: 6px; }}
QCheckBox::indicator, QRadioButton::indicator {{
    width: 18px; height: 18px; border: 1px solid {TEXT_DIM}; background: {SURFACE};
    border-radius: 4px;
}}
QRadioButton::indicator {{ border-radius: 10px; }}
QCheckBox::indicator:checked, QRadioButton::indicator:checked {{
    background: {ACCENT}; border: 3px solid {SURFACE_RAISED};
}}
QCheckBox::indicator:focus, QRadioButton::indicator:focus {{ border-color: {ACCENT}; }}
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QScrollBar:vertical {{ background: {BACKGROUND}; width: 12px; margin: 0; }}
QScrollBar:horizontal {{ background: {BACKGROUND}; height: 12px; margin: 0; }}
QScrollBar::handle {{ background: {SURFACE_RAISED}; border-radius: 5px; min-height: 24px;
    min-width: 24px; }}
QScrollBar::handle:hover {{ background: {ACCENT_DIM}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
QToolTip {{ background-color: {SURFACE_RAISED}; color: {TEXT}; border: 1px solid {ACCENT_DIM}; }}
QSlider::groove:horizontal {{ height: 6px; background: {SURFACE_RAISED}; border-radius: 3px; }}
QSlider::handle:horizontal {{
    background: {ACCENT}; width: 22px; margin: -9px 0; border-radius: 11px;
}}
QSlider::sub-page:horizontal {{ background: {ACCENT_DIM}; border-radius: 3px; }}
QListView, QTreeView, QTableView, QLineEdit, QPlainTextEdit, QComboBox, QSpinBox,
QDoubleSpinBox {{
    background-color: {SURFACE}; border: 1px solid {SURFACE_RAISED}; border-radius: 6px;
    selection-background-color: {ACCENT_DIM}; selection-color: {TEXT};
}}
QHeaderView::section {{ background-color: {SURFACE_RAISED}; color: {TEXT_DIM}; border: none;
    padding: 4px; }}
QTabBar::tab {{ background: {SURFACE}; color: {TEXT_DIM}; padding: 8px 18px;
    border-top-left-radius: 6px; border-top-right-radius: 6px; }}
QTabBar::tab:selected {{ background: {SURFACE_RAISED}; color: {TEXT}; }}
QTabWidget::pane {{ border: none; }}
"""


def apply_theme(app: QApplication) -> None:
    """Fusion style with a dark palette, so native dialogs are dark too."""
    app.setStyle("Fusion")
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: BACKGROUND,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: SURFACE,
        QPalette.ColorRole.AlternateBase: SURFACE_RAISED,
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: SURFACE_RAISED,
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.Highlight: ACCENT_DIM,
        QPalette.ColorRole.HighlightedText: TEXT,
        QPalette.ColorRole.ToolTipBase: SURFACE_RAISED,
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.PlaceholderText: TEXT_DIM,
        QPalette.ColorRole.Link: ACCENT,
        QPalette.ColorRole.BrightText: TEXT,
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(TEXT_DIM))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
