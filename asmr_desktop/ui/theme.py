"""A dark, low-contrast, calm look: no pure white, no saturated colours, large text."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QProxyStyle,
    QRadioButton,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QWidget,
)

BACKGROUND = "#121417"
SURFACE = "#1b1e23"
SURFACE_RAISED = "#23272d"
TEXT = "#c4c8ce"
TEXT_DIM = "#8a9099"
ACCENT = "#6f9a8d"  # muted sage: visible without glare
ACCENT_DIM = "#3f5a52"
WARNING = "#c9a46a"  # muted amber, never red
BASE_POINT_SIZE = 12
#: Check boxes and radio buttons, drawn by CalmStyle at this size (px).
INDICATOR_PX = 18

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
QPushButton:disabled {{ color: {TEXT_DIM}; border-color: {SURFACE_RAISED}; }}
QPushButton#corner {{ padding: 3px 14px; min-height: 22px; }}
QCheckBox, QRadioButton {{ spacing: 8px; padding: 2px 6px 2px 2px; }}
QCheckBox::indicator, QRadioButton::indicator {{
    width: {INDICATOR_PX}px; height: {INDICATOR_PX}px;
}}
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
QTabWidget::pane {{ border: none; top: 0px; }}
"""

# --- the Play page (ui/player.py, nowplaying.py, cards.py, sleepbar.py) ------------------
# In the one application stylesheet rather than set on each widget: a widget's own sheet
# makes Qt re-polish its whole subtree with a new cascade, which cost about a tenth of the
# window's build before its first frame (issue 17). The object names are the Play page's.
PLAY_PAGE_STYLESHEET = f"""
QLabel#section {{ color: {TEXT_DIM}; font-size: 11pt; }}
QPushButton#primary {{
    background-color: {ACCENT}; color: {BACKGROUND}; border: 2px solid {ACCENT};
    border-radius: 28px; padding: 12px 34px; min-height: 32px; font-size: 15pt;
}}
QPushButton#primary:hover {{ border-color: {ACCENT_DIM}; }}
QPushButton#primary:focus {{ border: 2px solid {TEXT}; padding: 12px 34px; }}
QPushButton#primary:disabled {{ background-color: {ACCENT_DIM}; color: {TEXT_DIM};
    border-color: {ACCENT_DIM}; }}
QPushButton#quiet {{
    background-color: transparent; border: 2px solid transparent; border-radius: 8px;
    padding: 6px 12px; min-height: 24px; text-align: left;
}}
QPushButton#quiet:hover {{ border-color: {ACCENT_DIM}; }}
QPushButton#quiet:checked {{ background-color: {ACCENT_DIM}; }}
QPushButton#quiet:focus {{ border: 2px solid {ACCENT}; padding: 6px 12px; }}
QPushButton#quiet:disabled {{ color: {TEXT_DIM}; }}
QFrame#nowPlaying {{ background-color: {SURFACE}; border-radius: 12px; }}
QFrame#nowPlaying QLabel, QFrame#nowPlaying QSlider {{ background: transparent; }}
QLabel#nowTitle {{ font-size: 17pt; }}
QLabel#badge {{ border: 1px solid {ACCENT_DIM}; border-radius: 9px; padding: 1px 10px;
    color: {TEXT_DIM}; }}
QLabel#badge[warn="true"] {{ border-color: {WARNING}; color: {WARNING}; }}
QFrame#card {{ background-color: {SURFACE}; border-radius: 10px; }}
QFrame#card QPushButton#cardPlay {{ background: transparent; text-align: left;
    border: 2px solid transparent; padding: 6px 10px; }}
QFrame#card QPushButton#cardPlay:hover {{ border-color: {ACCENT_DIM}; }}
QFrame#card QPushButton#cardPlay:focus {{ border-color: {ACCENT}; }}
"""

