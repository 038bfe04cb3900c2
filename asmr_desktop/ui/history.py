"""The history table: every session with its ratings; edit, delete and undo; export."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from asmr_desktop.core.errors import AsmrError
from asmr_desktop.core.store import Store
from asmr_desktop.diary.backup import export_csv, export_json, import_json
from asmr_desktop.diary.days import DayBook
from asmr_desktop.diary.model import Mode, Session, pain_category
from asmr_desktop.diary.service import Diary
from asmr_desktop.ui.notice import NoticeLine
from asmr_desktop.ui.rating import RatingDialog
from asmr_desktop.ui.sizing import FlowLayout

log = logging.getLogger(__name__)

MODE_WORDS = {Mode.AUDIO: "sound", Mode.VISUAL: "visual only", Mode.REST: "rest, no sound"}
COLUMNS = ("Started", "Mode", "Length", "Before", "After", "Relief", "What", "Note")
RANGES = (("Last 2 weeks", 14), ("Last 4 weeks", 28), ("Last 3 months", 91), ("All", 0))

ModelIndex = QModelIndex | QPersistentModelIndex
RESIZE_SAMPLE_ROWS = 60


def _cell(session: Session, column: int) -> str:
    if column == 0:
        return session.started.astimezone().strftime("%a %d %b %Y  %H:%M")
    if column == 1:
        return MODE_WORDS[session.mode]
    if column == 2:
        duration = session.duration_s
        if duration is None:
            return "running"
        # The measured length stands; the start time shown may be off by the change.
        return f"{round(duration / 60)} min" + (
            "  (clock changed)" if session.clock_changed else ""
        )
    if column == 3:
        return "" if session.pain_before is None else str(session.pain_before)
    if column == 4:
        if session.pain_after is None:
            return str(session.state) if session.state.value != "rated" else ""
        return f"{session.pain_after} ({pain_category(session.pain_after)})"
    if column == 5:
        relief = session.relief
        return "" if relief is None else f"{relief:+d}"
    if column == 6:
        return what_was_heard(session)
    return session.note.replace("\n", " ")


def what_was_heard(session: Session) -> str:
    """'Evening: Rain, Brown' — the items heard where known, else what was queued."""
    titles = [title for title, _ in session.heard] if session.heard is not None else []
    listed = ", ".join(titles or session.items)
    if session.playlist and listed:
        return f"{session.playlist}: {listed}"
    return session.playlist or listed


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class SessionTableModel(QAbstractTableModel):
    """A read-only view of sessions, newest first."""

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[Session] = []

    def set_sessions(self, sessions: list[Session]) -> None:
        self.beginResetModel()
        self.sessions = sorted(sessions, key=lambda s: s.started, reverse=True)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.sessions)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        session = self.sessions[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(session, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 7 and session.note:
            return session.note
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (2, 3, 4, 5):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None


class _ImportBridge(QObject):
    """Carries an import's progress and result from its worker thread to the UI thread."""

    progressed = Signal(int, int)
    done = Signal(str, bool)  # message, problem


