"""The dark theme's details a tired eye needs: a tick that shows, no bright line under the
tabs, a drop target that lights up while a file is dragged over it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDragLeaveEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QRadioButton, QStyle, QStyleOptionButton
from pytestqt.qtbot import QtBot

from asmr_desktop.ui.main_window import MainWindow
from asmr_desktop.ui.theme import SURFACE_RAISED, TEXT
from tests.gui.grab import grab_pixels
from tests.gui.surfaces import settle


def _indicator(button: QCheckBox | QRadioButton) -> np.ndarray:
    option = QStyleOptionButton()
    button.initStyleOption(option)
    element = (
        QStyle.SubElement.SE_CheckBoxIndicator
        if isinstance(button, QCheckBox)
        else QStyle.SubElement.SE_RadioButtonIndicator
    )
    rect = button.style().subElementRect(element, option, button)
    picture = grab_pixels(button)
    return picture[rect.top() : rect.bottom() + 1, rect.left() : rect.right() + 1]


def _near(picture: np.ndarray, colour: str, tolerance: int = 40) -> int:
    target = np.array(QColor(colour).getRgb()[:3])
    return int((np.abs(picture.astype(int) - target).max(axis=2) <= tolerance).sum())


def test_a_checked_box_shows_a_tick_and_a_chosen_radio_a_dot(qtbot: QtBot) -> None:
    for kind in (QCheckBox, QRadioButton):
        button = kind("stress")
        qtbot.addWidget(button)
        button.show()
        qtbot.waitExposed(button)
        off = _indicator(button)
        button.setChecked(True)
        settle()
        on = _indicator(button)
        assert on.shape[0] >= 16, "the indicator is large enough to see"
        # The mark is drawn in the text colour: plenty of it when checked, none when not.
        assert _near(off, TEXT) == 0
        assert _near(on, TEXT) >= on.shape[0] * 1.5, kind.__name__


def test_no_bright_line_along_the_top_of_the_pages(window: MainWindow) -> None:
    window.resize(1280, 720)
    window.pages.currentWidget().setFocus()  # no focus ring on the tabs
    settle()
    picture = grab_pixels(window)
    top = window.pages.mapTo(window, QPoint(0, 0)).y()
    corner = window.visual_button.mapTo(window, QPoint(0, 0)).x()
    band = picture[top : top + 4, : corner - 10]
    # Fusion drew a 1-px white (255) line there in document mode; the tabs are SURFACE.
    brightest = int(band.max())
    assert brightest <= max(QColor(SURFACE_RAISED).getRgb()[:3]) + 20, brightest


def test_the_visual_only_button_keeps_off_the_window_edge(window: MainWindow) -> None:
    """It touched the window's right edge, squeezed against the frame."""
    window.resize(1280, 720)
    settle()
    button = window.visual_button
    right = button.mapTo(window, QPoint(button.width(), 0)).x()
    assert window.width() - right >= 8
    assert not button.icon().isNull()
    # Whole, not cut off at the bottom by the tab bar's height.
    assert button.height() >= button.sizeHint().height()
    bottom = button.mapTo(window, QPoint(0, button.height())).y()
    assert bottom <= window.pages.currentWidget().mapTo(window, QPoint(0, 0)).y()


def _drag(widget: object, enter: bool) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile("/tmp/rain.flac")])
    if enter:
        event: QDragEnterEvent | QDragLeaveEvent = QDragEnterEvent(
            QPointF(20, 20).toPoint(),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    else:
        event = QDragLeaveEvent()
    QApplication.sendEvent(widget, event)  # type: ignore[arg-type]
    settle()


def test_the_play_page_lights_up_while_a_file_is_dragged_over_it(window: MainWindow) -> None:
    panel = window.player_panel
    window.resize(1280, 720)
    settle()
    before = grab_pixels(panel)
    _drag(panel, enter=True)
    assert all(h.highlighted for h in window.drop_highlights[:1])
    during = grab_pixels(panel)
    changed = (np.abs(during.astype(int) - before.astype(int)).max(axis=2) >= 40).sum()
    assert changed >= panel.width(), "a border along the page, at least"
    _drag(panel, enter=False)
    assert not window.drop_highlights[0].highlighted
    after = grab_pixels(panel)
    assert np.array_equal(after, before)