# --- focus ring (issue 17) -----------------------------------------------------------------
# Every control the keyboard can reach shows a 2-px ring in ACCENT while it has the focus.
# Each rule keeps the box the same size with and without focus (a transparent or dim border
# of the same width, or one pixel less padding), so nothing moves when focus moves.
# tests/gui/test_focus_ring.py grabs every focusable control with and without focus.
FOCUS_RING_PX = 2
FOCUS_STYLESHEET = f"""
QPushButton:focus {{ border: {FOCUS_RING_PX}px solid {ACCENT}; padding: 7px 17px; }}
QPushButton#corner:focus {{ padding: 2px 13px; }}
QToolButton {{ border: {FOCUS_RING_PX}px solid transparent; border-radius: 6px; }}
QToolButton:focus {{ border-color: {ACCENT}; }}
QCheckBox, QRadioButton {{ border: {FOCUS_RING_PX}px solid transparent; border-radius: 6px; }}
QCheckBox:focus, QRadioButton:focus {{ border-color: {ACCENT}; }}
QListView, QTreeView, QTableView, QLineEdit, QPlainTextEdit, QComboBox, QSpinBox,
QDoubleSpinBox, QDateEdit {{ border: {FOCUS_RING_PX}px solid {SURFACE_RAISED}; }}
QListView:focus, QTreeView:focus, QTableView:focus, QLineEdit:focus, QPlainTextEdit:focus,
QComboBox:focus, QSpinBox:focus, QDoubleSpinBox:focus, QDateEdit:focus {{
    border-color: {ACCENT};
}}
QSlider {{ border: {FOCUS_RING_PX}px solid transparent; border-radius: 6px; }}
QSlider:focus {{ border-color: {ACCENT}; }}
QScrollArea, QGraphicsView {{ border: {FOCUS_RING_PX}px solid transparent; border-radius: 6px; }}
QScrollArea:focus, QGraphicsView:focus {{ border-color: {ACCENT}; }}
QTabBar::tab {{ border: {FOCUS_RING_PX}px solid transparent; border-bottom: none; }}
QTabBar::tab:selected:focus {{ border-color: {ACCENT}; }}
"""
# --- end of the focus ring -----------------------------------------------------------------

#: A widget that files can be dropped on, while a file is dragged over it (ui/dropzone.py).
#: Last, so it wins over the focus ring's border of the same specificity.
DROP_STYLESHEET = f"""
QWidget[dropTarget="true"] {{ border: 2px dashed {ACCENT}; background-color: {SURFACE}; }}
"""


class CalmStyle(QProxyStyle):
    """Fusion, with check boxes and radio buttons drawn large, with a visible tick and dot.

    The stylesheet cannot draw a tick without an image file; here it is a drawn path, in
    TEXT on ACCENT_DIM, so a checked box reads as checked on the dark background. Their
    size is the stylesheet's (``::indicator``), not a pixelMetric override: Qt asks the
    style for a metric about a thousand times before the first frame, and each answer
    from Python costs a call into the interpreter (issue 17).
    """

    def drawPrimitive(  # noqa: N802 - Qt's name
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorCheckBox:
            self._indicator(option, painter, round_=False)
        elif element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            self._indicator(option, painter, round_=True)
        elif element == QStyle.PrimitiveElement.PE_FrameTabBarBase:
            return  # Fusion's light line under the tabs: the tabs' own colour is the edge
        elif element == QStyle.PrimitiveElement.PE_FrameFocusRect and isinstance(
            widget, QCheckBox | QRadioButton
        ):
            return  # the focus ring is the stylesheet's border round the whole control
        else:
            super().drawPrimitive(element, option, painter, widget)

    @staticmethod
    def _indicator(option: QStyleOption, painter: QPainter, *, round_: bool) -> None:
        state = option.state
        checked = bool(state & QStyle.StateFlag.State_On)
        enabled = bool(state & QStyle.StateFlag.State_Enabled)
        rect = QRectF(option.rect).adjusted(1, 1, -1, -1)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(ACCENT if checked else TEXT_DIM), 1.5))
        painter.setBrush(QColor(ACCENT_DIM if checked else SURFACE))
        if round_:
            painter.drawEllipse(rect)
        else:
            painter.drawRoundedRect(rect, 4, 4)
        if checked:
            mark = QColor(TEXT if enabled else TEXT_DIM)
            if round_:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(mark)
                painter.drawEllipse(rect.center(), rect.width() * 0.22, rect.height() * 0.22)
            else:
                pen = QPen(mark, 2.2)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                w, h, x, y = rect.width(), rect.height(), rect.x(), rect.y()
                tick = QPainterPath(QPointF(x + 0.22 * w, y + 0.52 * h))
                tick.lineTo(QPointF(x + 0.42 * w, y + 0.72 * h))
                tick.lineTo(QPointF(x + 0.78 * w, y + 0.30 * h))
                painter.drawPath(tick)
        painter.restore()


def apply_theme(app: QApplication) -> None:
    """Fusion style with a dark palette, so native dialogs are dark too."""
    app.setStyle(CalmStyle(QStyleFactory.create("Fusion")))
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
    app.setStyleSheet(STYLESHEET + PLAY_PAGE_STYLESHEET + FOCUS_STYLESHEET + DROP_STYLESHEET)
