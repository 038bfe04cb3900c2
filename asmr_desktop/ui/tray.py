"""The system tray icon: play/pause, visual only, sleep timer, show and quit, without the window.

Closing the window while sound plays can leave the app in the tray (a setting, on by
default); the first time it does, a tray message says so and where to quit. Without a
tray (a bare X server, the offscreen platform) the object is inert and closing quits.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap, QRadialGradient
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from asmr_desktop import APP_ID, APP_NAME
from asmr_desktop.audio.engine import PlayState
from asmr_desktop.audio.timer import SleepTimer, presets
from asmr_desktop.ui.bridges import EngineBridge
from asmr_desktop.ui.theme import ACCENT, ACCENT_DIM

log = logging.getLogger(__name__)

#: The icon the desktop-integration assets provide, in the source tree.
ICON_FILE = (
    Path(__file__).resolve().parents[2] / "assets/icons/hicolor/scalable/apps/asmr-desktop.svg"
)
NOTICE = "ASMR Desktop keeps playing here; quit from this menu."
NOTICE_MS = 8000


def drawn_icon() -> QIcon:
    """A calm, softly lit circle: the fallback when no icon file or theme icon is found."""
    icon = QIcon()
    for size in (16, 22, 24, 32, 48, 64):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        margin = size * 0.08
        rect = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
        gradient = QRadialGradient(rect.center(), rect.width() / 2)
        gradient.setColorAt(0.0, QColor(ACCENT))
        gradient.setColorAt(1.0, QColor(ACCENT_DIM))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(gradient)
        painter.drawEllipse(rect)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def app_icon(path: Path | None = None) -> QIcon:
    """The app's icon: ``path`` or the assets' SVG if it renders, the theme's, or a drawn one."""
    candidate = path or ICON_FILE
    if candidate.is_file():
        icon = QIcon(str(candidate))
        if not icon.pixmap(22, 22).isNull():  # an SVG needs Qt's svg plugin to render
            return icon
    themed = QIcon.fromTheme(APP_ID)
    return themed if not themed.isNull() else drawn_icon()


def activated(
    reason: QSystemTrayIcon.ActivationReason,
    *,
    show_window: Callable[[], None],
    toggle: Callable[[], None],
) -> None:
    """What a click on the icon itself does (the menu is on the other button)."""
    if reason is QSystemTrayIcon.ActivationReason.Trigger:
        show_window()
    elif reason is QSystemTrayIcon.ActivationReason.MiddleClick:
        toggle()


class TrayIcon(QObject):
    """The tray icon and its menu; every entry calls one of the callables given.

    ``available`` defaults to asking Qt; tests pass it to try both paths.
    """

    def __init__(
        self,
        *,
        toggle: Callable[[], None],
        visual_only: Callable[[], None],
        set_sleep_timer: Callable[[SleepTimer], None],
        show_window: Callable[[], None],
        quit_app: Callable[[], None],
        keep_playing_in_tray: bool = True,
        notice_shown: bool = False,
        notice_saved: Callable[[], None] | None = None,
        bridge: EngineBridge | None = None,
        available: bool | None = None,
        icon: QIcon | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.available = QSystemTrayIcon.isSystemTrayAvailable() if available is None else available
        self.keep_playing_in_tray = keep_playing_in_tray
        self._notice_shown = notice_shown
        self._notice_saved = notice_saved
        self.icon = QIcon()
        self.tray: QSystemTrayIcon | None = None
        self.menu: QMenu | None = None
        self.sleep_menu: QMenu | None = None
        self.actions: dict[str, QAction] = {}
        self._sleep_text = ""
        if not self.available:
            log.info("no system tray here: closing the window quits")
            return
        self.icon = icon or app_icon()
        self.menu = self._build_menu(toggle, visual_only, set_sleep_timer, show_window, quit_app)
        self.tray = QSystemTrayIcon(self.icon, self)
        self.tray.setToolTip(APP_NAME)
        self.tray.setContextMenu(self.menu)
        # Click shows the window, middle click plays or pauses.
        self.tray.activated.connect(
            lambda reason: activated(reason, show_window=show_window, toggle=toggle)
        )
        # A click on a notification (the daily check-in) brings the window and its question.
        self.tray.messageClicked.connect(show_window)
        if bridge is not None:
            bridge.state_changed.connect(self.show_state)
            bridge.sleep_timer_changed.connect(self.show_sleep_timer)
        self.tray.show()

    def _build_menu(
        self,
        toggle: Callable[[], None],
        visual_only: Callable[[], None],
        set_sleep_timer: Callable[[SleepTimer], None],
        show_window: Callable[[], None],
        quit_app: Callable[[], None],
    ) -> QMenu:
        # The lambdas hold the callables, never self: no cycle for the GC to break late.
        menu = QMenu()
        self.actions["play"] = menu.addAction("Play")
        self.actions["play"].triggered.connect(lambda _checked=False: toggle())
        self.actions["visual"] = menu.addAction("Visual only")
        self.actions["visual"].triggered.connect(lambda _checked=False: visual_only())
        self.sleep_menu = menu.addMenu("Sleep timer")
        for label, timer in presets():
            action = self.sleep_menu.addAction(label)
            action.triggered.connect(lambda _checked=False, t=timer: set_sleep_timer(t))
            self.actions[f"sleep:{label}"] = action
        menu.addSeparator()
        self.actions["show"] = menu.addAction("Show window")
        self.actions["show"].triggered.connect(lambda _checked=False: show_window())
        self.actions["quit"] = menu.addAction("Quit")
        self.actions["quit"].triggered.connect(lambda _checked=False: quit_app())
        return menu

    # -- state -----------------------------------------------------------------------------
    def show_state(self, state: PlayState) -> None:
        """The first entry says what it will do: Pause while playing, else Play."""
        if "play" in self.actions:
            self.actions["play"].setText("Pause" if state is PlayState.PLAYING else "Play")

    def show_sleep_timer(self, remaining_s: float | None) -> None:
        """The submenu's title shows the minutes left (changed once a minute, not per report)."""
        if self.sleep_menu is None:
            return
        if remaining_s is None or not math.isfinite(remaining_s):
            text = "Sleep timer"
        else:
            text = f"Sleep timer ({math.ceil(remaining_s / 60)} min left)"
        if text != self._sleep_text:
            self._sleep_text = text
            self.sleep_menu.setTitle(text)

    # -- closing the window ------------------------------------------------------------------
    @property
    def notice_shown(self) -> bool:
        return self._notice_shown

    def should_hide_on_close(self, playing: bool) -> bool:
        """True when closing the window should hide it and keep playing in the tray.

        The first time that happens a tray message tells the person where the app went;
        ``notice_saved`` is called so it is never shown again.
        """
        if self.tray is None or not self.keep_playing_in_tray or not playing:
            return False
        if not self._notice_shown:
            self._notice_shown = True
            self.tray.showMessage(APP_NAME, NOTICE, self.icon, NOTICE_MS)
            if self._notice_saved is not None:
                try:
                    self._notice_saved()
                except Exception:  # a full disk must not stop the window from closing
                    log.exception("could not remember that the tray notice was shown")
        return True

    def notify(self, title: str, text: str) -> bool:
        """A quiet notification (no sound from the app); False when there is no tray."""
        if self.tray is None:
            return False
        self.tray.showMessage(title, text, self.icon, NOTICE_MS)
        return True

    def close(self) -> None:
        """Take the icon off the tray (at quit; the desktop would otherwise keep a ghost)."""
        if self.tray is not None:
            self.tray.hide()
