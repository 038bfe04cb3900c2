"""The "now playing" area: the title, its gentleness badge, time left in the track and on
the sleep timer. It only shows what the panel tells it; nothing here measures anything."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QLayout, QSizePolicy, QWidget

#: The badge when no analysis exists yet: unknown stays unknown, never "gentle".
NOT_MEASURED = "not measured yet"
GENTLE = "gentle"


def clock_text(seconds: float | None) -> str:
    """'4:05', '1:02:03'; '--:--' when unknown."""
    if seconds is None:
        return "--:--"
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class NowPlaying(QFrame):
    """What plays, how gentle it measured, and how long is left (track and sleep timer)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nowPlaying")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        grid = QGridLayout(self)
        grid.setContentsMargins(20, 14, 20, 14)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        self.caption = QLabel("Now playing")
        self.caption.setObjectName("dim")
        self.title = QLabel("Nothing yet")
        self.title.setObjectName("nowTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        # Two lines are always kept for the title, so a long one never moves what is below.
        self.title.setMinimumHeight(self.title.fontMetrics().lineSpacing() * 2 + 4)
        self.badge = QLabel("")
        self.badge.setObjectName("badge")
        self.badge.setAccessibleName("How gentle the track measured")
        self.track_left = QLabel("")
        self.track_left.setObjectName("dim")
        self.sleep_left = QLabel("Sleep timer off")
        self.sleep_left.setObjectName("dim")
        for label in (self.track_left, self.sleep_left):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.caption, 0, 0)
        grid.addWidget(self.badge, 0, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.title, 1, 0, 1, 2)
        grid.addWidget(self.track_left, 2, 0, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self.sleep_left, 2, 1, Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(0, 1)
        self._grid = grid
        self.show_track(None, None)

    def add_row(self, row: QLayout) -> None:
        """A row below the times (the panel's position slider)."""
        self._grid.addLayout(row, self._grid.rowCount(), 0, 1, 2)

    def show_track(self, title: str | None, badge: str | None) -> None:
        """``title`` None: nothing chosen yet; ``badge`` None: not measured yet."""
        self.title.setText(title or "Nothing playing")
        self.title.setToolTip(title or "")
        shown = badge if badge is not None else NOT_MEASURED
        self.badge.setText(shown if title else "")
        self.badge.setVisible(bool(title))
        warn = bool(title) and badge is not None and badge != GENTLE
        self.badge.setProperty("warn", "true" if warn else "false")
        self.badge.style().unpolish(self.badge)
        self.badge.style().polish(self.badge)

    def show_track_left(self, seconds: float | None, *, endless: bool = False) -> None:
        """Time left in the track; endless for a soundscape that runs until the timer."""
        if endless:
            self.track_left.setText("Plays until you stop it or the sleep timer ends")
        elif seconds is None:
            self.track_left.setText("")
        else:
            self.track_left.setText(f"{clock_text(seconds)} left in this track")

    def show_sleep_left(self, seconds: float | None, chosen: str = "Off") -> None:
        """Time left on the sleep timer, or what was chosen before it starts counting."""
        if seconds is not None:
            self.sleep_left.setText(f"Sleep timer: {clock_text(seconds)} left")
        elif chosen == "Off":
            self.sleep_left.setText("Sleep timer off")
        else:
            self.sleep_left.setText(f"Sleep timer: {chosen}")
