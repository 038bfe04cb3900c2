"""Every control the keyboard can reach draws a visible focus ring, on every page.

Each focusable control is grabbed without and with the keyboard focus; the ring must change
enough pixels, by enough, to be seen: at least its width's worth along each side.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from asmr_desktop.ui.main_window import MainWindow
from asmr_desktop.ui.theme import FOCUS_RING_PX
from tests.gui.grab import grab_pixels
from tests.gui.surfaces import DIALOGS, add_sample_sessions, open_dialog, settle, show_page

#: A channel difference a person sees on the dark theme (of 255).
VISIBLE_STEP = 40


def focusable(root: QWidget) -> list[QWidget]:
    found = []
    for widget in root.findChildren(QWidget):
        if not (widget.isVisibleTo(root) and widget.isEnabled() and widget.width() > 0):
            continue
        tab_reaches = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if tab_reaches and widget.focusProxy() is None and widget.window() is root.window():
            found.append(widget)
    return found


def scroll_stops(root: QWidget) -> list[str]:
    """Scroll areas that are a Tab stop of their own although they hold controls: the ring
    would be drawn round the whole page or prompt, and Tab would stop once for nothing."""
    stops = []
    for area in root.findChildren(QScrollArea):
        body = area.widget()
        if body is None or not area.isVisibleTo(root):
            continue
        if not area.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if any(w.focusPolicy() & Qt.FocusPolicy.TabFocus for w in body.findChildren(QWidget)):
            stops.append(f"{type(body).__name__} {body.objectName()!r}")
    return stops


def ring_pixels(widget: QWidget, parking: QWidget | None) -> int:
    """How many pixels change visibly when ``widget`` takes the focus from ``parking`` (or
    from nothing, where the dialog has one control only, such as a notice's OK)."""
    if parking is None:
        widget.clearFocus()
    else:
        parking.setFocus(Qt.FocusReason.TabFocusReason)
    settle()
    assert QApplication.focusWidget() is not widget
    without = grab_pixels(widget)
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    settle()
    assert QApplication.focusWidget() is widget, f"{widget!r} did not take the focus"
    with_focus = grab_pixels(widget)
    if without.shape != with_focus.shape:
        return without.size  # the control changed size: a jump, and certainly seen
    step = np.abs(with_focus.astype(int) - without.astype(int)).max(axis=2)
    return int((step >= VISIBLE_STEP).sum())


def rings_missing(root: QWidget, qtbot: QtBot) -> list[str]:
    root.activateWindow()
    qtbot.waitUntil(root.isActiveWindow)
    controls = focusable(root)
    assert controls, "the surface has a control to reach"
    missing = []
    for index, widget in enumerate(controls):
        parking = controls[index - 1] if index else (controls[1] if len(controls) > 1 else None)
        changed = ring_pixels(widget, parking)
        # A ring along the widget's shorter side alone, at its full width, is the least seen.
        least = FOCUS_RING_PX * min(widget.width(), widget.height())
        if changed < least:
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}: {changed} < {least}")
    return missing


@pytest.mark.parametrize("page", ["Play", "Rest", "History", "Trends"])
def test_every_control_on_the_page_shows_its_focus(
    qtbot: QtBot, window: MainWindow, page: str
) -> None:
    add_sample_sessions(window)
    window.resize(1280, 720)
    show_page(window, page)
    page_widget = window.pages.currentWidget()
    missing = rings_missing(window, qtbot)
    assert not missing, "\n".join(missing)
    assert focusable(page_widget), "the page has controls to reach"
    assert not scroll_stops(window), "a scroll area takes the focus from its own controls"


@pytest.mark.parametrize("name", DIALOGS)
def test_every_control_in_the_dialog_shows_its_focus(
    qtbot: QtBot, window: MainWindow, name: str
) -> None:
    with open_dialog(window, name) as dialog:
        if hasattr(dialog, "armed"):
            qtbot.waitUntil(lambda: dialog.armed, timeout=5000)
            settle()
        missing = rings_missing(dialog, qtbot)
        stops = scroll_stops(dialog)
    assert not missing, "\n".join(missing)
    assert not stops, f"a scroll area takes the focus from its own controls: {stops}"
