"""The main window: a calm shell that hosts the player, the diary and the history.

It starts in two phases (issue 18): built from the light :class:`Shell` it paints at once
(menus, tabs, the stored playlists, the Play button); :meth:`MainWindow.attach` then binds
the engine, the tray and MPRIS once app.py has built the heavy services after that frame.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QKeySequence,
    QPaintEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from asmr_desktop import APP_NAME
from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.store import Notice
from asmr_desktop.diary.model import EndReason, Mode
from asmr_desktop.services.rest import REST_LENGTHS_MIN, RestTimer, clock_text
from asmr_desktop.services.running import Shell
from asmr_desktop.ui.dim import DimOverlay
from asmr_desktop.ui.dropzone import DropHighlight, highlight_drops
from asmr_desktop.ui.player import SEEK_STEP_S, PlayerPanel
from asmr_desktop.ui.prompts import SessionPrompts
from asmr_desktop.ui.shortcuts import ShortcutsDialog, key_of
from asmr_desktop.ui.shortcuts import install as install_shortcuts
from asmr_desktop.ui.sizing import FlowLayout, scrolling
from asmr_desktop.ui.symbols import icon

if TYPE_CHECKING:
    # Imported when first used: QtCharts and the scenes cost start-up time, and the engine,
    # tray and MPRIS come with the heavy services after the first frame (see attach).
    from asmr_desktop.analysis.queue import AnalysisQueue
    from asmr_desktop.audio.engine import Engine
    from asmr_desktop.audio.worker import Player
    from asmr_desktop.services.running import Services
    from asmr_desktop.ui.about import AboutDialog
    from asmr_desktop.ui.bridges import AnalysisBridge, EngineBridge
    from asmr_desktop.ui.charts import ChartsView
    from asmr_desktop.ui.history import HistoryView
    from asmr_desktop.ui.layers import LayersPanel
    from asmr_desktop.ui.mpris import MprisService
    from asmr_desktop.ui.preferences import PreferencesDialog
    from asmr_desktop.ui.tray import TrayIcon
    from asmr_desktop.ui.visual import VisualView

log = logging.getLogger(__name__)

#: Quitting waits at most this long for the fade-out before it closes anyway.
QUIT_FADE_TIMEOUT_S = 4.0


class LazyPage(QWidget):
    """A page whose content is built the first time it is shown (or asked for)."""

    def __init__(self, build: Callable[[], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build = build
        self._content: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def widget(self) -> QWidget:
        if self._content is None:
            self._content = self._build()
            self._layout.addWidget(self._content)
            self._content.show()  # a child added after its parent was shown stays hidden
        return self._content

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        self.widget()
        super().showEvent(event)


class RestPage(QWidget):
    """Rest without sound or visuals for a chosen length, then rate: the comparison that
    shows if sound helps. The end is a slow dim of the window, never a sound; the rules of
    the countdown and the dim are :class:`~asmr_desktop.services.rest.RestTimer`'s."""

    start_requested = Signal()
    end_requested = Signal()
    #: The chosen length ran out (the session ends and its rating is asked).
    finished = Signal()
    #: A length was chosen, in minutes.
    length_chosen = Signal(float)
    #: How dim the window should be now (0 to 1).
    dim_changed = Signal(float)

    TICK_MS = 250

    def __init__(
        self,
        minutes: float = 15.0,
        parent: QWidget | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._monotonic = monotonic
        self.minutes = minutes
        self.timer: RestTimer | None = None
        self._counting = False  # a countdown runs (and its end is still to come)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.setSpacing(14)
        layout.addStretch(1)
        heading = QLabel("Rest your eyes and ears")
        heading.setObjectName("heading")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(heading)
        text = QLabel(
            "Lie back without sound or visuals, then note how your head feels. Resting like "
            "this now and then shows whether the gentle sounds help you more than rest alone. "
            "At the end the window dims slowly; there is no sound."
        )
        text.setObjectName("dim")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(text)
        lengths = FlowLayout()
        self.length_buttons: dict[int, QPushButton] = {}
        group = QButtonGroup(self)
        for length in REST_LENGTHS_MIN:
            button = QPushButton(f"{length} min")
            button.setCheckable(True)
            button.setChecked(length == round(minutes))
            button.clicked.connect(lambda _checked, m=length: self.choose_length(m))
            group.addButton(button)
            lengths.addWidget(button)
            self.length_buttons[length] = button
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(lengths)
        row.addStretch(1)
        layout.addLayout(row)
        self.button = QPushButton("Start resting")
        self.button.setMinimumHeight(56)
        self.button.setMinimumWidth(260)
        self.button.clicked.connect(self._clicked)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        row.addStretch(1)
        layout.addLayout(row)
        self.countdown = QLabel("")
        self.countdown.setObjectName("heading")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.countdown)
        layout.addStretch(2)
        self._tick = QTimer(self)
        self._tick.setInterval(self.TICK_MS)
        self._tick.timeout.connect(self.tick)

    @property
    def resting(self) -> bool:
        return self.timer is not None and not self.timer.over

    def choose_length(self, minutes: float) -> None:
        self.minutes = float(minutes)
        for length, button in self.length_buttons.items():
            button.setChecked(length == round(minutes))
        self.length_chosen.emit(self.minutes)
        self.tick()

    def _clicked(self) -> None:
        (self.end_requested if self.resting else self.start_requested).emit()

    def set_resting(self, resting: bool) -> None:
        """Start a countdown of the chosen length, or stop (the person ended it: no cue)."""
        self.timer = RestTimer(self.minutes * 60, self._monotonic) if resting else None
        self._counting = resting
        self.button.setText("End rest" if resting else "Start resting")
        for button in self.length_buttons.values():
            button.setEnabled(not resting)
        if resting:
            self._tick.start()
        else:
            self._tick.stop()
            self.dim_changed.emit(0.0)
        self.tick()

    def tick(self) -> None:
        timer = self.timer
        if timer is None:
            self.countdown.setText(clock_text(self.minutes * 60))
            return
        self.countdown.setText(timer.text())
        self.dim_changed.emit(timer.dim())
        if timer.over and self._counting:
            self._counting = False
            self.button.setText("Start resting")
            for button in self.length_buttons.values():
                button.setEnabled(True)
            self.finished.emit()
        if timer.cue_done():
            self._tick.stop()
            self.timer = None
            self.dim_changed.emit(0.0)