class HistoryView(QWidget):
    """Sessions in a date range, with edit, delete, undo, export and import."""

    undo_changed = Signal(bool)
    #: An import ended (its message); the table is already refreshed.
    import_finished = Signal(str)
    #: The person wants to record or change a day (a ``date``): the check-in asks it.
    day_requested = Signal(object)

    def __init__(self, diary: Diary, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._diary = diary
        self._store = store
        self._undo: list[tuple[str, Session]] = []
        self.edit_dialog: RatingDialog | None = None
        self._stale = True
        self._show_all = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)

        # Rows that wrap (FlowLayout): at 640 logical pixels (2x on a 1280x720 screen) one
        # row of them would squeeze every text ("Delete ratinc", "Last ...onths").
        filters = FlowLayout()
        self.range_box = QComboBox()
        for label, _days in RANGES:
            self.range_box.addItem(label)
        self.range_box.setCurrentIndex(1)
        self.range_box.currentIndexChanged.connect(self._range_chosen)
        self.from_date = QDateEdit()
        self.to_date = QDateEdit()
        for edit in (self.from_date, self.to_date):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd MMM yyyy")
            edit.dateChanged.connect(self._dates_edited)
        filters.addWidget(self.range_box)
        filters.addWidget(QLabel("from"))
        filters.addWidget(self.from_date)
        filters.addWidget(QLabel("to"))
        filters.addWidget(self.to_date)
        self.summary = QLabel()
        self.summary.setObjectName("dim")
        filters.addWidget(self.summary)
        layout.addLayout(filters)

        self.model = SessionTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Size columns from the first rows only: measuring years of rows takes seconds.
        header.setResizeContentsPrecision(RESIZE_SAMPLE_ROWS)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(self.edit_selected)
        self.empty = QLabel(
            "No sessions in this period yet. After each session you will be asked how your "
            "head feels; the answers show up here."
        )
        self.empty.setWordWrap(True)
        self.empty.setObjectName("dim")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)

        buttons = FlowLayout()
        self.edit_button = QPushButton("Edit rating…")
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton("Delete rating")
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_button = QPushButton("Undo")
        self.undo_button.clicked.connect(self.undo)
        self.undo_button.setEnabled(False)
        self.export_csv_button = QPushButton("Export CSV…")
        self.export_csv_button.clicked.connect(self._export_csv)
        self.backup_button = QPushButton("Back up…")
        self.backup_button.clicked.connect(self._export_json)
        self.import_button = QPushButton("Import backup…")
        self.import_button.clicked.connect(self._import_json)
        for button in (
            self.edit_button,
            self.delete_button,
            self.undo_button,
            self.export_csv_button,
            self.backup_button,
            self.import_button,
        ):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.import_progress = QProgressBar()
        self.import_progress.setVisible(False)
        layout.addWidget(self.import_progress)
        self._import_bridge = _ImportBridge(self)
        self._import_bridge.progressed.connect(self._import_progressed)
        self._import_bridge.done.connect(self._import_done)
        self._import_thread: threading.Thread | None = None
        layout.addLayout(self._day_row())
        self.notice = NoticeLine()
        layout.addWidget(self.notice)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._range_chosen(self.range_box.currentIndex())

    # -- filtering -------------------------------------------------------------------------
    def _day_row(self) -> FlowLayout:
        """Yesterday or any earlier day: its record (or 'unknown') and a button to change it."""
        self._days = DayBook(self._store, self._diary.now)
        row = FlowLayout()
        self.day_date = QDateEdit()
        self.day_date.setCalendarPopup(True)
        self.day_date.setDisplayFormat("dd MMM yyyy")
        today = self._days.today()
        self.day_date.setMaximumDate(QDate(today.year, today.month, today.day))
        yesterday = today - timedelta(days=1)
        self.day_date.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
        self.day_date.dateChanged.connect(lambda _d: self.show_day())
        self.day_status = QLabel()
        self.day_status.setObjectName("dim")
        self.day_button = QPushButton("Record this day…")
        self.day_button.clicked.connect(
            lambda: self.day_requested.emit(_to_date(self.day_date.date()))
        )
        row.addWidget(QLabel("Day"))
        row.addWidget(self.day_date)
        row.addWidget(self.day_status)
        row.addWidget(self.day_button)
        self.show_day()
        return row

    def show_day(self) -> None:
        """What the chosen day holds: unknown until recorded, never 'headache-free'."""
        record = self._days.get(_to_date(self.day_date.date()))
        if record is None:
            self.day_status.setText("unknown: no record for this day")
            return
        value = f" ({record.pain}/10)" if record.pain is not None else ""
        meds = ", ".join(m.name for m in record.medication) or "no medication"
        self.day_status.setText(f"headache {record.headache}{value}; {meds}")

    def _range_chosen(self, index: int) -> None:
        days = RANGES[index][1]
        today = self._diary.now().astimezone().date()
        first = today - timedelta(days=days - 1) if days else None
        self._set_dates(first or today, today)
        self._show_all = first is None
        self.refresh()

    def _set_dates(self, first: date, last: date) -> None:
        for edit in (self.from_date, self.to_date):
            edit.blockSignals(True)
        self.from_date.setDate(QDate(first.year, first.month, first.day))
        self.to_date.setDate(QDate(last.year, last.month, last.day))
        for edit in (self.from_date, self.to_date):
            edit.blockSignals(False)

    def _dates_edited(self) -> None:
        self._show_all = False
        self.refresh()

    def date_range(self) -> tuple[date, date]:
        return _to_date(self.from_date.date()), _to_date(self.to_date.date())

    def refresh(self) -> None:
        """Reload now if visible; otherwise when next shown (start-up pays nothing)."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self.show_day()
        try:
            if self._show_all:
                sessions = self._diary.sessions()
                if sessions:
                    self._set_dates(sessions[0].started.astimezone().date(), self.date_range()[1])
            else:
                sessions = self._diary.sessions(*self.date_range())
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            return
        self.model.set_sessions(sessions)
        has_rows = bool(sessions)
        self.table.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        rated = [s for s in sessions if s.pain_after is not None]
        self.summary.setText(f"{len(sessions)} sessions, {len(rated)} rated")
        self._update_buttons()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # -- editing ---------------------------------------------------------------------------
    def selected(self) -> Session | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.sessions[rows[0].row()] if rows else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _update_buttons(self) -> None:
        session = self.selected()
        self.edit_button.setEnabled(session is not None)
        self.delete_button.setEnabled(session is not None and session.pain_after is not None)
        self.undo_button.setEnabled(bool(self._undo))
        label = f"Undo {self._undo[-1][0]}" if self._undo else "Undo"
        self.undo_button.setText(label)

    def edit_selected(self) -> RatingDialog | None:
        session = self.selected()
        if session is None or session.id is None:
            return None
        dialog = RatingDialog(
            self, initial=session.pain_after, question="How was your head after this session?"
        )
        for name in session.triggers:
            dialog.trigger_boxes[name].setChecked(True)
        for name in session.care:
            dialog.care_boxes[name].setChecked(True)
        if session.symptom:
            dialog.symptom_buttons[session.symptom].setChecked(True)
        dialog.note.setPlainText(session.note)
        dialog.unusual.setChecked(session.unusual)
        session_id = session.id

        def done(result: int) -> None:
            self.edit_dialog = None
            dialog.deleteLater()
            if result != QDialog.DialogCode.Accepted:
                return
            try:
                before = self._diary.edit_rating(
                    session_id,
                    pain_after=dialog.pain(),
                    triggers=dialog.triggers(),
                    care=dialog.care(),
                    symptom=dialog.symptom(),
                    note=dialog.note_text(),
                    unusual=dialog.is_unusual(),
                )
            except AsmrError as exc:
                self.notify(str(exc), problem=True)
                return
            self._push_undo("edit", before)

        dialog.finished.connect(done)
        self.edit_dialog = dialog
        dialog.open()
        return dialog

    def delete_selected(self) -> None:
        session = self.selected()
        if session is None or session.id is None or session.pain_after is None:
            return
        try:
            before = self._diary.delete_rating(session.id)
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            return
        self._push_undo("delete", before)

    def _push_undo(self, label: str, snapshot: Session) -> None:
        self._undo.append((label, snapshot))
        self.refresh()
        self.undo_changed.emit(True)

    def undo(self) -> None:
        if not self._undo:
            return
        _label, snapshot = self._undo.pop()
        try:
            self._diary.restore(snapshot)
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
        self.refresh()
        self.undo_changed.emit(bool(self._undo))

    # -- export and import -----------------------------------------------------------------
    def _ask_path(self, title: str, suggested: str, pattern: str, save: bool) -> Path | None:
        if save:
            name, _ = QFileDialog.getSaveFileName(self, title, suggested, pattern)
        else:
            name, _ = QFileDialog.getOpenFileName(self, title, "", pattern)
        return Path(name) if name else None

    def _export_csv(self) -> None:
        path = self._ask_path("Export CSV", "asmr-diary.csv", "CSV files (*.csv)", True)
        if path is not None:
            self._report(lambda: f"Exported {export_csv(self._diary, path)} sessions to {path}.")

    def _export_json(self) -> None:
        path = self._ask_path("Back up", "asmr-backup.json", "Backups (*.json)", True)
        if path is not None:
            self._report(
                lambda: (
                    f"Saved {export_json(self._diary, path, self._diary.now(), self._days)} "
                    f"sessions (and {len(self._days.days())} days) to {path}."
                )
            )

    def _import_json(self) -> None:
        path = self._ask_path("Import backup", "", "Backups (*.json)", False)
        if path is not None:
            self.import_backup(path)

    def import_backup(self, path: Path) -> None:
        """Import off the UI thread (years of sessions take a while), with a progress bar."""
        if self._import_thread is not None and self._import_thread.is_alive():
            return
        self.import_button.setEnabled(False)
        self.import_progress.setRange(0, 0)  # busy until the first count arrives
        self.import_progress.setVisible(True)
        self.notify(f"Importing {path.name}…")
        bridge = self._import_bridge

        def work() -> None:
            try:
                result = import_json(self._store, path, self._diary.now, bridge.progressed.emit)
            except AsmrError as exc:
                bridge.done.emit(str(exc), True)
            else:
                bridge.done.emit(result.message(), False)

        self._import_thread = threading.Thread(target=work, name="import", daemon=True)
        self._import_thread.start()

    def _import_progressed(self, done: int, total: int) -> None:
        self.import_progress.setRange(0, max(total, 1))
        self.import_progress.setValue(done)

    def _import_done(self, message: str, problem: bool) -> None:
        self._import_thread = None
        self.import_progress.setVisible(False)
        self.import_button.setEnabled(True)
        self.notify(message, problem=problem)
        self.refresh()
        self.import_finished.emit(message)

    def _report(self, action: Callable[[], str]) -> str:
        try:
            message = action()
        except AsmrError as exc:
            self.notify(str(exc), problem=True)
            return str(exc)
        self.notify(message)
        return message

    def notify(self, text: str, *, problem: bool = False) -> None:
        """A quiet line under the table: results and problems, without a modal box."""
        self.notice.say(text, problem=problem)
