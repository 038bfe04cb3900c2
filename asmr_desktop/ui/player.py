"""The Play page: playlist, transport, volume with its ceiling, sleep timer, migraine mode.

The engine renders every sample on its own thread and the listening service
(:mod:`asmr_desktop.services.listening`) holds the rules; this panel only shows them,
sends the person's commands on, and turns engine callbacks into Qt signals.

The panel exists before its engine (issue 18): the window paints it with the stored
playlists (:class:`~asmr_desktop.library.listing.Listing`) before numpy and the audio stack
are imported, then :meth:`PlayerPanel.attach` binds it to the engine. A press of Play in
between is queued and played on attach. So nothing of the audio stack is imported here at
module level: the methods that need the engine's names import them where they run, which
is only once the panel is attached.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from asmr_desktop.audio.timer import SleepMode, SleepTimer
from asmr_desktop.core import safety
from asmr_desktop.core.defaults import CROSSFADE_MAX_S
from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.settings import SettingsStore
from asmr_desktop.library.listing import Listing
from asmr_desktop.services.playpage import ceiling_words, check_ceiling_db, next_sleep_timer
from asmr_desktop.ui.cards import SoundscapeCards
from asmr_desktop.ui.notice import NoticeLine
from asmr_desktop.ui.nowplaying import GENTLE, NowPlaying, clock_text
from asmr_desktop.ui.sizing import FlowLayout
from asmr_desktop.ui.sleepbar import SleepBar
from asmr_desktop.ui.symbols import icon, pixmap
from asmr_desktop.ui.theme import BACKGROUND, TEXT_DIM, WARNING

if TYPE_CHECKING:
    from asmr_desktop.analysis.queue import AnalysisQueue
    from asmr_desktop.analysis.queue import Progress as AnalysisProgress
    from asmr_desktop.analysis.track import TrackAnalysis
    from asmr_desktop.analysis.verdict import Verdict
    from asmr_desktop.audio.engine import Engine, PlayState
    from asmr_desktop.audio.item import PlaylistItem
    from asmr_desktop.audio.worker import Player
    from asmr_desktop.services.listening import ListeningService
    from asmr_desktop.ui.bridges import AnalysisBridge, EngineBridge
    from asmr_desktop.ui.soundscape_dialog import SoundscapeDialog

log = logging.getLogger(__name__)

#: The button's words for each repeat mode (audio.engine.Repeat, by value).
REPEAT_WORDS = {"off": "Repeat: off", "one": "Repeat: this", "all": "Repeat: all"}
SLIDER_STEPS = 1000
#: A slider drag is many changes a second; the last one is saved this long after.
SAVE_DELAY_MS = 400
#: Play's words (its width is the widest, so none of them moves it) and icon size.
PLAY_WORDS = ("Play", "Pause", "Starting…")
PLAY_ICON_PX = 30
QUIET_ICON_PX = 20
#: How far past its bounds the ceiling box lets a person type: the value is then refused
#: with the reason (services.playpage.check_ceiling_db), not silently clamped by the box.
TYPING_ROOM_DB = 40.0
#: The playlist (or the note shown while it is empty) keeps this height: no jump between.
LIST_MIN_HEIGHT = 150
#: Seek step of Left/Right (s) and volume step of Up/Down, +/- (slider steps).
SEEK_STEP_S = 10.0
VOLUME_STEP = SLIDER_STEPS // 20


def row_text(
    title: str, duration_s: float | None, *, endless: bool, mark: str = "", current: bool = False
) -> str:
    """A playlist row: a mark for the current item, the title, its length and a note."""
    endless_text = "until the sleep timer" if endless else ""
    length = clock_text(duration_s) if duration_s else endless_text
    prefix = "▶  " if current else "    "
    return f"{prefix}{title}{('   ' + length) if length else ''}{mark}"


def verdict_mark(verdict: Verdict) -> str:
    """The short word a row shows for an analysis verdict."""
    from asmr_desktop.analysis.verdict import Verdict

    marks = {
        Verdict.GENTLE: GENTLE,
        Verdict.SUDDEN: "sudden sounds",
        Verdict.LOUD: "loud",
        Verdict.BRIGHT: "bright",
    }
    return marks[verdict]


class PlaylistList(QListWidget):
    """Rows of the playlist; drag to reorder, drop files or folders from outside to add."""

    files_dropped = Signal(list)
    moved = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setAcceptDrops(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self._drag_row: int | None = None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
            return
        self._drag_row = self.currentRow()
        super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls():
            paths = [
                Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()
            ]
            event.acceptProposedAction()
            self.files_dropped.emit(paths)
            return
        source = self._drag_row
        super().dropEvent(event)
        target = self.currentRow()
        if source is not None and target >= 0 and source != target:
            self.moved.emit(source, target)
        self._drag_row = None


class PlayerPanel(QWidget):
    """Everything for playing calm sound, arranged with big, few, clearly named controls."""

    playback_failed = Signal(str)
    #: The panel is bound to its engine: every control works (see :meth:`attach`).
    attached = Signal()

    # Bound by attach(): the panel is painted before these exist.
    listening: ListeningService
    engine: Engine
    _player: Player
    _analysis: AnalysisQueue

    def __init__(
        self,
        settings: SettingsStore,
        listing: Listing | None = None,
        *,
        parent: QWidget | None = None,
    ) -> None:
        """The panel as the first frame shows it: the stored playlists and the saved
        levels; only Play answers (queued) until :meth:`attach`."""
        super().__init__(parent)
        self._settings = settings
        self._attached = False
        self._queued: Callable[[], None] | None = None
        self._position_s = 0.0
        self.migraine_prompt: QMessageBox | None = None
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush_settings)
        self._make_soundscape_dialog: Callable[[QWidget], SoundscapeDialog] | None = None
        self.soundscape_dialog: SoundscapeDialog | None = None
        self._build()
        self.setAcceptDrops(True)
        self._show_saved_levels()
        self._show_listing(listing or Listing())
        self._set_engine_controls(enabled=False)

    @property
    def is_attached(self) -> bool:
        return self._attached

    @property
    def play_queued(self) -> bool:
        """Play was pressed before the engine was ready: it plays on attach."""
        return self._queued is not None

    def attach(
        self,
        listening: ListeningService,
        player: Player,
        bridge: EngineBridge,
        analysis: AnalysisQueue,
        analysis_bridge: AnalysisBridge,
        *,
        soundscape_dialog: Callable[[QWidget], SoundscapeDialog] | None = None,
    ) -> None:
        """Bind to the engine and its services; a Play pressed before now plays now."""
        self.listening = listening
        self._player = player
        self.engine = player.engine
        self._analysis = analysis
        self._make_soundscape_dialog = soundscape_dialog
        bridge.state_changed.connect(self._state_changed)
        bridge.track_changed.connect(self._track_changed)
        bridge.position_changed.connect(self._position_changed)
        bridge.item_failed.connect(self._item_failed)
        bridge.sleep_timer_changed.connect(self._sleep_changed)
        bridge.failed.connect(self._device_failed)
        bridge.stopped.connect(listening.stopped)
        bridge.item_skipped.connect(self._item_skipped)
        analysis_bridge.finished.connect(self._analysed)
        analysis_bridge.progressed.connect(self._analysis_progress)
        self._attached = True
        self._show_settings()
        self._load_initial_playlist()
        self._set_engine_controls(enabled=True)
        self.soundscape_button.setVisible(soundscape_dialog is not None)
        self._show_cards()
        queued, self._queued = self._queued, None
        self.attached.emit()
        if queued is not None:
            log.info("playing what was asked for before the engine was ready")
            queued()

    @property
    def analyses(self) -> dict[Path, TrackAnalysis]:
        return dict(self.listening.analyses)

    # -- building --------------------------------------------------------------------------
    def _build(self) -> None:
        """Top to bottom, in the order the Tab key follows: what plays, Play and its
        neighbours, the sleep timer, the levels, the built-in sounds, the playlist."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.setSpacing(14)

        self.now_playing = NowPlaying()
        self.sleep_label = self.now_playing.sleep_left
        layout.addWidget(self.now_playing)
        seek_row = QHBoxLayout()
        self.position_label = QLabel("0:00")
        self.duration_label = QLabel("--:--")
        for label in (self.position_label, self.duration_label):
            label.setObjectName("dim")
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance("0:00:00") + 8)
        self.duration_label.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        self.seek_slider = QSlider(Qt.Orientation.Horizontal)
        self.seek_slider.setRange(0, SLIDER_STEPS)
        self.seek_slider.setAccessibleName("Position in the track")
        self.seek_slider.sliderReleased.connect(self._seek_released)
        self._seeking = False
        self.seek_slider.sliderPressed.connect(lambda: setattr(self, "_seeking", True))
        seek_row.addWidget(self.position_label)
        seek_row.addWidget(self.seek_slider, 1)
        seek_row.addWidget(self.duration_label)
        self.now_playing.add_row(seek_row)

        transport = QHBoxLayout()
        transport.setSpacing(10)
        self.previous_button = self._quiet("Previous", "previous", "Previous track (P)")
        self.previous_button.clicked.connect(lambda: self.engine.previous())
        self.stop_button = self._quiet("Stop", "stop", "Stop, with a short fade")
        self.stop_button.clicked.connect(self.stop)
        self.play_button = QPushButton("Play")
        self.play_button.setObjectName("primary")
        self.play_button.setIcon(icon("play", BACKGROUND))
        self.play_button.setIconSize(QSize(PLAY_ICON_PX, PLAY_ICON_PX))
        self.play_button.setToolTip("Play or pause (Space)")
        self.play_button.setProperty("spaceToggles", True)
        # As wide as its longest word, so Play, Pause and Starting… never move it.
        widest = max(self.play_button.fontMetrics().horizontalAdvance(w) for w in PLAY_WORDS)
        self.play_button.setMinimumWidth(widest + PLAY_ICON_PX + 80)
        self.play_button.clicked.connect(self.toggle)
        self.next_button = self._quiet("Next", "next", "Next track (N)")
        self.next_button.clicked.connect(lambda: self.engine.next())
        self.repeat_button = self._quiet(REPEAT_WORDS["off"], "repeat", "Repeat: off, all, this")
        widest = max(
            self.repeat_button.fontMetrics().horizontalAdvance(w) for w in REPEAT_WORDS.values()
        )
        self.repeat_button.setMinimumWidth(widest + 60)
        self.repeat_button.clicked.connect(self._cycle_repeat)
        transport.addStretch(1)
        for button in (self.previous_button, self.stop_button, self.play_button, self.next_button):
            transport.addWidget(button)
        transport.addSpacing(12)
        transport.addWidget(self.repeat_button)
        transport.addStretch(1)
        layout.addLayout(transport)

        self.sleep_bar = SleepBar()
        self.sleep_bar.chosen.connect(self.set_sleep_timer)
        layout.addWidget(self.sleep_bar)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        volume_icon = QLabel()
        volume_icon.setPixmap(pixmap("volume", TEXT_DIM, 20))
        volume_icon.setAccessibleName("Volume")
        grid.addWidget(volume_icon, 0, 0)
        self.volume_slider = QSlider(Qt.Orientation.Horizontal)
        self.volume_slider.setRange(0, SLIDER_STEPS)
        self.volume_slider.setAccessibleName("Volume")
        self.volume_slider.setToolTip("Volume (Up/Down or +/-)")
        self.volume_slider.valueChanged.connect(self._volume_moved)
        grid.addWidget(self.volume_slider, 0, 1)
        self.volume_label = QLabel()
        self.volume_label.setObjectName("dim")
        self.volume_label.setMinimumWidth(
            self.volume_label.fontMetrics().horizontalAdvance("-100 dB") + 8
        )
        grid.addWidget(self.volume_label, 0, 2)
        grid.addWidget(QLabel("Ceiling"), 0, 3)
        self.ceiling_box = QDoubleSpinBox()
        # Typing may go past the bounds: a ceiling above them is refused with the reason
        # (services.playpage.check_ceiling_db), not silently clamped by the box.
        self.ceiling_box.setRange(
            safety.CEILING_MIN_DB - TYPING_ROOM_DB, safety.CEILING_MAX_DB + TYPING_ROOM_DB
        )
        self.ceiling_box.setSingleStep(1.0)
        self.ceiling_box.setDecimals(0)
        self.ceiling_box.setSuffix(" dBTP")
        self.ceiling_box.setKeyboardTracking(False)
        self.ceiling_box.setToolTip(
            "The loudest any sound can ever be. You can lower it; it never goes above "
            f"{safety.CEILING_MAX_DB:.0f} dBTP.\nStartle guard: a sound rising more than "
            f"{safety.STARTLE_RISE_DB:.0f} dB over the last few seconds is softened before "
            "you hear it."
        )
        self.ceiling_box.valueChanged.connect(self._ceiling_changed)
        grid.addWidget(self.ceiling_box, 0, 4)
        grid.addWidget(QLabel("Crossfade"), 0, 5)
        self.crossfade_box = QDoubleSpinBox()
        self.crossfade_box.setRange(0.0, CROSSFADE_MAX_S)
        self.crossfade_box.setSingleStep(1.0)
        self.crossfade_box.setDecimals(0)
        self.crossfade_box.setSuffix(" s")
        self.crossfade_box.setToolTip("Overlap between tracks; 0 plays them back to back.")
        self.crossfade_box.valueChanged.connect(self._crossfade_changed)
        grid.addWidget(self.crossfade_box, 0, 6)
        self.migraine_button = QPushButton("Migraine mode")
        self.migraine_button.setObjectName("quiet")
        self.migraine_button.setIcon(icon("migraine"))
        self.migraine_button.setCheckable(True)
        # Room for its longer label, so the row neither clips nor jumps when it toggles.
        self.migraine_button.setMinimumWidth(
            self.migraine_button.fontMetrics().horizontalAdvance("Migraine mode: on") + 72
        )
        self.migraine_button.setToolTip(
            f"{safety.MIGRAINE_LOUDNESS_DROP_DB:.0f} dB quieter, and softer: high sounds above "
            f"4 kHz are filtered out, and the startle guard lets through at most "
            f"{safety.STARTLE_RISE_MIGRAINE_DB:.0f} dB. (M)"
        )
        self.migraine_button.toggled.connect(self._migraine_toggled)
        grid.addWidget(self.migraine_button, 1, 0, 1, 3, Qt.AlignmentFlag.AlignLeft)
        self.ceiling_label = QLabel()
        self.ceiling_label.setObjectName("dim")
        self.ceiling_label.setMinimumWidth(
            self.ceiling_label.fontMetrics().horizontalAdvance(
                ceiling_words(safety.CEILING_MIN_DB, migraine=True)
            )
            + 8
        )
        grid.addWidget(self.ceiling_label, 1, 3, 1, 4)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        top = QHBoxLayout()
        top.setSpacing(8)
        title = QLabel("Playlist")
        title.setObjectName("section")
        top.addWidget(title)
        self.playlist_box = QComboBox()
        self.playlist_box.setMinimumWidth(220)
        self.playlist_box.activated.connect(self._playlist_chosen)
        top.addWidget(self.playlist_box, 1)
        self.save_button = self._quiet("Save…", "save", "Save this playlist under a name")
        self.save_button.clicked.connect(self.save_playlist_as)
        self.delete_playlist_button = self._quiet("Delete", "delete", "Delete this saved playlist")
        self.delete_playlist_button.clicked.connect(self._delete_playlist)
        self.m3u_button = self._quiet("M3U", "playlist", "Import or export an M3U playlist")
        m3u_menu = QMenu(self.m3u_button)
        m3u_menu.addAction("Import M3U…", self._import_m3u)
        m3u_menu.addAction("Export M3U…", self._export_m3u)
        self.m3u_button.setMenu(m3u_menu)
        for button in (self.save_button, self.delete_playlist_button, self.m3u_button):
            top.addWidget(button)
        layout.addLayout(top)

        edit_row = FlowLayout(spacing=8)
        self.add_files_button = self._quiet("Add files…", "add-file", "Add recordings")
        self.add_files_button.clicked.connect(self._add_files)
        self.add_folder_button = self._quiet("Add folder…", "add-folder", "Add a folder")
        self.add_folder_button.clicked.connect(self._add_folder)
        self.soundscape_button = self._quiet(
            "Add soundscape…", "soundscape", "Rain, brown noise, ocean, breathing and more"
        )
        self.soundscape_button.clicked.connect(self.open_soundscapes)
        self.remove_button = self._quiet("Remove", "remove", "Remove the chosen rows (Delete)")
        self.remove_button.clicked.connect(self.remove_selected)
        for button in (
            self.add_files_button,
            self.add_folder_button,
            self.soundscape_button,
            self.remove_button,
        ):
            edit_row.addWidget(button)
        layout.addLayout(edit_row)

        self.list = PlaylistList()
        self.list.setIconSize(QSize(0, 0))
        self.list.setMinimumHeight(LIST_MIN_HEIGHT)
        self.list.itemDoubleClicked.connect(lambda item: self.play_row(self.list.row(item)))
        self.list.files_dropped.connect(self.add_paths)
        self.list.moved.connect(self._moved)
        layout.addWidget(self.list, 1)
        self.empty = QLabel(
            "Add calm recordings with Add files, or drag them here. Or click a built-in "
            "sound above."
        )
        self.empty.setObjectName("dim")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMinimumHeight(LIST_MIN_HEIGHT)
        layout.addWidget(self.empty, 1)
        self.analysis_bar = QProgressBar()
        self.analysis_bar.setRange(0, 1000)
        self.analysis_bar.setTextVisible(True)
        self.analysis_bar.setMaximumHeight(18)
        self.analysis_bar.setVisible(False)
        layout.addWidget(self.analysis_bar)

        sounds = QLabel("Built-in sounds")
        sounds.setObjectName("section")
        layout.addWidget(sounds)
        self.cards = SoundscapeCards()
        self.cards.play_requested.connect(self.play_soundscape)
        layout.addWidget(self.cards)

        self.notice = NoticeLine()
        layout.addWidget(self.notice)
        QShortcut(QKeySequence.StandardKey.Delete, self.list, self.remove_selected)
        self.play_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _quiet(self, words: str, icon_name: str, tip: str) -> QPushButton:
        """A secondary action: a flat button with its icon, smaller than Play."""
        button = QPushButton(words)
        button.setObjectName("quiet")
        button.setIcon(icon(icon_name))
        button.setIconSize(QSize(QUIET_ICON_PX, QUIET_ICON_PX))
        button.setToolTip(tip)
        return button

    def _engine_controls(self) -> tuple[QWidget, ...]:
        """Everything but Play, which works (queued) before the engine exists."""
        return (
            self.playlist_box,
            self.save_button,
            self.delete_playlist_button,
            self.m3u_button,
            self.add_files_button,
            self.add_folder_button,
            self.soundscape_button,
            self.remove_button,
            self.seek_slider,
            self.previous_button,
            self.stop_button,
            self.next_button,
            self.repeat_button,
            self.volume_slider,
            self.ceiling_box,
            *self.sleep_bar.buttons.values(),
            self.sleep_bar.custom_button,
            self.crossfade_box,
            self.migraine_button,
            *self.cards.buttons(),
        )

    def _set_engine_controls(self, *, enabled: bool) -> None:
        for control in self._engine_controls():
            control.setEnabled(enabled)
        self._show_has_items(self.list.count() > 0)  # Play, Previous and Next follow the rows

    def _show_saved_levels(self) -> None:
        """The levels as saved, shown before the engine exists (it starts with them)."""
        saved = self._settings.settings
        self._show_levels(
            saved.volume,
            safety.clamp_ceiling_db(saved.ceiling_db),
            saved.crossfade_s,
            saved.migraine_mode,
        )

    def _show_listing(self, listing: Listing) -> None:
        """The stored playlists as the first frame shows them (the engine loads them)."""
        self.playlist_box.clear()
        self.playlist_box.addItem("Unsaved playlist")
        self.playlist_box.addItems(list(listing.names))
        index = self.playlist_box.findText(listing.current) if listing.current else 0
        self.playlist_box.setCurrentIndex(max(0, index))
        self.list.clear()
        for row in listing.rows:
            self.list.addItem(row_text(row.title, row.duration_s, endless=row.soundscape))
        self._show_has_items(self.list.count() > 0)

    def _show_has_items(self, has_items: bool) -> None:
        self.list.setVisible(has_items)
        self.empty.setVisible(not has_items)
        self.play_button.setEnabled(has_items)
        for button in (self.next_button, self.previous_button):
            button.setEnabled(has_items and self._attached)

    def _show_settings(self) -> None:
        """Show the levels the engine was built with (without saving them again)."""
        s = self.engine.settings
        self._show_levels(s.volume, s.ceiling_db, s.crossfade_s, s.migraine)
        self._show_volume()

    def _show_levels(
        self, volume: float, ceiling_db: float, crossfade_s: float, migraine: bool
    ) -> None:
        controls = (self.volume_slider, self.ceiling_box, self.crossfade_box, self.migraine_button)
        for control in controls:
            control.blockSignals(True)
        self.volume_slider.setValue(round(volume * SLIDER_STEPS))
        self.ceiling_box.setValue(ceiling_db)
        self.crossfade_box.setValue(crossfade_s)
        self.migraine_button.setChecked(migraine)
        self._show_migraine(migraine)
        self.ceiling_label.setText(ceiling_words(ceiling_db, migraine))
        for control in controls:
            control.blockSignals(False)

    def _load_initial_playlist(self) -> None:
        try:
            items = self.listening.load_initial()
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            items = []
        self._analyse(items)
        self._refresh_playlist_names()
        self._refresh_rows()

    # -- dropping files anywhere on the panel (the list is hidden while empty) -------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        urls = event.mimeData().urls()
        paths = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    # -- playlist --------------------------------------------------------------------------
    def items(self) -> list[PlaylistItem]:
        return self.listening.items()

    def _changing(self, change: Callable[[], object]) -> bool:
        """Run a playlist change; a failure to save it is shown, not raised."""
        if not self._attached:  # a drop or a key in the moment before the engine exists
            self.notify("One moment: the player is still starting.")
            return False
        try:
            change()
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            return False
        finally:
            self._refresh_rows()
        return True

    def add_paths(self, paths: Sequence[Path]) -> None:
        added: list[PlaylistItem] = []
        if self._changing(lambda: added.extend(self.listening.add_paths(list(paths)))):
            self._analyse(added)

    def add_items(self, items: Sequence[PlaylistItem]) -> None:
        if self._changing(lambda: self.listening.add_items(items)):
            self._analyse(items)

    def _analyse(self, items: Sequence[PlaylistItem]) -> None:
        """Measure files in the background; cached ones come back at once."""
        self._analysis.add(self.listening.to_analyse(items))

    def _show_cards(self) -> None:
        from asmr_desktop.soundscapes import SOUNDSCAPES

        self.cards.set_soundscapes(
            [(info.name, info.title, info.description) for info in SOUNDSCAPES.values()]
        )
        # Made after the rest of the window: Tab reaches them right after the playlist.
        chain = [self.list, *self.cards.buttons()]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def play_soundscape(self, name: str) -> None:
        """A card's click: the soundscape goes to the end of the playlist and plays now."""
        if not self._attached:
            return
        from asmr_desktop.library.builtin import soundscape_item

        try:
            item = soundscape_item(name)
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            return
        if self._changing(lambda: self.listening.add_items([item])):
            self.play_row(len(self.items()) - 1)

    def open_soundscapes(self) -> SoundscapeDialog | None:
        if self._make_soundscape_dialog is None:
            return None
        if self.soundscape_dialog is None:
            dialog = self._make_soundscape_dialog(self)
            dialog.chosen.connect(lambda item: self.add_items([item]))
            dialog.finished.connect(lambda _result: setattr(self, "soundscape_dialog", None))
            self.soundscape_dialog = dialog
        self.soundscape_dialog.open()
        return self.soundscape_dialog

    def pause_if_playing(self) -> None:
        from asmr_desktop.audio.engine import PlayState

        if self.engine.state is PlayState.PLAYING:
            self.engine.pause()

    def remove_selected(self) -> None:
        rows = [self.list.row(i) for i in self.list.selectedItems()]
        if rows:
            self._changing(lambda: self.listening.remove(rows))

    def _moved(self, source: int, target: int) -> None:
        self._changing(lambda: self.listening.move(source, target))

    def _refresh_rows(self) -> None:
        from asmr_desktop.analysis.verdict import Verdict
        from asmr_desktop.audio.engine import PlayState

        self.list.clear()
        current = self.engine.current_index
        playing = self.engine.state is not PlayState.STOPPED
        for index, item in enumerate(self.items()):
            mark = f"  ·  cannot play: {item.failed}" if item.failed else ""
            analysis = self.listening.analysis_of(item)
            tip = str(item.path) if item.path else item.title
            if analysis is not None and not mark:
                mark = f"  ·  {verdict_mark(analysis.verdict)}"
                tip = f"{analysis.explanation}\n{tip}"
            row = QListWidgetItem(
                row_text(
                    item.title,
                    item.duration_s,
                    endless=item.factory is not None,
                    mark=mark,
                    current=playing and index == current,
                )
            )
            row.setToolTip(tip)
            not_gentle = analysis is not None and analysis.verdict is not Verdict.GENTLE
            if item.failed or not_gentle:
                row.setForeground(QColor(WARNING))
            self.list.addItem(row)
        self._show_has_items(self.list.count() > 0)
        self._show_now_playing(current if playing else None)

    def _show_now_playing(self, index: int | None) -> None:
        """The now-playing area: the item playing (or paused), its measured verdict."""
        items = self.items()
        if index is None or not 0 <= index < len(items):
            self.now_playing.show_track(None, None)
            self.now_playing.show_track_left(None)
            return
        item = items[index]
        analysis = self.listening.analysis_of(item)
        badge = None if analysis is None else verdict_mark(analysis.verdict)
        self.now_playing.show_track(item.title, badge)
        if item.factory is not None and item.duration_s is None:
            self.now_playing.show_track_left(None, endless=True)

    def _refresh_playlist_names(self) -> None:
        self.playlist_box.clear()
        self.playlist_box.addItem("Unsaved playlist")
        for name in self.listening.playlists.names():
            self.playlist_box.addItem(name)
        name = self.listening.playlist_name
        index = self.playlist_box.findText(name) if name else 0
        self.playlist_box.setCurrentIndex(max(0, index))
        self.delete_playlist_button.setEnabled(bool(name))

    def _playlist_chosen(self, index: int) -> None:
        name = "" if index == 0 else self.playlist_box.itemText(index)
        self.load_playlist(name)

    def load_playlist(self, name: str) -> None:
        try:
            loaded = self.listening.load(name)
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            return
        if loaded.migraine_on:
            self._show_settings()
            self.notify("Migraine mode is on for this playlist: quieter at most, and softer.")
        self._analyse(loaded.items)
        self._refresh_rows()
        self._refresh_playlist_names()

    def save_playlist_as(self) -> None:
        current = self.listening.playlist_name
        name, ok = QInputDialog.getText(self, "Save playlist", "Name:", text=current)
        if ok:
            self.save_playlist(name)

    def save_playlist(self, name: str) -> None:
        try:
            saved = self.listening.save_as(name)
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            return
        self._refresh_playlist_names()
        self.notify(f"Saved as “{saved}”.")

    def _delete_playlist(self) -> None:
        try:
            name = self.listening.delete_current()
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            return
        if name:
            self._refresh_playlist_names()
            self.notify(f"Deleted the playlist “{name}”; its tracks stay here, unsaved.")

    def _add_files(self) -> None:
        from asmr_desktop.library.files import dialog_patterns

        names, _ = QFileDialog.getOpenFileNames(
            self, "Add files", "", f"Audio ({dialog_patterns()})"
        )
        if names:
            self.add_paths([Path(n) for n in names])

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add folder")
        if folder:
            self.add_paths([Path(folder)])

    def _import_m3u(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import M3U", "", "Playlists (*.m3u *.m3u8)")
        if name:
            self.import_m3u(Path(name))

    def import_m3u(self, path: Path) -> None:
        added: list[PlaylistItem] = []
        if self._changing(lambda: added.extend(self.listening.import_m3u(path))):
            self._analyse(added)
            self.notify(f"Added {len(added)} entries from {path.name}.")

    def _export_m3u(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export M3U", "playlist.m3u8", "*.m3u8")
        if name:
            self.export_m3u(Path(name))

    def export_m3u(self, path: Path) -> None:
        try:
            skipped = self.listening.export_m3u(path)
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            return
        extra = (
            f" ({skipped} built-in soundscapes have no file and were left out)" if skipped else ""
        )
        self.notify(f"Exported to {path}{extra}.")

    # -- transport -------------------------------------------------------------------------
    def _ensure_output(self) -> bool:
        if self._player.running:
            return True
        try:
            self._player.start()
        except AsmrError as exc:
            self.notify(f"{exc} Visual-only mode works without sound.", problem=True)
            self.playback_failed.emit(str(exc))
            return False
        return True

    def ensure_output(self) -> bool:
        """Start the sound output if it is not running (a soundscape preview needs it)."""
        return self._ensure_output()

    def toggle(self) -> None:
        """Play or pause; before the engine is ready, a press is queued (a second one
        takes it back)."""
        if not self._attached:
            self._queue(None if self._queued is not None else self.toggle)
            return
        from asmr_desktop.audio.engine import PlayState

        if self.engine.state is PlayState.PLAYING:
            self.engine.pause()
        elif self.engine.state is PlayState.PAUSED:
            if self._ensure_output():
                self.engine.play()
        else:
            self.play_row(self.engine.current_index or 0)

    def play_row(self, row: int) -> None:
        """Play a row; in migraine mode a track that is not gentle is announced first.
        Before the engine is ready the row is queued."""
        if not self._attached:
            self._queue(lambda: self.play_row(row))
            return
        plan = self.listening.plan_play(row)
        if plan.ask_about is not None:
            self._ask_about(row, plan.ask_about)
        elif plan.row is None:
            if plan.message:
                self.notify(plan.message, problem=True)
        elif self._ensure_output():
            self.engine.play(plan.row)

    def _ask_about(self, row: int, analysis: TrackAnalysis) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Migraine mode",
            f"“{self.items()[row].title}” may not be gentle: {analysis.explanation}\n\n"
            "Play it anyway, or skip tracks like this while migraine mode is on?",
            parent=self,
        )
        play = box.addButton("Play anyway", QMessageBox.ButtonRole.AcceptRole)
        skip = box.addButton("Skip them", QMessageBox.ButtonRole.ActionRole)
        box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(skip)

        def done() -> None:
            self.migraine_prompt = None
            clicked = box.clickedButton()
            if clicked is play and self._ensure_output():
                self.engine.play(row)
            elif clicked is skip:
                self.listening.skip_ungentle_from_now()
                self.play_row(row)
            box.deleteLater()

        box.finished.connect(done)
        self.migraine_prompt = box
        box.open()

    def _queue(self, play: Callable[[], None] | None) -> None:
        """Remember (or, with None, forget) what Play asked for before the engine exists."""
        self._queued = play
        self.play_button.setText(PLAY_WORDS[2] if play is not None else PLAY_WORDS[0])

    def stop(self) -> None:
        if not self._attached:
            self._queue(None)
            return
        self.engine.stop()

    def silence(self) -> None:
        """Stop completely (visual-only mode): fade out, then nothing at all is sent; a
        Play queued before the engine was ready is dropped too."""
        if not self._attached:
            self._queue(None)
            return
        from asmr_desktop.audio.engine import PlayState

        if self.engine.state is not PlayState.STOPPED:
            self.stop()

    def _cycle_repeat(self) -> None:
        from asmr_desktop.audio.engine import Repeat

        order = [Repeat.OFF, Repeat.ALL, Repeat.ONE]
        current = self.engine.settings.repeat
        new = order[(order.index(current) + 1) % len(order)]
        self.engine.set_repeat(new)
        self.repeat_button.setText(REPEAT_WORDS[new.value])

    def _seek_released(self) -> None:
        self._seeking = False
        duration = self.engine.duration_s()
        if duration:
            self.engine.seek(duration * self.seek_slider.value() / SLIDER_STEPS)

    # -- levels ----------------------------------------------------------------------------
    def set_volume_position(self, position: float) -> None:
        """Volume from outside the window (media keys, desktop widgets), 0..1."""
        self.volume_slider.setValue(round(max(0.0, min(1.0, position)) * SLIDER_STEPS))

    def _volume_moved(self, value: int) -> None:
        self.listening.set_volume(value / SLIDER_STEPS)
        self._show_volume()
        self._save_timer.start()

    def _show_volume(self) -> None:
        from asmr_desktop.audio.gain import volume_to_db

        db = volume_to_db(self.volume_slider.value() / SLIDER_STEPS)
        self.volume_label.setText("silent" if db == float("-inf") else f"{db:.0f} dB")

    def _ceiling_changed(self, value: float) -> None:
        try:
            ceiling = check_ceiling_db(value)
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            self._show_ceiling(self.engine.settings.ceiling_db)
            return
        self.listening.set_ceiling_db(ceiling)
        self._show_ceiling(ceiling)
        self._save_timer.start()

    def set_ceiling_text(self, text: str) -> None:
        """The ceiling as typed into its box (then Enter): accepted or refused with why."""
        self.ceiling_box.lineEdit().setText(text)
        self.ceiling_box.interpretText()

    def _show_ceiling(self, ceiling_db: float) -> None:
        self.ceiling_box.blockSignals(True)
        self.ceiling_box.setValue(ceiling_db)
        self.ceiling_box.blockSignals(False)
        self.ceiling_label.setText(ceiling_words(ceiling_db, self.migraine_button.isChecked()))

    def _crossfade_changed(self, value: float) -> None:
        self.listening.set_crossfade_s(value)
        self._save_timer.start()

    def _migraine_toggled(self, on: bool) -> None:
        self.listening.set_migraine(on)
        self._show_migraine(on)
        self._save_timer.start()

    def _show_migraine(self, on: bool) -> None:
        self.migraine_button.setText("Migraine mode: on" if on else "Migraine mode")
        self.ceiling_label.setText(ceiling_words(self.ceiling_box.value(), on))

    def toggle_migraine(self) -> None:
        """The M key."""
        if self.migraine_button.isEnabled():
            self.migraine_button.toggle()

    def seek_by(self, seconds: float) -> None:
        """Left/Right: back or forward in the track playing (not in an endless one)."""
        if not self._attached:
            return
        duration = self.engine.duration_s()
        if duration:
            self.engine.seek(max(0.0, min(duration, self._position_s + seconds)))

    def step_volume(self, steps: int) -> None:
        """Up/Down, +/-: the volume slider by ``steps`` keyboard steps."""
        if self.volume_slider.isEnabled():
            self.volume_slider.setValue(self.volume_slider.value() + steps * VOLUME_STEP)

    def next_track(self) -> None:
        if self._attached and self.next_button.isEnabled():
            self.engine.next()

    def previous_track(self) -> None:
        if self._attached and self.previous_button.isEnabled():
            self.engine.previous()

    def _show_play(self, *, playing: bool) -> None:
        self.play_button.setText(PLAY_WORDS[1] if playing else PLAY_WORDS[0])
        self.play_button.setIcon(icon("pause" if playing else "play", BACKGROUND))

    def flush_settings(self) -> None:
        if self._attached:
            self.listening.flush_settings()

    # -- sleep timer -----------------------------------------------------------------------
    def cycle_sleep_timer(self) -> None:
        """The T key: off -> 15 -> 30 -> 45 -> 60 -> 90 min -> off (services.playpage)."""
        if self._attached:
            self.sleep_bar.choose(next_sleep_timer(self.sleep_bar.timer))

    def set_sleep_timer(self, timer: SleepTimer) -> None:
        """Off, after some seconds of playback, or at the end of this track."""
        if self.sleep_bar.timer != timer:
            self.sleep_bar.show_timer(timer)  # set from the tray: the row shows it too
        self.engine.set_sleep_timer(timer)
        self.now_playing.show_sleep_left(
            timer.seconds if timer.mode is SleepMode.AFTER else None, self.sleep_bar.words()
        )

    # -- engine reports (Qt thread) ----------------------------------------------------------
    def _state_changed(self, state: PlayState) -> None:
        from asmr_desktop.audio.engine import PlayState

        self._show_play(playing=state is PlayState.PLAYING)
        self._refresh_rows()
        self.listening.state_changed(state)
        if state is PlayState.STOPPED:
            self.seek_slider.setValue(0)
            self.position_label.setText("0:00")

    def _item_skipped(self, index: int) -> None:
        items = self.items()
        if 0 <= index < len(items):
            self.notify(f"Skipped “{items[index].title}”: not gentle enough for migraine mode.")

    def _track_changed(self, _index: int | None) -> None:
        self._refresh_rows()

    def _position_changed(self, position: float, duration: float | None) -> None:
        self._position_s = position
        self.now_playing.show_track_left(
            None if duration is None else duration - position, endless=duration is None
        )
        self.position_label.setText(clock_text(position))
        self.duration_label.setText(clock_text(duration) if duration else "endless")
        if duration and not self._seeking:
            self.seek_slider.setValue(round(SLIDER_STEPS * position / duration))

    def _item_failed(self, index: int, reason: str) -> None:
        items = self.items()
        title = items[index].title if 0 <= index < len(items) else "An item"
        self.notify(f"Skipped “{title}”: {reason}.", problem=True)
        self._refresh_rows()

    def _sleep_changed(self, remaining: float | None) -> None:
        if remaining is None:
            if self.sleep_bar.timer.mode is not SleepMode.TRACK_END:
                self.sleep_bar.show_timer(SleepTimer.off())
            self.now_playing.show_sleep_left(None, self.sleep_bar.words())
            return
        self.now_playing.show_sleep_left(remaining)

    def _device_failed(self, error: AsmrError) -> None:
        self.notify(f"{error} Press Play to try again.", problem=True)
        self.playback_failed.emit(str(error))

    def _analysed(self, path: Path, analysis: TrackAnalysis | None, error: str | None) -> None:
        if analysis is not None:
            self.listening.record_analysis(path, analysis)
        elif error:
            log.info("analysis failed: %s", error)
        self._refresh_rows()

    def _analysis_progress(self, progress: AnalysisProgress) -> None:
        busy = progress.fraction < 1.0
        self.analysis_bar.setVisible(busy)
        self.analysis_bar.setValue(round(progress.fraction * 1000))
        self.analysis_bar.setFormat(
            f"Checking loudness and sudden sounds: {progress.done + 1} of {progress.total}"
        )

    def notify(self, text: str, *, problem: bool = False) -> None:
        self.notice.say(text, problem=problem)