class MainWindow(QMainWindow):
    """Menus, pages and the status bar. Features add pages with :meth:`add_page`."""

    #: The first frame is on the screen (emitted once the paint is flushed).
    first_painted = Signal()
    #: attach() is done: the player plays, the tray and MPRIS answer.
    ready = Signal()

    # Bound by attach(), after the first frame.
    bridge: EngineBridge
    analysis_bridge: AnalysisBridge
    analysis: AnalysisQueue
    engine: Engine
    player: Player
    tray: TrayIcon
    mpris: MprisService

    drop_highlights: list[DropHighlight]

    def __init__(self, shell: Shell) -> None:
        """The window as its first frame shows it, from the light services (built by
        :func:`asmr_desktop.app.build_shell`); :meth:`attach` adds the rest."""
        super().__init__()
        context = shell.context
        self._context = context
        self.shell = shell
        self._services: Services | None = None
        self._painted = False
        self._closed = False
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(640, 440)
        self.resize(900, 620)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.setCentralWidget(self.pages)
        self.diary = shell.diary
        self.sessions = SessionPrompts(shell.prompts, shell.sessions, self, context.settings)
        self.sessions.recover()
        self.player_panel = PlayerPanel(context.settings, shell.listing)
        self.add_page(scrolling(self.player_panel), "Play")  # scrolls, never squeezes, at 2x
        # Where files can be dropped, a drag over it shows it (the list hides while empty).
        self.drop_highlights = highlight_drops(self.player_panel, self.player_panel.list)
        self.rest_page = RestPage(context.settings.settings.rest_minutes)
        self.rest_page.start_requested.connect(self.start_rest)
        self.rest_page.end_requested.connect(self.end_rest)
        self.rest_page.finished.connect(self._rest_over)
        self.rest_page.length_chosen.connect(self._rest_length_chosen)
        self.dim = DimOverlay(self)  # the rest's end cue: a slow dim, over the whole window
        self.rest_page.dim_changed.connect(self.dim.set_level)
        # Scrolls on a short window (2x on a 1280x720 screen) rather than squeeze its text.
        self.add_page(scrolling(self.rest_page), "Rest")
        self._history: HistoryView | None = None
        self.history_page = LazyPage(self._make_history)  # not in the first frame
        self.add_page(self.history_page, "History")
        self._trends: ChartsView | None = None
        self.trends_page = LazyPage(self._make_trends)
        self.add_page(self.trends_page, "Trends")
        self.visual: VisualView | None = None
        self._layers_panel: LayersPanel | None = None
        self.visual_button = QPushButton("Visual only  (V)")
        self.visual_button.setToolTip(
            "No sound at all: a dim, slow, flash-free screen. Esc leaves."
        )
        self.visual_button.setObjectName("corner")  # as tall as the tabs beside it
        self.visual_button.setIcon(icon("visual"))
        self.visual_button.clicked.connect(self.enter_visual_only)
        # Held off the window's edge, not touching the frame.
        corner = QWidget()
        corner_row = QHBoxLayout(corner)
        corner_row.setContentsMargins(0, 0, 12, 0)
        corner_row.addWidget(self.visual_button)
        self.pages.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        self._build_menus()
        self._install_keys()
        self._quitting = False
        self._faded = False  # the sound has faded out and the window may really close
        self.statusBar().showMessage(f"Data kept locally in {context.paths.data_dir}")
        self._restore_geometry()

    # -- the second phase ------------------------------------------------------------------
    @property
    def services(self) -> Services:
        """Every service, once attached (AsmrError before: the player is still starting)."""
        if self._services is None:
            raise AsmrError("The player is still starting; try again in a moment.")
        return self._services

    @property
    def is_ready(self) -> bool:
        return self._services is not None

    @property
    def closed(self) -> bool:
        """The window has really closed (not hidden to the tray): attach nothing more."""
        return self._closed

    def attach(
        self, services: Services, bridge: EngineBridge, analysis_bridge: AnalysisBridge
    ) -> None:
        """Bind the heavy services (built by :func:`asmr_desktop.app.attach_services`);
        ``bridge`` and ``analysis_bridge`` carry their callbacks to the Qt thread."""
        from asmr_desktop.ui.mpris import MprisService
        from asmr_desktop.ui.soundscape_dialog import SoundscapeDialog
        from asmr_desktop.ui.tray import TrayIcon

        bridge.setParent(self)
        analysis_bridge.setParent(self)
        self.bridge = bridge
        self.analysis_bridge = analysis_bridge
        self.analysis = services.analysis
        self.engine = services.engine
        self.player = services.player
        self._services = services
        settings = self._context.settings.settings
        self.tray = TrayIcon(
            toggle=self.player_panel.toggle,
            visual_only=self._visual_only_from_outside,
            set_sleep_timer=self.player_panel.set_sleep_timer,
            show_window=self.bring_to_front,
            quit_app=self.quit_app,
            keep_playing_in_tray=settings.keep_playing_in_tray,
            notice_shown=settings.tray_notice_shown,
            notice_saved=self._tray_notice_saved,
            bridge=self.bridge,
            parent=self,
        )
        self.sessions.notify = self.tray.notify  # the check-in while hidden in the tray
        self.mpris = MprisService(
            self.engine,
            self.bridge,
            self.bring_to_front,
            self.quit_app,
            toggle=self.player_panel.toggle,
            stop=self.player_panel.stop,
            set_volume=self.player_panel.set_volume_position,
            volume_changed=self.player_panel.volume_slider.valueChanged,
            open_path=lambda path: self.player_panel.add_paths([path]),
            parent=self,
        )
        self.player_panel.attach(
            services.listening,
            self.player,
            self.bridge,
            self.analysis,
            self.analysis_bridge,
            soundscape_dialog=lambda parent: SoundscapeDialog(
                self.engine,
                self.player_panel.pause_if_playing,
                self.player_panel.ensure_output,
                parent,
            ),
        )
        self.layers_action.setEnabled(True)
        self.ready.emit()

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
        preferences = QAction("&Preferences…", self)
        preferences.setShortcut(QKeySequence.StandardKey.Preferences)
        preferences.triggered.connect(self.show_preferences)
        file_menu.addAction(preferences)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        self.quit_action = quit_action
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.quit_app)
        file_menu.addAction(quit_action)
        self.file_menu = file_menu
        session_menu = bar.addMenu("&Session")
        self.rest_action = QAction("&Rest without sound", self)
        self.rest_action.setCheckable(True)
        self.rest_action.toggled.connect(self._rest_toggled)
        session_menu.addAction(self.rest_action)
        history_action = QAction("&History", self)
        history_action.setShortcut(QKeySequence("Ctrl+H"))
        history_action.triggered.connect(lambda: self.pages.setCurrentWidget(self.history_page))
        session_menu.addAction(history_action)
        # The diary's own entry: a headache (and medicine) logged without playing anything.
        self.log_day_action = QAction("&Log a headache…", self)
        self.log_day_action.setShortcut(QKeySequence("Ctrl+L"))
        self.log_day_action.triggered.connect(lambda: self.sessions.log_day())
        session_menu.addAction(self.log_day_action)
        self.view_menu = bar.addMenu("&View")
        self.visual_action = QAction("&Visual only", self)
        # Named, not Qt.Key.Key_V: PySide6 builds its 471-member Qt.Key enum on first use
        # (about 3 ms), which the first frame can do without.
        self.visual_action.setShortcut(QKeySequence(key_of("visual_only")))  # ui/shortcuts
        self.visual_action.triggered.connect(self.enter_visual_only)
        self.view_menu.addAction(self.visual_action)
        trends_action = QAction("&Trends", self)
        trends_action.setShortcut(QKeySequence("Ctrl+T"))
        trends_action.triggered.connect(lambda: self.pages.setCurrentWidget(self.trends_page))
        self.view_menu.addAction(trends_action)
        self.layers_action = QAction("Sound &layers…", self)
        self.layers_action.setEnabled(False)  # until the engine is attached
        self.layers_action.triggered.connect(self.show_layers)
        self.view_menu.addAction(self.layers_action)
        help_menu = bar.addMenu("&Help")
        about = QAction("&About ASMR Desktop", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)
        self.keys_action = QAction("&Keyboard shortcuts", self)
        self.keys_action.setShortcut(QKeySequence(key_of("help")))  # F1, from ui/shortcuts
        self.keys_action.triggered.connect(self.show_shortcuts)
        help_menu.insertAction(about, self.keys_action)

    def _install_keys(self) -> None:
        """The Play page's keys, from the one table in ui/shortcuts.py (V and F1 are the
        menu entries' own shortcuts, taken from the same table)."""
        panel = self.player_panel
        install_shortcuts(
            self,
            {
                "toggle": panel.toggle,
                "seek_back": lambda: panel.seek_by(-SEEK_STEP_S),
                "seek_forward": lambda: panel.seek_by(SEEK_STEP_S),
                "volume_up": lambda: panel.step_volume(1),
                "volume_down": lambda: panel.step_volume(-1),
                "sleep_cycle": panel.cycle_sleep_timer,
                "migraine": panel.toggle_migraine,
                "next": panel.next_track,
                "previous": panel.previous_track,
            },
        )
        panel.cards.layer_requested.connect(lambda name: self.show_layers().add_layer(name))

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # -- sessions --------------------------------------------------------------------------
    def start_rest(self) -> None:
        if self.sessions.service.begin(Mode.REST) is not None:
            self.rest_page.set_resting(True)
            self._sync_rest_action()

    def end_rest(self) -> None:
        self.rest_page.set_resting(False)
        self._sync_rest_action()
        self.sessions.service.finish(EndReason.STOPPED)

    def _rest_over(self) -> None:
        """The chosen length ran out: the session ends and its rating is asked."""
        self._sync_rest_action()
        self.sessions.service.finish(EndReason.FINISHED)

    def _rest_length_chosen(self, minutes: float) -> None:
        try:
            self._context.settings.update(rest_minutes=minutes)
        except AsmrError as exc:
            log.warning("rest length not saved: %s", exc)

    def _rest_toggled(self, checked: bool) -> None:
        if checked != self.rest_page.resting:
            (self.start_rest if checked else self.end_rest)()

    def _sync_rest_action(self) -> None:
        self.rest_action.blockSignals(True)
        self.rest_action.setChecked(self.rest_page.resting)
        self.rest_action.blockSignals(False)

    # -- visual-only mode ------------------------------------------------------------------
    @property
    def trends(self) -> ChartsView:
        """The Trends page (built on first use)."""
        self.trends_page.widget()
        assert self._trends is not None
        return self._trends

    @property
    def history(self) -> HistoryView:
        """The History page (built on first use: not needed for the first frame)."""
        self.history_page.widget()
        assert self._history is not None
        return self._history

    def _make_history(self) -> QWidget:
        from asmr_desktop.ui.history import HistoryView

        view = HistoryView(self.diary, self._context.store)
        self.sessions.diary_changed.connect(view.refresh)
        view.day_requested.connect(self.sessions.log_day)
        self._history = view
        return view

    def _make_trends(self) -> QWidget:
        from asmr_desktop.ui.charts import ChartsView

        view = ChartsView(self.diary, self._context.store)
        self.sessions.diary_changed.connect(view.refresh)
        self._trends = view
        return view

    def enter_visual_only(self) -> VisualView | None:
        """Sound off completely, a dim full-screen scene on; Esc or a click comes back."""
        from asmr_desktop.ui.visual import VisualView

        if self.visual is not None:
            self.visual.raise_()
            self.visual.activateWindow()
            return self.visual
        settings = self._context.settings.settings
        try:
            view = VisualView(
                settings.visual_scene,
                settings.visual_palette,
                settings.visual_speed,
                settings.visual_brightness,
                migraine=settings.migraine_mode,
                breaths_per_min=settings.breaths_per_min,
            )
        except AsmrError:
            log.warning("saved scene or palette unknown; using the defaults")
            view = VisualView(migraine=settings.migraine_mode)
        if self.rest_page.resting:
            self.rest_page.set_resting(False)
            self._sync_rest_action()
        self.sessions.held = True
        # The visual session starts first, so the sound stopping below does not end it.
        session = self.sessions.service.begin(
            Mode.VISUAL, migraine_mode=settings.migraine_mode, ask_before=False
        )
        self.player_panel.silence()  # at once: sound may be what hurts
        view.exit_requested.connect(self.leave_visual_only)
        self.sessions.service.watched_source = view.watched  # the videos watched, if any
        view.setWindowTitle(f"{APP_NAME}: visual only")
        self.visual = view
        if session is not None and session.pain_before is None and settings.ask_before_session:
            # One key before the screen goes dark, so visual-only relief can be measured.
            self.sessions.queue.ask_before(session, then=lambda: self._show_visual(view))
        else:
            self._show_visual(view)
        return view

    def _show_visual(self, view: VisualView) -> None:
        if self.visual is not view:
            return  # left again before the question was answered
        # Cover the screen even where no window manager honours full-screen requests.
        view.setGeometry(self.screen().geometry())
        view.showFullScreen()
        view.activateWindow()

    def leave_visual_only(self) -> None:
        view = self.visual
        if view is None:
            return
        self.visual = None
        try:
            self._context.settings.update(
                visual_scene=view.scene,
                visual_speed=view.speed,
                visual_brightness=view.brightness,
            )
        except AsmrError as exc:
            log.warning("visual settings not saved: %s", exc)
        view.close()
        view.deleteLater()
        self.bring_to_front()
        # The visual session's own rating comes first, then anything older that waits.
        if self.sessions.current is not None and self.sessions.current.mode is Mode.VISUAL:
            self.sessions.service.finish(EndReason.STOPPED)
        self.sessions.service.watched_source = None
        self.sessions.ask_unrated_later()
        self.sessions.held = False

    # -- actions ---------------------------------------------------------------------------
    def show_layers(self) -> LayersPanel:
        """The Layers panel (issue 17), built once the engine is attached; its
        ``add_layer(name)`` slot takes the soundscape cards' "add as layer"."""
        from asmr_desktop.ui.layers import LayersPanel

        if self._layers_panel is None:
            self._layers_panel = LayersPanel(self.services.listening.layers, self)
        self._layers_panel.show()
        self._layers_panel.raise_()
        self._layers_panel.activateWindow()
        return self._layers_panel

    def show_about(self) -> AboutDialog:
        from asmr_desktop.ui.about import AboutDialog  # not needed for the first frame

        dialog = AboutDialog(self._context.paths, self)
        dialog.open()
        return dialog

    def _visual_only_from_outside(self) -> None:
        self.enter_visual_only()

    def _tray_notice_saved(self) -> None:
        try:
            self._context.settings.update(tray_notice_shown=True)
        except AsmrError as exc:
            log.warning("could not remember the tray notice: %s", exc)

    def quit_app(self) -> None:
        """Really quit (File > Quit, Ctrl+Q, the tray, MPRIS, SIGTERM from the session
        manager); closing a hidden window alone would not. Sound fades out first."""
        self._quitting = True
        self.close()

    def _fade_out_then(self, then: Callable[[], object]) -> None:
        """Fade the sound out (1.5 s, never a cut), then run ``then``; at once if silent.

        The window is gone meanwhile and nothing pops up: the session's rating waits for
        the next start.
        """
        if not (self.player.running and self.engine.is_active()):
            then()
            return
        self.sessions.held = True
        self.hide()
        self.engine.stop()
        deadline = time.monotonic() + QUIT_FADE_TIMEOUT_S
        timer = QTimer(self)
        timer.setInterval(20)

        def check() -> None:
            if self.engine.is_active() and time.monotonic() < deadline:
                return
            timer.stop()
            then()

        timer.timeout.connect(check)
        timer.start()

    def bring_to_front(self) -> None:
        """Another start of the app asked for this window."""
        log.info("raise requested by another start")
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def show_preferences(self) -> PreferencesDialog:
        from asmr_desktop.ui.preferences import PreferencesDialog  # not in the first frame

        # The tray's own answer once attached (tests and the self-test can set it).
        tray = self.tray.available if self._services is not None else None
        dialog = PreferencesDialog(self._context.settings, self, tray_available=tray)

        def applied() -> None:
            settings = self._context.settings.settings
            if self._services is None:
                return  # the engine and the tray start with the saved settings
            self._services.listening.set_loudness_target(settings.loudness_target_lufs)
            self._services.listening.skip_rule_changed()
            self.tray.keep_playing_in_tray = settings.keep_playing_in_tray

        dialog.accepted.connect(applied)
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

    def show_notice_until_seen(self, notice: Notice, seen: Callable[[Notice], None]) -> QMessageBox:
        """A notice kept in the store: marked seen only once the person closes the box."""
        box = self.show_notice(notice.text)
        box.finished.connect(lambda _result: seen(notice))
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
            # Announced from the event loop, once this frame and its children's are flushed.
            QTimer.singleShot(0, self.first_painted.emit)
            # After the first frame, not before: start-up stays quick. Never over the visuals.
            QTimer.singleShot(0, self.sessions.ask_unrated_later)
            QTimer.singleShot(0, self.sessions.start_checkin)  # after the ratings, queued

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self._services is None:  # closed before the engine existed: nothing plays
            self._close_shell(event)
            return
        from asmr_desktop.audio.engine import PlayState

        playing = self.engine.state is PlayState.PLAYING
        if not self._quitting and self.tray.should_hide_on_close(playing):
            event.ignore()
            self.hide()
            return
        if not self._faded and self.player.running and self.engine.is_active():
            # Every way out fades the sound first, then comes back here to finish.
            event.ignore()
            self._quitting = True
            self._faded = True
            self._fade_out_then(self.close)
            return
        self.tray.close()
        self.mpris.close()
        self.player_panel.flush_settings()
        self.player.close(fade=True)  # faded already: this plays out what the device holds
        self.analysis.close()
        self._close_shell(event)

    def _close_shell(self, event: QCloseEvent) -> None:
        self._closed = True
        if self.visual is not None:
            self.visual.close()
            self.visual = None
        self.sessions.close_for_shutdown()
        self._save_geometry()
        super().closeEvent(event)
        if self._quitting:
            QApplication.quit()
